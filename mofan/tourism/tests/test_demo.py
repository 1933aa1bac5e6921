"""The demo year has the reference's tourism figures: arrivals in the millions with a real
growth on the previous year's months, and its honours and placings; every page opens."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mofan.accounts.models import User
from mofan.core.indicators import REGISTRY, Period, table
from mofan.core.views import default_year
from mofan.orgs.models import Org
from mofan.tourism.models import Honour, MonthlyFigure


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())
    User.objects.update(must_change_password=False, password_changed_at=timezone.now())


def test_demo_bureau_has_the_references_tourism_figures(demo):
    bureau = Org.objects.get(code="wgxlj")
    keys = [k for k in REGISTRY if k.startswith("tourism.")]
    values = {k: v[bureau.pk] for k, v in table([bureau.pk], Period.year(default_year()),
                                                   keys).items()}
    assert 1_000_000 <= values["tourism.visitors"] < 10_000_000
    assert values["tourism.visitors_yoy"] > 0 and values["tourism.revenue_yoy"] > 0
    assert 10 * 10_000 <= values["tourism.revenue"] < 100 * 10_000  # **.* 亿元, in 万元
    assert values["tourism.honours.national"] >= 3 and values["tourism.best_rank_province"]
    titles = set(Honour.objects.values_list("title", flat=True))
    for words in ("国家工业旅游示范基地", "全国乡村旅游重点村", "全国乡村旅游精品线路", "智慧景区"):
        assert any(words in t for t in titles), words


def test_demo_growth_compares_only_the_months_entered_last_year(demo):
    last = MonthlyFigure.objects.filter(scenic_area=None, month__year=default_year() - 1)
    assert last.count() == 11  # last January was never entered
    bureau = Org.objects.get(code="wgxlj")
    rows = REGISTRY["tourism.visitors_yoy"].sources(bureau, Period.year(default_year()))
    assert rows.count() == 22


def test_every_tourism_page_of_the_demo_opens(demo):
    client = Client()
    client.force_login(User.objects.get(username="wgxlj_admin"))
    figure, honour = MonthlyFigure.objects.first(), Honour.objects.first()
    area = figure.scenic_area or MonthlyFigure.objects.exclude(scenic_area=None).first().scenic_area
    year = default_year()
    for url in (f"/tourism/?year={year}", "/tourism/figures/", f"/tourism/figures/?year={year}",
                f"/tourism/figures/{figure.pk}/", f"/tourism/figures/{figure.pk}/edit/",
                "/tourism/figures/import/", "/tourism/figures/import/template/",
                "/tourism/figures/?export=xlsx", "/tourism/areas/", f"/tourism/areas/{area.pk}/",
                "/tourism/honours/", f"/tourism/honours/{honour.pk}/",
                f"/tourism/honours/{honour.pk}/edit/", "/tourism/honours/?export=xlsx"):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/tourism/?year={year}").content.decode()
    assert "无上年同期数据" in page  # last January, and the new 面包产业城
