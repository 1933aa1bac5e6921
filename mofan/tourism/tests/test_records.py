"""Tourism records: the statistics bureau's sheet imported all or nothing, one figure per
month and area, honours and placings, and who sees what."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from mofan.core.indicators import REGISTRY, Period
from mofan.tourism.models import Honour, MonthlyFigure
from mofan.tourism.screens import FigureImporter

from .factories import area, honour, month

YEAR = Period.year(2025)
URL = "/tourism/figures/import/"
HEADERS = ["月份", "景区", "接待游客（人次）", "旅游收入（元）", "旅游收入（万元）", "数据来源"]


def sheet(rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("统计局月报.xlsx", buf.getvalue())


def value(key, organ):
    return REGISTRY[key].value(organ.pk, YEAR)


# --- import


def test_the_bureaus_sheet_is_checked_then_imported_with_exact_revenue(world):
    area(world, "示例山景区")
    rows = [["2025-01", "", 356800, 298765432.1, None, "县统计局"],
            ["2025年2月", "", 301000, None, 21000.5, "县统计局"],
            ["2025-01", "示例山景区", 80000, None, 3500, "景区报送"]]
    client = world.client("admin")
    response = client.post(URL, {"file": sheet(rows)})
    assert response.status_code == 200 and not MonthlyFigure.objects.exists()
    client.post(URL, {"confirm": "1", "token": client.session["mofan_import_token"]})
    county = list(MonthlyFigure.objects.filter(scenic_area=None).order_by("month"))
    assert [(f.month, f.visitors, f.revenue) for f in county] == [
        (dt.date(2025, 1, 1), 356800, Decimal("298765432.10")),
        (dt.date(2025, 2, 1), 301000, Decimal("210005000.00"))]
    assert MonthlyFigure.objects.get(scenic_area__name="示例山景区").revenue == Decimal("35000000.00")
    assert value("tourism.visitors", world.organ) == 657800


def test_bad_rows_are_each_reported_and_nothing_is_imported(world):
    month(world, 2025, 3, 100)
    rows = [["2025-01", "", 1000, 5000, None, ""],
            ["2025-13", "", 1000, None, None, ""],        # row 3: no such month
            ["2025-02", "", 12.5, None, None, ""],        # row 4: not whole 人次
            ["2025-02", "不存在景区", 10, None, None, ""],  # row 5: unknown area
            ["2025-04", "", 10, 100, 1, ""],              # row 6: both revenue columns
            ["2025-03", "", 10, None, None, ""],          # row 7: March already entered
            ["2025-01", "", 10, None, None, ""]]          # row 8: January twice in the file
    response = world.client("admin").post(URL, {"file": sheet(rows)})
    assert response.status_code == 422
    found = {(e.row, e.column) for e in response.context["result"].errors}
    assert {(3, "月份"), (4, "接待游客（人次）"), (5, "景区"), (6, "旅游收入（万元）"),
            (7, "月份"), (8, "月份")} <= found
    assert MonthlyFigure.objects.count() == 1


def test_a_bad_row_found_on_confirm_commits_none_of_the_good_ones(world):
    rows = [["2025-01", "", 1000, None, None, ""], ["2025-02", "", -5, None, None, ""]]
    result = FigureImporter(world.users["admin"]).commit(sheet(rows))
    assert not result.ok and not MonthlyFigure.objects.exists()


def test_another_organs_scenic_area_cannot_be_imported_into(world):
    area(world, "发改景区", org=world.other)
    result = FigureImporter(world.users["admin"]).read(
        sheet([["2025-01", "发改景区", 10, None, None, ""]]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "景区")]


# --- one figure per month and area


def test_a_second_county_figure_for_a_month_is_refused_with_a_reason(world):
    month(world, 2025, 3, 100)
    response = world.client("head").post("/tourism/figures/new/", {
        "month": "2025-03-15", "visitors": 200})
    assert response.status_code == 422
    assert "2025年3月全县的数据已经录入" in response.content.decode()
    assert MonthlyFigure.objects.count() == 1


def test_a_month_entered_on_any_day_is_stored_as_the_first(world):
    world.client("head").post("/tourism/figures/new/", {"month": "2025-03-15", "visitors": 200})
    figure = MonthlyFigure.objects.get()
    assert figure.month == dt.date(2025, 3, 1) and figure.organ == world.organ
    assert figure.org == world.section


# --- honours


def test_honours_are_counted_in_total_and_by_level(world):
    honour(world, level=Honour.NATIONAL)
    honour(world, level=Honour.PROVINCIAL, title="省级智慧景区")
    honour(world, level=Honour.NATIONAL, day=dt.date(2024, 6, 1))
    assert value("tourism.honours", world.organ) == 2
    assert value("tourism.honours.national", world.organ) == 1
    assert value("tourism.honours.city", world.organ) == 0
    assert value("tourism.honours", world.other) is None


def test_the_best_placing_is_the_smallest_rank_of_its_scope(world):
    honour(world, level=Honour.PROVINCIAL, rank_scope=Honour.PROVINCE, rank=12)
    honour(world, level=Honour.PROVINCIAL, rank_scope=Honour.PROVINCE, rank=5)
    honour(world, level=Honour.CITY, rank_scope=Honour.CITY_RANK, rank=2)
    assert value("tourism.best_rank_province", world.organ) == 5
    assert value("tourism.best_rank_city", world.organ) == 2


def test_no_placing_is_no_best_rank_not_zero(world):
    honour(world)
    assert value("tourism.best_rank_province", world.organ) is None


def test_a_placing_reads_as_the_reference_writes_it(world):
    assert honour(world, rank_scope=Honour.PROVINCE, rank=3).placing == "全省第 3 名"
    assert honour(world).placing == ""


def test_a_rank_without_its_scope_is_refused(world):
    response = world.client("admin").post("/tourism/honours/new/", {
        "level": Honour.PROVINCIAL, "title": "文旅消费季", "recipient_kind": "county",
        "recipient": "本县", "awarded_on": "2025-12-01", "rank": 3})
    assert response.status_code == 422 and "请选择全省或全市" in response.content.decode()
    assert not Honour.objects.exists()


# --- scope, export, queries


def test_the_other_organ_sees_none_of_the_figures_or_honours(world):
    month(world, 2025, 1, 987654)
    honour(world, title="本局独有的荣誉")
    client = world.client("outsider")
    assert "987654" not in client.get("/tourism/figures/").content.decode()
    assert "本局独有的荣誉" not in client.get("/tourism/honours/").content.decode()
    committee = world.client("committee").get("/tourism/honours/").content.decode()
    assert "本局独有的荣誉" in committee


def test_the_export_keeps_revenue_in_yuan(world):
    month(world, 2025, 1, 100, "12345.67")
    response = world.client("admin").get("/tourism/figures/?export=xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    headers = [c.value for c in ws[1]]
    row = dict(zip(headers, next(ws.iter_rows(min_row=2, values_only=True)), strict=True))
    assert row["月份"] == "2025年1月" and row["景区"] == "全县"
    assert row["旅游收入（元）"] == "12345.67"


def _grow(world, n, start):
    spot = area(world, f"景区{start}")
    MonthlyFigure.objects.bulk_create(
        MonthlyFigure(org=world.organ, organ=world.organ, scenic_area=spot, visitors=i,
                      month=dt.date(2025 - i // 12, 1 + i % 12, 1)) for i in range(n))
    Honour.objects.bulk_create(
        Honour(org=world.organ, level=Honour.CITY, title=f"荣誉{i}", recipient_kind="county",
               recipient="本县", awarded_on=dt.date(2025, 1, 1)) for i in range(n))


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


URLS = ["/tourism/figures/", "/tourism/figures/?export=xlsx", "/tourism/honours/",
        "/tourism/areas/", "/tourism/?year=2025"]


def test_pages_run_the_same_queries_for_few_and_many_rows(world):
    client = world.client("admin")
    _grow(world, 10, 0)
    small = [_queries(client, u) for u in URLS]
    _grow(world, 190, 1)
    assert [_queries(client, u) for u in URLS] == small


# --- honours and scenic areas from Excel

HONOUR_HEADERS = ["级别", "荣誉名称", "获得者类别", "获得者", "授予单位", "获得日期", "名次范围", "名次"]


def test_honours_import_with_their_placings(world):
    from mofan.tourism.screens import HonourImporter

    rows = [["国家级", "全国乡村旅游重点村", "村", "法水村", "文化和旅游部", "2025-08-26", "", ""],
            ["省级", "“百城百夜”文旅消费季", "本县", "示例县", "省文化和旅游厅", "2025-12-15",
             "全省", 12]]
    result = HonourImporter(world.users["admin"]).commit(sheet(rows, HONOUR_HEADERS))
    assert result.ok
    assert [h.placing for h in Honour.objects.order_by("awarded_on")] == ["", "全省第 12 名"]
    assert value("tourism.best_rank_province", world.organ) == 12


def test_an_honour_sheet_with_a_bad_row_imports_nothing(world):
    from mofan.tourism.screens import HonourImporter

    rows = [["国家级", "全国乡村旅游重点村", "村", "法水村", "", "2025-08-26", "", ""],
            ["部级", "某荣誉", "本县", "示例县", "", "2025-08-26", "", ""],       # row 3: level
            ["省级", "某评比", "本县", "示例县", "", "2025-08-26", "", 3]]         # row 4: no scope
    result = HonourImporter(world.users["admin"]).commit(sheet(rows, HONOUR_HEADERS))
    assert {(e.row, e.column) for e in result.errors} == {(3, "级别"), (4, "名次范围")}
    assert not Honour.objects.exists()


def test_scenic_areas_import_with_grade_by_its_chinese_name(world):
    from mofan.tourism.models import ScenicArea
    from mofan.tourism.screens import ScenicAreaImporter

    rows = [["示例山景区", "国家4A级", "云顶镇"], ["龙潭漂流", "", "南山镇"]]
    result = ScenicAreaImporter(world.users["head"]).commit(sheet(rows, ["景区名称", "等级", "所在乡镇"]))
    assert result.ok
    assert sorted(ScenicArea.objects.values_list("name", "grade", "org")) == [
        ("示例山景区", "4A", world.section.pk), ("龙潭漂流", "", world.section.pk)]
