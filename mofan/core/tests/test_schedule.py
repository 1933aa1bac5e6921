"""The work calendar never stops work: deadlines reaching a year whose holiday schedule is
not published are provisional (暂定) everywhere they are shown, and entering the year's
schedule (by the 机关工委 for all organs) recomputes them, audited, telling keeper and owner."""

import datetime as dt
from io import BytesIO, StringIO

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook

from conftest import SHANGHAI
from mofan.appeals.models import Appeal
from mofan.appeals.tests.factories import appeal
from mofan.audit.models import AuditLog
from mofan.core import ledger
from mofan.core.calendar.models import CalendarOverride, CalendarYear
from mofan.core.calendar.services import (
    HolidayEntry,
    ScheduleError,
    calendar_for,
    enter_schedule,
    parse_notice,
)
from mofan.core.models import LedgerEvent
from mofan.core.workcalendar import WorkCalendar
from mofan.rectification.tests.factories import first_problem

D = dt.date

# The State Council's notice for 2026, as published (国办发明电〔2025〕7号).
NOTICE_2026 = """
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
"""
# An imagined 2027 notice: 元旦 1–3 January with Sunday 4 January... (2027-01-02 is a
# Saturday): days off Fri 1 – Sun 3, and Saturday 9 January worked.
NOTICE_2027 = "一、元旦：1月1日至3日放假，共3天。1月9日（周六）上班。二、春节：2月5日至12日放假调休。2月14日上班。"


@pytest.fixture
def late_november():
    """Today as in the issue: 27 November 2026, the 2027 schedule not yet entered."""
    with time_machine.travel(dt.datetime(2026, 11, 27, 10, tzinfo=SHANGHAI), tick=False):
        yield


TODAY = D(2026, 11, 27)


def assign(world, item, day=TODAY):
    return ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person,
                            at=dt.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI))


# ------------------------------------------------------------------ provisional deadlines


def test_assigning_a_rectification_problem_today_runs_into_2027_provisionally(world, late_november):
    problem = assign(world, first_problem(world))  # 40 working days
    assert problem.deadline.year == 2027
    assert problem.deadline_provisional


def test_an_appeal_assigned_in_mid_december_gets_a_provisional_deadline(world, late_november):
    item = appeal(world, category="complaint", registered_on=D(2026, 12, 18))
    assign(world, item, D(2026, 12, 18))  # 13 working days
    assert item.deadline == D(2027, 1, 7)  # 1 January computed as 元旦
    assert item.deadline_provisional


def test_a_deadline_inside_the_published_year_is_not_provisional(world, late_november):
    item = assign(world, appeal(world, registered_on=D(2026, 11, 27)))  # 3 working days
    assert item.deadline == D(2026, 12, 2) and not item.deadline_provisional


def test_the_detail_page_marks_a_provisional_deadline(world, late_november):
    problem = assign(world, first_problem(world))
    page = world.client("admin").get(f"/rectification/problems/{problem.pk}/").content.decode()
    assert "暂定" in page


def test_the_list_marks_a_provisional_deadline(world, late_november):
    problem = assign(world, first_problem(world))
    page = world.client("admin").get("/rectification/problems/").content.decode()
    assert f"{problem.deadline:%Y-%m-%d}（暂定）" in page


def test_my_todo_marks_a_provisional_deadline_for_the_owner(world, late_november):
    problem = assign(world, first_problem(world))
    page = world.client("head").get("/ledger/todo/").content.decode()
    assert f"{problem.deadline:%Y-%m-%d}（暂定）" in page


def test_the_list_still_sorts_by_the_deadline(world, late_november):
    assign(world, first_problem(world))
    page = world.client("admin").get("/rectification/problems/").content.decode()
    assert "sort=deadline" in page


def test_the_export_marks_a_provisional_deadline(world, late_november):
    problem = assign(world, first_problem(world))
    response = world.client("admin").get("/rectification/problems/?export=xlsx")
    cells = [c.value for row in load_workbook(BytesIO(response.content)).active.iter_rows()
             for c in row]
    assert f"{problem.deadline:%Y-%m-%d}（暂定）" in cells


def test_the_assign_form_shows_the_provisional_default(world, late_november):
    problem = first_problem(world)
    page = world.client("admin").get(f"/rectification/problems/{problem.pk}/").content.decode()
    assert "（暂定）" in page and "尚未录入" not in page


# ------------------------------------------------------------------ entering the schedule


def test_entering_the_schedule_recomputes_an_open_provisional_deadline(world, late_november):
    item = appeal(world, category="complaint", registered_on=D(2026, 12, 18))
    assign(world, item, D(2026, 12, 18))
    _, moved = enter_schedule(world.committee, 2027, parse_notice(NOTICE_2027, 2027),
                              actor=world.users["committee"])
    item.refresh_from_db()
    assert moved == 1
    # Same date (1 January was already computed as 元旦), but no longer provisional.
    assert (item.deadline, item.deadline_provisional) == (D(2027, 1, 7), False)
    assert item.deadline_moved_from is None


def test_each_recomputed_item_gets_a_timeline_event_and_an_audit_row(world, late_november):
    first = assign(world, first_problem(world))
    second = assign(world, appeal(world, category="complaint", registered_on=D(2026, 12, 18)),
                    D(2026, 12, 18))
    audits = AuditLog.objects.filter(action="transition").count()
    enter_schedule(world.committee, 2027, parse_notice(NOTICE_2027, 2027))
    assert LedgerEvent.objects.filter(action="reschedule").count() == 2
    assert AuditLog.objects.filter(action="transition").count() == audits + 2
    for item in (first, second):
        item.refresh_from_db()
        assert not item.deadline_provisional


def test_the_schedule_entry_itself_is_audited(world, late_november):
    enter_schedule(world.committee, 2027, parse_notice(NOTICE_2027, 2027),
                   actor=world.users["committee"])
    row = AuditLog.objects.filter(object_type="core.calendaryear").get()
    assert row.after["days"]["2027-01-09"] == "workday"


def test_a_moved_deadline_is_told_to_the_owner_and_the_keeper(world, late_november):
    # 2 January 2027 becomes a working day in this organ's schedule: the date moves.
    item = appeal(world, category="complaint", registered_on=D(2026, 12, 18))
    assign(world, item, D(2026, 12, 18))
    old = item.deadline
    enter_schedule(world.organ, 2027, [HolidayEntry("元旦", D(2027, 1, 1), D(2027, 1, 1),
                                                    [D(2027, 1, 2)])])
    item.refresh_from_db()
    assert item.deadline < old and item.deadline_moved_from == old
    for who in ("head", "admin"):
        page = world.client(who).get("/ledger/todo/").content.decode()
        assert "时限由" in page and "调整为" in page, who


def test_the_moved_notice_ends_with_the_next_step(world, late_november):
    item = appeal(world, category="complaint", registered_on=D(2026, 12, 18))
    assign(world, item, D(2026, 12, 18))
    enter_schedule(world.organ, 2027, [HolidayEntry("元旦", D(2027, 1, 1), D(2027, 1, 1),
                                                    [D(2027, 1, 2)])])
    item.refresh_from_db()
    ledger.do_accept(item, actor=world.users["head"])
    assert item.deadline_moved_from is None


def test_closed_items_are_not_recomputed(world, late_november):
    item = appeal(world, category="complaint", registered_on=D(2026, 12, 18))
    assign(world, item, D(2026, 12, 18))
    Appeal.objects.filter(pk=item.pk).update(state=ledger.CLOSED)
    _, moved = enter_schedule(world.committee, 2027, parse_notice(NOTICE_2027, 2027))
    item.refresh_from_db()
    assert moved == 0 and item.deadline_provisional


def test_another_committees_schedule_does_not_touch_our_items(world, late_november):
    from mofan.orgs.models import Org

    elsewhere = Org.objects.create(name="邻县机关工委", code="lx", kind=Org.COMMITTEE)
    item = assign(world, first_problem(world))
    _, moved = enter_schedule(elsewhere, 2027, parse_notice(NOTICE_2027, 2027))
    item.refresh_from_db()
    assert moved == 0 and item.deadline_provisional


def test_the_committees_schedule_applies_to_every_organ_and_organ_entries_still_win(world):
    enter_schedule(world.committee, 2027, parse_notice(NOTICE_2027, 2027))
    CalendarOverride.objects.create(org=world.organ, date=D(2027, 1, 9), kind="restday")
    assert calendar_for(world.other).kind(D(2027, 1, 9)) == "workday"
    assert calendar_for(world.organ).kind(D(2027, 1, 9)) == "restday"
    assert not calendar_for(world.other).is_provisional(2027)


def test_entering_a_year_again_replaces_its_days(world):
    enter_schedule(world.committee, 2027, parse_notice(NOTICE_2027, 2027))
    enter_schedule(world.committee, 2027, [HolidayEntry("元旦", D(2027, 1, 1), D(2027, 1, 1))])
    assert CalendarYear.objects.count() == 1
    assert calendar_for(world.organ).kind(D(2027, 1, 9)) == "restday"  # no longer 调休


def test_a_schedule_with_dates_outside_its_year_is_refused_and_stores_nothing(world):
    with pytest.raises(ScheduleError, match="不在 2027 年"):
        enter_schedule(world.committee, 2027, [HolidayEntry("国庆节", D(2028, 10, 1),
                                                            D(2028, 10, 3))])
    assert not CalendarYear.objects.exists() and not CalendarOverride.objects.exists()


def test_a_section_cannot_hold_a_schedule(world):
    with pytest.raises(ScheduleError):
        enter_schedule(world.section, 2027, parse_notice(NOTICE_2027, 2027))


# ------------------------------------------------------------------ the notice


def test_the_published_2026_notice_parses_to_exactly_the_packages_calendar():
    entries = parse_notice(NOTICE_2026, 2026)
    assert [e.name for e in entries] == ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节",
                                         "国庆节"]
    overrides = {d: "holiday" for e in entries for d in e.days_off()}
    overrides.update({d: "workday" for e in entries for d in e.workdays})
    entered, package = WorkCalendar(overrides, [2026]), WorkCalendar()
    day = D(2026, 1, 1)
    while day.year == 2026:
        assert entered.kind(day) == package.kind(day), day
        day += dt.timedelta(days=1)


def test_a_notice_without_any_holiday_is_refused():
    with pytest.raises(ScheduleError):
        parse_notice("关于2027年部分节假日安排的通知", 2027)


def test_new_years_days_off_may_start_in_december():
    (entry,) = parse_notice("元旦：12月30日至1月1日放假调休，共3天。", 2025)
    assert entry.days_off() == [D(2024, 12, 30), D(2024, 12, 31), D(2025, 1, 1)]


# ------------------------------------------------------------------ the screen


def test_the_committee_enters_the_year_in_the_form_shaped_like_the_notice(world, late_november):
    client = world.client("committee")
    page = client.get("/calendar/schedule/?year=2027").content.decode()
    assert 'name="h-1-start" value="2027-02-05"' in page  # 春节 prefilled from the lunar calendar
    rows = {"h-TOTAL_FORMS": "2", "h-INITIAL_FORMS": "2",
            "h-0-name": "元旦", "h-0-start": "2027-01-01", "h-0-end": "2027-01-03",
            "h-0-workdays": "1月9日",
            "h-1-name": "春节", "h-1-start": "2027-02-05", "h-1-end": "2027-02-12",
            "h-1-workdays": "2月14日"}
    assert client.post("/calendar/schedule/?year=2027", rows).status_code == 302
    assert calendar_for(world.organ).kind(D(2027, 1, 9)) == "workday"
    assert calendar_for(world.other).kind(D(2027, 2, 12)) == "holiday"


def test_the_notice_can_be_pasted_instead(world, late_november):
    response = world.client("admin").post("/calendar/schedule/?year=2027", {
        "text": NOTICE_2027, "h-TOTAL_FORMS": "0", "h-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    assert CalendarYear.objects.get().org == world.organ  # an organ enters for itself


def test_the_notice_can_be_uploaded_as_a_text_file(world, late_november):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("2027.txt", NOTICE_2027.encode("utf-8"))
    response = world.client("committee").post("/calendar/schedule/?year=2027", {
        "file": upload, "h-TOTAL_FORMS": "0", "h-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    assert calendar_for(world.organ).kind(D(2027, 1, 9)) == "workday"


def test_a_bad_schedule_is_shown_back_with_the_reason(world, late_november):
    response = world.client("committee").post("/calendar/schedule/?year=2027", {
        "h-TOTAL_FORMS": "1", "h-INITIAL_FORMS": "1", "h-0-name": "国庆节",
        "h-0-start": "2027-10-07", "h-0-end": "2027-10-01", "h-0-workdays": ""})
    assert response.status_code == 422
    assert "结束日期早于开始日期" in response.content.decode()
    assert not CalendarYear.objects.exists()


def test_a_head_may_not_enter_the_schedule(world):
    assert world.client("head").get("/calendar/schedule/").status_code == 403


# ------------------------------------------------------------------ the reminder


def test_from_november_admins_are_reminded_on_home_and_todo(world, late_november):
    for url in ("/", "/ledger/todo/"):
        page = world.client("admin").get(url).content.decode()
        assert 'id="schedule-reminder"' in page and "2027 年法定节假日安排尚未录入" in page


def test_members_are_not_reminded(world, late_november):
    assert 'id="schedule-reminder"' not in world.client("member").get("/").content.decode()


def test_in_october_nobody_is_reminded(world):
    with time_machine.travel(dt.datetime(2026, 10, 20, 10, tzinfo=SHANGHAI), tick=False):
        page = world.client("admin").get("/").content.decode()
    assert 'id="schedule-reminder"' not in page


def test_the_reminder_ends_once_the_committee_entered_the_year(world, late_november):
    enter_schedule(world.committee, 2027, parse_notice(NOTICE_2027, 2027))
    assert 'id="schedule-reminder"' not in world.client("admin").get("/").content.decode()


# ------------------------------------------------------------------ import and CLI


def test_importing_an_assigned_row_into_next_year_is_provisional_not_refused(world, late_november):
    from mofan.appeals.screens import AppealImporter

    item = Appeal(title="导入", source="listen", category="complaint", words="…",
                  registered_on=D(2026, 12, 20), state=ledger.ASSIGNED,
                  owner=world.head_person)
    AppealImporter(world.users["admin"]).prepare(item)
    assert item.deadline.year == 2027 and item.deadline_provisional


def test_the_cli_says_provisional_for_a_date_in_an_unpublished_year(db):
    out = StringIO()
    call_command("workcalendar", "add", "2026-12-20", "13", stdout=out)
    assert out.getvalue().startswith("2027-01-07") and "暂定" in out.getvalue()


def test_the_cli_counts_a_published_year_without_provisional(db):
    out = StringIO()
    call_command("workcalendar", "add", "2026-09-30", "1", stdout=out)
    assert out.getvalue().strip() == "2026-10-08"


def test_the_cli_uses_what_the_organ_entered(world):
    enter_schedule(world.committee, 2027, parse_notice(NOTICE_2027, 2027))
    out = StringIO()
    call_command("workcalendar", "add", "2027-01-08", "1", "--org", "wg", stdout=out)
    assert out.getvalue().strip() == "2027-01-09"  # the 调休 Saturday


def test_the_cli_shows_a_year_with_the_source_of_each_day(world):
    enter_schedule(world.committee, 2027, parse_notice(NOTICE_2027, 2027))
    out = StringIO()
    call_command("workcalendar", "show", "2027", "--org", "wg", stdout=out)
    assert "2027-01-09 六  调休上班  元旦调休上班  [已录入 entered]" in out.getvalue()
    out = StringIO()
    call_command("workcalendar", "show", "2027", stdout=out)
    assert "2027-02-05 五  放假  春节  [推算（暂定） computed]" in out.getvalue()
    out = StringIO()
    call_command("workcalendar", "show", "2026", stdout=out)
    assert "2026-10-10 六  调休上班" in out.getvalue() and "package" in out.getvalue()


def test_years_entered_day_by_day_before_the_upgrade_stay_entered(world):
    # The migration keeps the old rule: an override in a year the package does not know
    # made that year maintained.
    from importlib import import_module

    from django.apps import apps

    migration = import_module("mofan.core.migrations.0002_calendar_years_and_registry_deadline_rules")
    CalendarOverride.objects.create(org=world.organ, date=D(2031, 1, 1), kind="holiday")
    CalendarOverride.objects.create(org=world.organ, date=D(2025, 10, 9), kind="holiday")
    migration.keep_maintained_years(apps, None)
    assert list(CalendarYear.objects.values_list("org_id", "year")) == [(world.organ.pk, 2031)]
    assert not calendar_for(world.organ).is_provisional(2031)
