"""The demo year has the reference's 文化惠民 figures, every page of them opens, and the
same seed gives the same events."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from mofan.accounts.models import User
from mofan.core.indicators import Period, table
from mofan.core.views import default_year
from mofan.culture.models import Event
from mofan.orgs.models import Org


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())
    User.objects.update(must_change_password=False, password_changed_at=timezone.now())


def test_demo_bureau_has_the_references_cultural_figures(demo):
    bureau, other = Org.objects.get(code="wgxlj"), Org.objects.get(code="fgj")
    values = table([bureau.pk, other.pk], Period.year(default_year()),
                   [k for k in ("culture.large_events", "culture.opera_to_villages",
                                "culture.films_to_villages", "culture.training_participants",
                                "culture.guided_township_events")])
    mine = {k: v[bureau.pk] for k, v in values.items()}
    assert mine["culture.large_events"] == 6
    assert 20 <= mine["culture.opera_to_villages"] < 100
    assert 900 <= mine["culture.films_to_villages"] <= 1100
    assert 1000 <= mine["culture.training_participants"] < 10000  # 数千人
    assert 10 <= mine["culture.guided_township_events"] < 100
    assert {v[other.pk] for v in values.values()} == {None}  # the other organ has no events


def test_every_culture_page_of_the_demo_opens(demo):
    client = Client()
    client.force_login(User.objects.get(username="wgxlj_admin"))
    pk = Event.objects.filter(kind=Event.FILM).first().pk
    for url in ("/culture/events/", "/culture/events/?kind=film&year=2025&month=3",
                f"/culture/events/{pk}/", f"/culture/events/{pk}/edit/", "/culture/events/new/",
                "/culture/events/import/", "/culture/events/import/template/",
                "/culture/events/?export=xlsx"):
        assert client.get(url).status_code == 200, url


def _fingerprint(seed):
    with transaction.atomic():
        call_command("load_demo", "--seed", str(seed), "--year", "2024", stdout=StringIO())
        rows = list(Event.objects.order_by("id").values_list("kind", "date", "village", "shows",
                                                             "audience"))
        transaction.set_rollback(True)
    return rows


def test_demo_events_are_the_same_for_the_same_seed(db):
    first = _fingerprint(3)
    assert first == _fingerprint(3) and first != _fingerprint(4)


def test_the_export_of_the_films_of_the_year_sums_to_the_indicator(demo):
    from io import BytesIO

    from openpyxl import load_workbook

    from mofan.core.indicators import REGISTRY

    client = Client()
    client.force_login(User.objects.get(username="wgxlj_admin"))
    year = default_year()
    response = client.get(f"/culture/events/?kind=film&year={year}&export=xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    column = [c.value for c in ws[1]].index("场次")
    shows = sum(row[column] for row in ws.iter_rows(min_row=2, values_only=True))
    bureau = Org.objects.get(code="wgxlj")
    assert shows == REGISTRY["culture.films_to_villages"].value(bureau.pk, Period.year(year)) > 900
