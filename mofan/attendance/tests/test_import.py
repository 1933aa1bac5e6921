import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mofan.attendance.importing import import_file
from mofan.attendance.models import Absence, Punch
from mofan.attendance.parsing import FileError

from .factories import csv_bytes, daily_xlsx, people, twin, xlsx_bytes

ROWS = [
    ["王股长", "A001", "办公室", "2025-10-09 08:21:00", "正常"],
    ["王股长", "A001", "办公室", "2025-10-09 17:40:00", "正常"],
    ["李干部", "", "文物股", "2025-10-09 08:50", "迟到"],
]


def test_a_utf8_csv_with_title_rows_imports_every_punch(world):
    people(world)
    report = import_file(world.organ, csv_bytes(ROWS), "打卡.csv")
    assert (report.read, report.imported, report.errors) == (3, 3, [])
    assert Punch.objects.filter(organ=world.organ).count() == 3


def test_a_gbk_csv_with_title_rows_is_read(world):
    people(world)
    report = import_file(world.organ, csv_bytes(ROWS, encoding="gbk"), "打卡.csv")
    assert report.imported == 3
    assert Punch.objects.filter(person=world.member_person).get().minute == 8 * 60 + 50


def test_a_file_in_neither_utf8_nor_gbk_is_refused_with_a_reason(world):
    data = "姓名,打卡时间\n".encode("utf-16")
    with pytest.raises(FileError, match="编码"):
        import_file(world.organ, data, "打卡.csv")


def test_a_file_without_a_header_is_refused(world):
    data = "考勤报表\n序号,备注\n1,无\n".encode()
    with pytest.raises(FileError, match="表头"):
        import_file(world.organ, data, "x.csv")


def test_a_broken_xlsx_is_refused_with_a_reason(world):
    with pytest.raises(FileError, match="无法读取"):
        import_file(world.organ, b"PK\x03\x04 not really", "x.xlsx")


def test_a_punch_at_0030_belongs_to_its_own_local_date(world):
    people(world)
    rows = [["王股长", "A001", "办公室", "2025-10-10 00:30:00", ""]]
    import_file(world.organ, csv_bytes(rows), "night.csv")
    punch = Punch.objects.get()
    assert (punch.date, punch.minute) == (dt.date(2025, 10, 10), 30)
    assert punch.at.isoformat() == "2025-10-09T16:30:00+00:00"


def test_reimporting_an_overlapping_file_stores_each_punch_once(world):
    people(world)
    import_file(world.organ, csv_bytes(ROWS[:2]), "a.csv")
    report = import_file(world.organ, csv_bytes(ROWS), "b.csv")
    assert (report.imported, report.duplicates) == (1, 2)
    assert Punch.objects.count() == 3


def test_the_same_punch_twice_in_one_file_is_one_duplicate(world):
    people(world)
    report = import_file(world.organ, csv_bytes([ROWS[0], ROWS[0]]), "a.csv")
    assert (report.imported, report.duplicates) == (1, 1)


def test_an_unmatched_name_is_a_row_error_and_nothing_is_imported(world):
    people(world)
    rows = [*ROWS, ["张三", "", "办公室", "2025-10-09 08:00", ""]]
    report = import_file(world.organ, csv_bytes(rows), "a.csv")
    assert report.errors == [(7, "未找到人员“张三”（部门“办公室”）")]
    assert not Punch.objects.exists()


def test_an_ambiguous_name_is_a_row_error_naming_the_row(world):
    twin(world, "李干部", org=world.section)
    rows = [["李干部", "", "", "2025-10-09 08:50", ""]]
    report = import_file(world.organ, csv_bytes(rows), "a.csv")
    assert report.errors[0][0] == 4
    assert "2 人同名" in report.errors[0][1]


def test_a_department_tells_namesakes_apart(world):
    twin(world, "李干部", org=world.section)
    rows = [["李干部", "", "文物股", "2025-10-09 08:50", ""]]
    report = import_file(world.organ, csv_bytes(rows), "a.csv")
    assert report.errors == []
    assert Punch.objects.get().person == world.member_person


def test_a_staff_number_wins_over_a_namesake(world):
    people(world)
    twin(world, "王股长")
    rows = [["王股长", "A001", "", "2025-10-09 08:21", ""]]
    import_file(world.organ, csv_bytes(rows), "a.csv")
    assert Punch.objects.get().person == world.head_person


def test_a_person_of_another_organ_is_not_matched(world):
    rows = [["外单位", "", "", "2025-10-09 08:21", ""]]
    report = import_file(world.organ, csv_bytes(rows), "a.csv")
    assert report.errors and "未找到人员" in report.errors[0][1]


def test_a_dry_run_stores_nothing(world):
    people(world)
    report = import_file(world.organ, csv_bytes(ROWS), "a.csv", dry_run=True)
    assert report.imported == 3
    assert not Punch.objects.exists()


def test_an_xlsx_with_date_and_time_columns_is_read(world):
    people(world)
    data = xlsx_bytes([["考勤记录"], ["姓名", "UserId", "日期", "时间"],
                       ["李干部", "u-li", dt.datetime(2025, 10, 9), dt.time(8, 31)]])
    import_file(world.organ, data, "raw.xlsx")
    assert Punch.objects.get().minute == 8 * 60 + 31


def test_a_daily_summary_with_a_two_row_merged_header_is_read(world):
    people(world)
    data = daily_xlsx([["王股长", "办公室", "A001", "", "25-10-09 星期四", "正常班",
                        "08:25", "正常", "17:35", "正常", ""],
                       ["李干部", "文物股", "", "u-li", "25-10-09 星期四", "正常班",
                        "", "缺卡", "17:31", "正常", ""]])
    report = import_file(world.organ, data, "每日统计.xlsx")
    assert (report.shape, report.imported, report.errors) == ("daily", 3, [])
    assert sorted(Punch.objects.values_list("minute", flat=True)) == [505, 1051, 1055]


def test_a_daily_summary_with_spaced_one_row_headers_is_read(world):
    people(world)
    data = daily_xlsx([["王股长", "办公室", "A001", "", "2025-10-09", "", "08:25", "", "", "", ""]],
                      two_row=False, spaced=True)
    report = import_file(world.organ, data, "每日统计.xlsx")
    assert (report.shape, report.imported) == ("daily", 1)


def test_an_approval_in_a_daily_summary_becomes_an_absence(world):
    people(world)
    data = daily_xlsx([["李干部", "文物股", "", "u-li", "25-10-09 星期四", "", "", "", "", "",
                        "出差 2025-10-09 至 2025-10-09"]])
    import_file(world.organ, data, "每日统计.xlsx")
    absence = Absence.objects.get()
    assert (absence.kind, absence.part, absence.start) == ("出差", "day", dt.date(2025, 10, 9))


def test_an_unreadable_date_is_a_row_error(world):
    people(world)
    data = daily_xlsx([["王股长", "办公室", "A001", "", "十月九日", "", "08:25", "", "", "", ""]])
    report = import_file(world.organ, data, "每日统计.xlsx")
    assert report.errors == [(4, "日期“十月九日”无法识别")]


def test_a_saved_column_mapping_reads_unknown_headers(world):
    from mofan.attendance.models import ColumnMapping

    people(world)
    ColumnMapping.objects.create(org=world.organ, source="赣政通",
                                 mapping={"人员": "name", "签卡时刻": "at"})
    data = xlsx_bytes([["人员", "签卡时刻"], ["王股长", "2025-10-09 08:10"]])
    report = import_file(world.organ, data, "x.xlsx", source="赣政通")
    assert (report.imported, report.errors) == (1, [])


def test_an_xls_file_is_read(world):
    import io

    import xlwt

    people(world)
    book = xlwt.Workbook()
    sheet = book.add_sheet("打卡")
    for c, v in enumerate(["姓名", "工号", "打卡时间"]):
        sheet.write(0, c, v)
    for c, v in enumerate(["王股长", "A001", "2025-10-09 08:10"]):
        sheet.write(1, c, v)
    buf = io.BytesIO()
    book.save(buf)
    report = import_file(world.organ, buf.getvalue(), "x.xls")
    assert (report.imported, report.errors) == (1, [])


def test_the_command_reports_counts_and_rejections_and_fails(world, tmp_path, capsys):
    people(world)
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([*ROWS, ["张三", "", "", "2025-10-09 08:00", ""]]))
    with pytest.raises(CommandError, match="全部未导入"):
        call_command("import_attendance", str(path), "--org", "wg")
    out = capsys.readouterr().out
    assert "读取 4 行" in out and "第 7 行：未找到人员“张三”" in out
    assert not Punch.objects.exists()


def test_the_command_dry_run_reports_without_storing(world, tmp_path, capsys):
    people(world)
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(ROWS))
    call_command("import_attendance", str(path), "--org", "wg", "--dry-run")
    assert "可导入 3 条" in capsys.readouterr().out
    assert not Punch.objects.exists()


def test_the_command_refuses_an_unknown_organ(world, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(ROWS))
    with pytest.raises(CommandError, match="没有代码为"):
        call_command("import_attendance", str(path), "--org", "nope")


def test_an_xlsx_row_error_names_the_row_as_excel_shows_it(world):
    """The sheet starts at B3 (two empty rows, an empty column): row numbers stay Excel's."""
    import io

    import openpyxl

    people(world)
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate([["原始打卡记录"], ["姓名", "工号", "部门", "打卡时间"], ROWS[0][:4],
                             ["张三", "", "办公室", "2025-10-09 08:00"]], start=3):
        for c, value in enumerate(row, start=2):
            ws.cell(row=r, column=c, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    report = import_file(world.organ, buf.getvalue(), "a.xlsx")
    assert report.errors == [(6, "未找到人员“张三”（部门“办公室”）")]


def test_an_xlsx_longer_than_the_limit_is_refused_before_its_rows_are_read(world, monkeypatch):
    from mofan.attendance import parsing

    monkeypatch.setattr(parsing, "MAX_ROWS", 5)
    monkeypatch.setattr(parsing, "HEADER_SEARCH_ROWS", 5)
    data = xlsx_bytes([["姓名", "工号", "部门", "打卡时间"], *[r[:4] for r in ROWS * 10]])
    with pytest.raises(FileError, match="文件超过 5 行"):
        import_file(world.organ, data, "big.xlsx")
