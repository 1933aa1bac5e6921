"""Small export files and people for attendance tests (conftest ``world``)."""

import csv
import datetime as dt
import io

import openpyxl

from mofan.attendance.models import (
    Absence,
    Bulletin,
    ColumnMapping,
    Explanation,
    ImportRun,
    MonthCase,
    Policy,
    Schedule,
    SpotCheck,
)
from mofan.orgs.models import Person

# 2025-10-09 is a Thursday; 10-01..10-08 is the 国庆/中秋 holiday, 10-11 (Sat) a 调休 workday.
THU = dt.date(2025, 10, 9)


def people(w):
    """王股长 (办公室, 工号 A001) and 李干部 (文物股, UserId u-li) of the world's organ."""
    w.head_person.staff_no = "A001"
    w.head_person.save()
    w.member_person.app_user_id = "u-li"
    w.member_person.save()
    return w.head_person, w.member_person


def csv_bytes(rows, encoding="utf-8-sig", title=True) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    if title:
        writer.writerow(["原始打卡记录 报表生成时间：2025-10-31 18:00"])
        writer.writerow([])
    writer.writerow(["姓名", "工号", "部门", "打卡时间", "打卡结果"])
    for r in rows:
        writer.writerow(r)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def daily_xlsx(rows, two_row=True, spaced=False) -> bytes:
    """A DingTalk 每日统计 sheet: title row, then a (two-row merged) header."""
    s = " " if spaced else ""
    head = ["姓名", "部门", "工号", "UserId", "日期", "班次"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["每日统计 统计日期：2025-10-01 至 2025-10-31 报表生成时间：2025-11-01 09:00"])
    if two_row:
        top = head + [f"上班{s}1{s}", "", f"下班{s}1{s}", "", "关联的审批单"]
        below = [""] * len(head) + ["打卡时间", "打卡结果", "打卡时间", "打卡结果", ""]
        ws.append(top)
        ws.append(below)
        for col in (7, 9):
            ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + 1)
    else:
        ws.append(head + [f"上班{s}1{s}打卡时间", "上班1打卡结果", f"下班{s}1{s}打卡时间",
                          "下班1打卡结果", "关联的审批单"])
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def twin(w, name="王股长", org=None):
    return Person.objects.create(name=name, gender="M", org=org or w.other_section)


# Id URLs of attendance for the outsider walk (core/tests/test_outsiders.py).
OBJECT_FOR = {
    "attendance:import_status": lambda w: ImportRun.objects.get_or_create(
        org=w.organ, filename="打卡.csv", defaults={"status": ImportRun.DONE})[0],
    "attendance:bulletin_docx": lambda w: _bulletin(w),
    "attendance:bulletin_xlsx": lambda w: _bulletin(w),
    "attendance:case_decide": lambda w: MonthCase.objects.get_or_create(
        org=w.section, person=w.head_person, month=dt.date(2025, 10, 1))[0],
    "attendance:explanation_decide": lambda w: Explanation.objects.get_or_create(
        org=w.other_section, person=w.member_person, date=THU, kind=Explanation.OTHER,
        reason="系统故障")[0],
}


def _spot_check(w):
    return SpotCheck.objects.get_or_create(org=w.section, date=THU, time=dt.time(9))[0]


def _schedule(w):
    return Schedule.objects.get_or_create(org=w.organ, effective_from=dt.date(2025, 1, 1))[0]


def _policy(w):
    return Policy.objects.get_or_create(org=w.organ)[0]


def _absence(w):
    return Absence.objects.get_or_create(person=w.head_person, kind="事假", start=THU, end=THU)[0]


def _mapping(w):
    return ColumnMapping.objects.get_or_create(org=w.organ, source="赣政通")[0]


for _action in ("detail", "edit", "delete"):
    OBJECT_FOR[f"attendance:spotcheck_{_action}"] = _spot_check
    OBJECT_FOR[f"attendance:schedule_{_action}"] = _schedule
    OBJECT_FOR[f"attendance:policy_{_action}"] = _policy
    OBJECT_FOR[f"attendance:absence_{_action}"] = _absence
    OBJECT_FOR[f"attendance:columnmapping_{_action}"] = _mapping


def _bulletin(w):
    from mofan.attendance.reports import week_summary

    return Bulletin.objects.get_or_create(org=w.organ, week=dt.date(2025, 10, 6),
                                          defaults={"content": week_summary(w.organ, THU)})[0]
