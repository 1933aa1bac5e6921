"""The committee's comparison (organs as rows, chosen indicators as columns) and the
dashboards: labels and units, "—" for no data, sorting and rank, query counts that do not
grow with the number of organs, and only the right people see them."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from mofan.core.indicators import REGISTRY
from mofan.dashboards import services
from mofan.orgs.models import Org, PartyOrg, Person

STAFF, MEMBERS, RATE = "orgs.staff_count", "orgs.party_member_count", "ledgers.appeals.closed_on_time_rate"


def compare_url(*keys, **extra):
    query = "&".join([f"k={k}" for k in keys] + [f"{k}={v}" for k, v in extra.items()])
    return f"/dashboards/compare/?year=2025&{query}"


def organ_order(response):
    return [r["organ"].name for r in response.context["rows"]]


def test_comparison_shows_organs_as_rows_with_labels_and_units(world):
    page = world.client("committee").get(compare_url(STAFF, RATE)).content.decode()
    assert "干部职工人数" in page and "民情诉求按期办结率" in page
    assert ">人</th>" in page and ">%</th>" in page
    assert STAFF not in page.replace(f"/indicators/{STAFF}/", "").replace(f"k={STAFF}", "").replace(
        f"sort={STAFF}", "").replace(f'value="{STAFF}"', "").replace(f'data-key="{STAFF}"', "")
    assert "基本情况" in page and "台账" in page  # the pillar header row


def test_comparison_sorts_by_a_column_and_ranks_on_it(world):
    client = world.client("committee")
    response = client.get(compare_url(STAFF, sort=STAFF, dir="desc"))
    assert organ_order(response) == ["测试县文广新旅局", "测试县发改局"]
    assert [r["rank"] for r in response.context["rows"]] == [1, 2]
    response = client.get(compare_url(STAFF, sort=STAFF, dir="asc"))
    assert organ_order(response) == ["测试县发改局", "测试县文广新旅局"]
    assert [r["rank"] for r in response.context["rows"]] == [2, 1]  # the rank stays the rank


def test_no_data_is_a_dash_never_zero_and_is_left_out_of_totals(world):
    response = world.client("committee").get(compare_url(STAFF, RATE, sort=RATE))
    cells = [[c["text"] for c in r["cells"]] for r in response.context["rows"]]
    assert cells == [["3", "—"], ["1", "—"]]
    assert [r["rank"] for r in response.context["rows"]] == [None, None]
    columns = response.context["columns"]
    assert [c["total"] for c in columns] == ["4", "—"]
    assert [c["average"] for c in columns] == ["2", "—"]


def test_ranks_share_ties_and_skip_no_data():
    assert services.ranks({1: 5, 2: 7, 3: 5, 4: None}) == {1: 2, 2: 1, 3: 2, 4: None}


def test_a_rate_is_averaged_not_summed(world):
    from mofan.core.indicators import total

    assert total(REGISTRY[RATE], [50.0, 100.0]) is None
    assert total(REGISTRY[STAFF], [3, None, 1]) == 4


def test_choosing_a_pillar_shows_all_its_indicators(world):
    response = world.client("committee").get("/dashboards/compare/?year=2025&pillar=study")
    keys = [c["ind"].key for c in response.context["columns"]]
    assert keys and all(k.startswith("study.") for k in keys)


def test_comparison_export_has_numeric_cells_and_dashes(world):
    response = world.client("committee").get(compare_url(STAFF, RATE, sort=STAFF, export="xlsx"))
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("名次", "机关", "干部职工人数（人）", "民情诉求按期办结率（%）")
    assert rows[1] == (1, "测试县文广新旅局", 3, "—")
    assert rows[2] == (2, "测试县发改局", 1, "—")
    assert rows[3][1:3] == ("合计", 4) and rows[4][1:3] == ("平均", 2)


def test_comparison_and_dashboards_are_the_committees(world):
    for who in ("admin", "head", "member", "outsider", "sysadmin"):
        client = world.client(who)
        assert client.get("/dashboards/compare/").status_code == 404
        assert client.get("/dashboards/county/").status_code == 404
    assert world.client("member").get("/dashboards/").status_code == 404


def test_an_organ_dashboard_shows_only_the_users_organ(world):
    client = world.client("outsider")
    response = client.get(f"/dashboards/?year=2025&organ={world.organ.pk}")
    assert response.status_code == 200 and response.context["organ"] == world.other
    assert "测试县文广新旅局" not in response.content.decode()


def test_organ_dashboard_panels_link_every_figure_to_its_records(world):
    response = world.client("admin").get("/dashboards/?year=2025")
    assert [p["label"] for p in response.context["panels"]] == ["学习型", "服务型", "效能型"]
    figures = [f for p in response.context["panels"] for f in p["figures"]]
    assert all(f["url"].startswith("/indicators/") for f in figures if f["ind"].has_sources)


def test_ledger_chart_counts_open_and_overdue_items_by_unit(world, ledger_today):
    import datetime as dt

    from mofan.appeals.models import Appeal
    from mofan.core.ledger.states import ASSIGNED

    Appeal.objects.create(org=world.organ, title="路灯不亮", owner_unit=world.section,
                          state=ASSIGNED, deadline=dt.date(2025, 10, 1))
    Appeal.objects.create(org=world.organ, title="井盖缺失", owner_unit=world.section,
                          state=ASSIGNED, deadline=dt.date(2025, 12, 1))
    Appeal.objects.create(org=world.other, title="外单位", owner_unit=world.other_office,
                          state=ASSIGNED, deadline=dt.date(2025, 10, 1))
    from mofan.dashboards.views import ledger_by_unit

    chart = ledger_by_unit(world.organ, today=dt.date(2025, 10, 20))
    assert chart["categories"] == ["办公室"]
    assert chart["total_open"] == 2 and chart["total_overdue"] == 1
    overdue = next(s for s in chart["series"] if s.get("overdue"))
    assert overdue["values"] == [1]
    listed = world.client("admin").get(overdue["urls"][0]).content.decode()
    assert "路灯不亮" in listed and "井盖缺失" not in listed  # the bar opens its own items


def test_county_dashboard_elements_click_through(world):
    response = world.client("committee").get("/dashboards/county/?year=2025&rank=" + STAFF)
    ranking = response.context["ranking"]
    assert ranking["values"] == [1, 3]  # ascending: the largest bar on top
    assert ranking["urls"][1] == f"/indicators/{STAFF}/{world.organ.pk}/?year=2025"
    assert all(c["url"].startswith("/indicators/") for c in response.context["heat"]["cells"])
    for series in response.context["trend"]["series"]:
        assert all("/dashboards/compare/?year=2025&month=2025-" in u for u in series["urls"])


def grow(w, n):
    for i in range(n):
        organ = Org.objects.create(name=f"批量机关{i}", code=f"bulk{i}", kind=Org.ORGAN,
                                   parent=w.committee)
        Person.objects.create(name=f"人{i}", gender="M", org=organ, political_status="cpc")
        PartyOrg.objects.create(org=organ, name=f"批量支部{i}", kind="branch")


@pytest.mark.parametrize("url", ["/dashboards/county/?year=2025", "/dashboards/compare/?year=2025",
                                 "/dashboards/compare/?year=2025&pillar=service&export=xlsx",
                                 "/study/county/?year=2025", "/?year=2025"])
def test_committee_pages_query_count_is_the_same_for_2_and_40_organs(world, url):
    client = world.client("committee")
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    grow(world, 38)
    with CaptureQueriesContext(connection) as forty:
        response = client.get(url)
    assert len(forty.captured_queries) == len(two.captured_queries)
    if "compare" in url and "export" not in url:
        assert len(response.context["rows"]) == 40


def test_a_bad_indicator_or_sort_key_falls_back(world):
    response = world.client("committee").get("/dashboards/compare/?k=nope&sort=nope&dir=x&month=2025-99")
    assert response.status_code == 200 and response.context["columns"]


def test_indicator_records_by_month(world):
    page = world.client("admin").get(
        f"/indicators/{STAFF}/{world.organ.pk}/?year=2025&month=2025-03").content.decode()
    assert "2025-03-01 至 2025-03-31" in page
