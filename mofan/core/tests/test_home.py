def test_home_shows_the_organs_indicators_by_pillar_with_labels_and_units(world):
    page = world.client("admin").get("/?year=2025").content.decode()
    assert "基本情况" in page and "干部职工人数" in page
    assert (page.index(">基本情况</h2>") < page.index(">学习型</h2>") < page.index(">服务型</h2>")
            < page.index(">效能型</h2>") < page.index(">台账</h2>"))
    assert "3 人" in page  # the organ's three people, with the unit
    assert "测试县发改局" not in page


def test_home_shows_no_internal_indicator_key(world):
    from mofan.core.indicators import REGISTRY

    for who in ("admin", "committee"):
        page = world.client(who).get("/?year=2025").content.decode()
        shown = [k for k in REGISTRY if k in page.replace("/indicators/", "")]
        # keys appear only inside drill-down links (/indicators/<key>/<organ>/)
        assert all(f"/indicators/{k}/" in page for k in shown), shown
        assert "orgs.branch_count" not in page.replace("/indicators/orgs.branch_count/", "")


def test_committee_home_shows_county_figures_not_one_column_per_organ(world):
    page = world.client("committee").get("/?year=2025").content.decode()
    assert "全县 2 个机关合计" in page
    assert "4 人" in page  # 3 in the first organ + 1 in the other
    assert "2/2 个机关有数据" in page
    assert "<th class=\"num\">测试县发改局" not in page


def test_a_rate_without_data_shows_a_dash_not_zero_on_home(world):
    response = world.client("admin").get("/?year=2025")
    figures = {f.ind.key: f.text for _, fs in response.context["pillars"] for f in fs}
    assert figures["ledgers.appeals.closed_on_time_rate"] == "—"


def test_a_bad_year_falls_back_to_the_default(world):
    from mofan.core.params import reporting_year

    response = world.client("admin").get("/?year=abc")
    assert response.status_code == 200 and response.context["year"] == reporting_year()


def test_home_query_count_does_not_grow_with_organs(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mofan.orgs.models import Org

    client = world.client("committee")
    with CaptureQueriesContext(connection) as two:
        client.get("/?year=2025")
    for i in range(10):
        Org.objects.create(name=f"新机关{i}", code=f"new{i}", kind=Org.ORGAN, parent=world.committee)
    with CaptureQueriesContext(connection) as twelve:
        client.get("/?year=2025")
    assert len(twelve.captured_queries) == len(two.captured_queries)
