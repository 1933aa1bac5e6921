"""Every figure on the home page opens the records behind it, and for a count the number
of those records is the figure."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from mofan.core.indicators import REGISTRY, Period, table
from mofan.core.views import default_year
from mofan.orgs.models import Org


@pytest.fixture
def demo_year(db):
    import datetime as dt

    from mofan.accounts.models import User

    call_command("load_demo", stdout=StringIO())
    User.objects.update(must_change_password=False, password_changed_at=dt.datetime.now(dt.UTC))
    return default_year()


def test_every_indicator_declares_the_records_behind_it():
    assert [k for k, ind in REGISTRY.items() if ind.sources is None] == []


def test_drilldown_counts_equal_the_figures_for_every_organ_of_the_demo(demo_year):
    organs = list(Org.objects.filter(kind=Org.ORGAN))
    period = Period.year(demo_year)
    values = table([o.pk for o in organs], period)
    counted = 0
    for key, ind in REGISTRY.items():
        if not ind.is_count:
            continue
        for organ in organs:
            rows = ind.sources(organ, period).count()
            assert (values[key][organ.pk] or 0) == rows, (key, organ.code)
            counted += rows
    assert counted > 100  # the demo really has records behind its figures


def test_every_home_figure_opens_a_records_page_that_counts_the_figure(demo_year):
    client = _login("wgxlj_admin")
    page = client.get(f"/?year={demo_year}").content.decode()
    links = set(re.findall(r'href="(/indicators/[^"]+)"', page))
    assert len(links) == len(REGISTRY)
    organ = Org.objects.get(code="wgxlj")
    key = "ledgers.appeals.total"
    figure = REGISTRY[key].value(organ.pk, Period.year(demo_year))
    link = f"/indicators/{key}/{organ.pk}/?year={demo_year}"
    assert link.replace("&", "&amp;") in page or link in links
    assert f"依据 {figure} 条记录" in client.get(link).content.decode()


def _login(username):
    from django.test import Client

    from mofan.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


# --- scope and no data, on the small world


def test_an_outsider_gets_404_for_another_organs_figure(world):
    key = "ledgers.appeals.total"
    response = world.client("outsider").get(f"/indicators/{key}/{world.organ.pk}/?year=2025")
    assert response.status_code == 404


def test_an_unknown_indicator_is_404(world):
    assert world.client("admin").get(f"/indicators/nope/{world.organ.pk}/").status_code == 404


def test_a_head_sees_his_organs_figure_but_lists_only_rows_he_may_open(world):
    from mofan.appeals.tests.factories import appeal

    appeal(world)
    response = world.client("member").get(
        f"/indicators/ledgers.appeals.total/{world.organ.pk}/?year=2025")
    page = response.content.decode()
    assert response.status_code == 200
    assert "依据 1 条记录" in page and "其中您可查看 0 条" in page


def test_home_shows_a_dash_for_no_data(world):
    page = world.client("admin").get("/?year=2025").content.decode()
    assert ">—</a>" in page


def test_the_cli_prints_null_for_no_data(world):
    out = StringIO()
    call_command("indicators", "--org", "wg", "--year", "2025", "--prefix", "ledgers.appeals",
                 stdout=out)
    assert "民情诉求按期办结率：null" in out.getvalue()


def test_the_cli_accepts_the_committees_code_and_prints_every_organ(world):
    out = StringIO()
    call_command("indicators", "--org", "gw", "--year", "2025", "--prefix", "orgs.", stdout=out)
    assert "测试县文广新旅局 2025 年度指标" in out.getvalue()
    assert "测试县发改局 2025 年度指标" in out.getvalue()


def test_the_cli_prints_every_organ_with_all(world):
    import json

    out = StringIO()
    call_command("indicators", "--all", "--year", "2025", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"wg", "fg"} and data["fg"]["ledgers.tasks.total"]["value"] is None


def test_the_cli_computes_through_table_with_shared_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call_command("indicators", "--org", "wg", "--year", "2025", stdout=StringIO())
    assert len(ctx.captured_queries) < len(REGISTRY)  # indicators share their grouped rows
