import datetime as dt
import io

import pytest
from docx import Document

from mofan.attendance import reports
from mofan.attendance.models import Bulletin, MonthCase, SpotCheck
from mofan.attendance.stats import recompute
from mofan.audit.models import AuditLog

from .factories import people
from .test_daily import punch

MON = dt.date(2025, 10, 13)


@pytest.fixture
def week(world):
    head, member = people(world)
    for day in (MON, MON + dt.timedelta(days=1)):
        punch(head, day, 8, 50)
        punch(head, day, 17, 40)
        punch(member, day, 8, 10)
        punch(member, day, 17, 40)
    recompute(world.organ, MON, MON + dt.timedelta(days=6))
    return head, member


def test_the_week_names_each_late_person_with_counts(world, week):
    summary = reports.week_summary(world.organ, MON)
    named = {n["name"]: n for n in summary["named"]}
    assert named["王股长"]["late"] == 2
    assert (named["李干部"]["late"], named["李干部"]["absent"]) == (0, 3)


def test_the_week_shows_its_spot_checks(world, week):
    SpotCheck.objects.create(org=world.section, date=MON, time=dt.time(9, 5),
                             absent="王股长", findings="一人未按时到岗")
    summary = reports.week_summary(world.organ, MON)
    assert summary["checks"][0]["absent"] == "王股长"


def test_a_correction_keeps_both_versions(world, week):
    admin = world.users["admin"]
    first = reports.publish(world.organ, MON, actor=admin)
    punch(week[0], MON, 8, 0)  # an earlier punch that day
    recompute(world.organ, MON, MON)
    second = reports.publish(world.organ, MON, actor=admin, reason="补录早到打卡")
    first.refresh_from_db()
    def late(b):
        return next(n["late"] for n in b.content["named"] if n["name"] == "王股长")

    assert (late(first), late(second)) == (2, 1)
    assert Bulletin.objects.filter(week=MON).count() == 2


def test_republishing_without_a_reason_is_refused(world, week):
    reports.publish(world.organ, MON, actor=world.users["admin"])
    with pytest.raises(ValueError, match="更正原因"):
        reports.publish(world.organ, MON, actor=world.users["admin"])


def test_the_bulletin_word_file_has_the_title_and_the_named_list(world, week):
    b = reports.publish(world.organ, MON, actor=world.users["admin"])
    doc = Document(io.BytesIO(reports.bulletin_docx(b)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于10月13日至10月19日考勤情况的通报" in text
    assert any("王股长" in c.text for t in doc.tables for row in t.rows for c in row.cells)


def test_three_missing_punches_suggest_a_reminder_talk(world):
    head, _ = people(world)
    days = [dt.date(2025, 10, d) for d in (13, 14, 15)]
    for day in days:
        punch(head, day, 8, 10)
    recompute(world.organ, dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    reports.month_cases(world.organ, dt.date(2025, 10, 1))
    case = MonthCase.objects.get(person=head)
    assert (case.missing, case.suggestion) == (3, "通报批评")  # and absent days elsewhere


def test_a_decision_is_kept_with_who_and_when_and_audited(world, week):
    reports.month_cases(world.organ, MON)
    case = MonthCase.objects.get(person=week[0])
    reports.decide(case, "已提醒谈话", actor=world.users["admin"])
    reports.month_cases(world.organ, MON)
    case.refresh_from_db()
    assert (case.decision, case.decided_by) == ("已提醒谈话", world.users["admin"])
    assert AuditLog.objects.filter(object_type="attendance.monthcase").exists()


def test_the_bulletin_workbook_lists_unit_rates_and_named_people(world, week):
    import openpyxl

    b = reports.publish(world.organ, MON, actor=world.users["admin"])
    ws = openpyxl.load_workbook(io.BytesIO(reports.bulletin_xlsx(b))).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert ["办公室", "（单位出勤）", None, None, None, None, None, "40.0%"] in values
    assert any(r[1] == "王股长" and r[2] == 2 for r in values)
