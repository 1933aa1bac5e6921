import datetime as dt

from django.urls import reverse

from mofan.attendance.models import Bulletin, Explanation, MonthCase
from mofan.attendance.stats import recompute

from .factories import THU
from .test_daily import punch
from .test_reports import MON, week  # noqa: F401  (fixture)


def test_publishing_from_the_week_page_keeps_a_version(world, week):  # noqa: F811
    c = world.client("admin")
    c.post(reverse("attendance:week") + f"?date={MON}")
    r = c.get(reverse("attendance:week"), {"date": str(MON)})
    assert Bulletin.objects.get().version == 1
    assert "发布更正版" in r.text and "王股长" in r.text


def test_the_bulletin_downloads_as_word(world, week):  # noqa: F811
    c = world.client("admin")
    c.post(reverse("attendance:week") + f"?date={MON}")
    b = Bulletin.objects.get()
    r = c.get(reverse("attendance:bulletin_docx", args=[b.pk]))
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_month_page_generates_cases_and_records_a_decision(world, week):  # noqa: F811
    c = world.client("admin")
    c.post(reverse("attendance:month") + "?month=2025-10")
    case = MonthCase.objects.get(person=world.head_person)
    c.post(reverse("attendance:case_decide", args=[case.pk]), {"decision": "已谈话"})
    case.refresh_from_db()
    assert (case.decision, case.decided_by) == ("已谈话", world.users["admin"])


def test_a_head_cannot_record_a_monthly_decision(world, week):  # noqa: F811
    world.client("admin").post(reverse("attendance:month") + "?month=2025-10")
    case = MonthCase.objects.get(person=world.head_person)
    r = world.client("head").post(reverse("attendance:case_decide", args=[case.pk]),
                                  {"decision": "免于处理"})
    assert r.status_code == 404


def test_a_member_explains_from_the_phone_page_and_the_head_approves(world):
    punch(world.member_person, THU, 8, 20)
    recompute(world.organ, THU, THU)
    world.client("member").post(reverse("attendance:explain"), {
        "date": str(THU), "kind": "forgot", "time": "17:35", "reason": "忘记打卡"})
    e = Explanation.objects.get()
    world.client("admin").post(reverse("attendance:explanation_decide", args=[e.pk]),
                               {"approve": "1"})
    r = world.client("member").get(reverse("attendance:mine"), {"month": "2025-10"})
    assert "说明已同意" in r.text and "正常" in r.text


def test_a_member_cannot_approve_their_own_explanation(world):
    recompute(world.organ, THU, THU)
    world.client("member").post(reverse("attendance:explain"), {
        "date": str(THU), "kind": "other", "reason": "系统故障"})
    e = Explanation.objects.get()
    r = world.client("member").post(reverse("attendance:explanation_decide", args=[e.pk]),
                                    {"approve": "1"})
    assert r.status_code == 404


def test_a_leave_entered_on_the_screen_excuses_the_day(world):
    recompute(world.organ, THU, THU)
    r = world.client("admin").post(reverse("attendance:absence_create"), {
        "person": world.head_person.pk, "kind": "病假", "start": str(THU), "end": str(THU),
        "part": "day", "note": ""})
    assert r.status_code == 302
    from mofan.attendance.models import DayStat

    assert DayStat.objects.get(person=world.head_person, date=THU).status == DayStat.LEAVE


def test_moving_a_leave_to_another_day_recomputes_the_day_it_left(world):
    from mofan.attendance.models import Absence, DayStat

    fri = THU + dt.timedelta(days=1)
    c = world.client("admin")
    c.post(reverse("attendance:absence_create"), {
        "person": world.head_person.pk, "kind": "病假", "start": str(THU), "end": str(THU),
        "part": "day", "note": ""})
    a = Absence.objects.get()
    r = c.post(reverse("attendance:absence_edit", args=[a.pk]), {
        "person": world.head_person.pk, "kind": "病假", "start": str(fri), "end": str(fri),
        "part": "day", "note": ""})
    assert r.status_code == 302
    day = {s.date: s.status for s in DayStat.objects.filter(person=world.head_person)}
    assert (day[THU], day[fri]) == (DayStat.ABSENT, DayStat.LEAVE)


def test_deleting_a_leave_recomputes_its_days(world):
    from mofan.attendance.models import Absence, DayStat

    c = world.client("admin")
    c.post(reverse("attendance:absence_create"), {
        "person": world.head_person.pk, "kind": "病假", "start": str(THU), "end": str(THU),
        "part": "day", "note": ""})
    a = Absence.objects.get()
    assert c.post(reverse("attendance:absence_delete", args=[a.pk])).status_code == 302
    assert DayStat.objects.get(person=world.head_person, date=THU).status == DayStat.ABSENT
