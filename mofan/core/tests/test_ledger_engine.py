"""The ledger engine (定向销号): transitions, who may take them, deadlines, locking."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mofan.appeals.models import Appeal
from mofan.appeals.tests.factories import appeal
from mofan.audit.models import AuditLog
from mofan.core import ledger
from mofan.core.calendar.services import calendar_for
from mofan.core.ledger import LedgerError
from mofan.core.models import CalendarOverride, DeadlineRule
from mofan.core.tests.samples import pdf_bytes

D = dt.date


pytestmark = pytest.mark.usefixtures("ledger_today")


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


SEP30 = D(2025, 9, 30)


def assigned(world, day=SEP30, **kw):
    item = appeal(world, **kw)
    return ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person,
                            at=at(day))


def in_progress(world):
    item = assigned(world)
    return ledger.do_accept(item, actor=world.users["head"], at=at(D(2025, 10, 9)))


def submitted(world):
    item = in_progress(world)
    return ledger.do_submit(item, actor=world.users["head"], result="已答复",
                            at=at(D(2025, 10, 10)))


def closed(world):
    item = submitted(world)
    return ledger.do_close(item, actor=world.users["admin"], at=at(D(2025, 10, 11)))


def events(item):
    return list(ledger.timeline(item).values_list("action", flat=True))


def unchanged(item, fn):
    """Run fn, expect LedgerError, and prove the row, timeline and audit did not move."""
    before = (Appeal.objects.get(pk=item.pk).version, len(events(item)), AuditLog.objects.count())
    with pytest.raises(LedgerError) as exc:
        fn()
    after = (Appeal.objects.get(pk=item.pk).version, len(events(item)), AuditLog.objects.count())
    assert before == after
    return str(exc.value)


# ---------------------------------------------------------------- assign


def test_keeper_assigns_a_registered_item_with_a_deadline_in_working_days(world):
    item = assigned(world)
    item.refresh_from_db()
    assert item.state == ledger.ASSIGNED
    assert item.owner == world.head_person
    assert item.owner_unit == world.section
    assert item.deadline == D(2025, 10, 11)  # 3 working days across 国庆, a 调休 Saturday


def test_assignment_before_national_day_is_due_after_the_holiday(world):
    item = assigned(world, category="complaint")  # 13 working days
    assert item.deadline > D(2025, 10, 8)
    assert item.deadline == D(2025, 10, 24)


def test_adjusted_saturday_counts_as_a_working_day(world):
    DeadlineRule.objects.create(org=world.organ, ledger="appeals", kind="consult", days=1)
    item = assigned(world, day=D(2025, 10, 10))
    assert item.deadline == D(2025, 10, 11)


def test_urgent_appeal_is_due_the_same_day(world):
    item = assigned(world, urgent=True, day=D(2025, 10, 10))
    assert item.deadline == D(2025, 10, 10)


def test_organ_deadline_rule_overrides_the_default(world):
    DeadlineRule.objects.create(org=world.organ, ledger="appeals", kind="consult", days=5)
    item = assigned(world, day=D(2025, 11, 3))
    assert item.deadline == D(2025, 11, 10)


def test_assigning_in_a_year_nobody_published_gives_a_provisional_deadline(world):
    item = appeal(world, registered_on=D(2031, 3, 3))
    ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person,
                     at=at(D(2031, 3, 3)))
    assert item.deadline == D(2031, 3, 6)  # consult: 3 working days
    assert item.deadline_provisional


def test_an_explicit_deadline_is_never_provisional(world):
    item = appeal(world, registered_on=D(2031, 3, 3))
    ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person,
                     deadline=D(2031, 3, 20), at=at(D(2031, 3, 3)))
    assert not item.deadline_provisional


def test_a_single_override_counts_inside_a_provisional_year(world):
    CalendarOverride.objects.create(org=world.organ, date=D(2031, 3, 4), kind="holiday")
    item = appeal(world, registered_on=D(2031, 3, 3))
    ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person,
                     at=at(D(2031, 3, 3)))
    assert item.deadline == D(2031, 3, 7)  # 4th is a holiday: 5, 6, 7
    assert item.deadline_provisional


def test_organ_override_wins_over_the_committee_override(world):
    CalendarOverride.objects.create(org=world.committee, date=D(2031, 1, 2), kind="holiday")
    CalendarOverride.objects.create(org=world.organ, date=D(2031, 1, 2), kind="workday")
    assert calendar_for(world.organ).kind(D(2031, 1, 2)) == "workday"
    assert calendar_for(world.other).kind(D(2031, 1, 2)) == "holiday"


def test_explicit_deadline_before_assignment_is_refused(world):
    item = appeal(world)
    msg = unchanged(item, lambda: ledger.do_assign(
        item, actor=world.users["admin"], owner=world.head_person, deadline=D(2025, 1, 1),
        at=at(D(2025, 9, 30))))
    assert "不能早于" in msg


def test_owner_from_another_organ_is_refused(world):
    item = appeal(world)
    msg = unchanged(item, lambda: ledger.do_assign(
        item, actor=world.users["admin"], owner=world.outsider_person))
    assert "本机关" in msg


@pytest.mark.parametrize("who", ["head", "member", "committee", "outsider"])
def test_only_a_keeper_may_assign(world, who):
    item = appeal(world)
    msg = unchanged(item, lambda: ledger.do_assign(
        item, actor=world.users[who], owner=world.head_person))
    assert "只有台账管理员" in msg


def test_head_of_the_registering_section_is_its_keeper(world):
    item = appeal(world)
    item.org = world.section
    item.save()
    ledger.do_assign(item, actor=world.users["head"], owner=world.member_person)
    assert item.state == ledger.ASSIGNED


# ---------------------------------------------------------------- owner steps


def test_owner_accepts_an_assigned_item(world):
    item = in_progress(world)
    assert item.state == ledger.IN_PROGRESS and item.accepted_at is not None


@pytest.mark.parametrize("who", ["admin", "member", "committee"])
def test_only_the_owner_may_accept(world, who):
    item = assigned(world)
    msg = unchanged(item, lambda: ledger.do_accept(item, actor=world.users[who]))
    assert "责任人本人" in msg


def test_accepting_a_registered_item_is_refused(world):
    item = appeal(world)
    item.owner = world.head_person
    item.save()
    msg = unchanged(item, lambda: ledger.do_accept(item, actor=world.users["head"]))
    assert "“登记”" in msg


def test_owner_and_keeper_may_note_progress_but_not_an_empty_note(world):
    item = in_progress(world)
    ledger.do_note(item, actor=world.users["head"], note="已联系当事人")
    ledger.do_note(item, actor=world.users["admin"], note="请加快进度")
    assert events(item)[-2:] == ["note", "note"]
    unchanged(item, lambda: ledger.do_note(item, actor=world.users["head"], note=" "))


def test_member_who_is_not_the_owner_may_not_note(world):
    item = in_progress(world)
    assert "只有" in unchanged(item, lambda: ledger.do_note(
        item, actor=world.users["member"], note="x"))


def test_owner_submits_a_result(world):
    item = submitted(world)
    assert item.state == ledger.SUBMITTED and item.result == "已答复"


def test_submitting_without_a_result_is_refused(world):
    item = in_progress(world)
    assert "办理结果" in unchanged(item, lambda: ledger.do_submit(
        item, actor=world.users["head"], result=""))


def test_submitting_before_accepting_is_refused(world):
    item = assigned(world)
    assert "“交办”" in unchanged(item, lambda: ledger.do_submit(
        item, actor=world.users["head"], result="x"))


def test_keeper_may_not_submit_for_the_owner(world):
    item = in_progress(world)
    assert "责任人本人" in unchanged(item, lambda: ledger.do_submit(
        item, actor=world.users["admin"], result="x"))


# ---------------------------------------------------------------- extensions


def test_owner_requests_and_keeper_approves_an_extension(world):
    item = in_progress(world)
    ledger.do_request_extension(item, actor=world.users["head"], new_deadline=D(2025, 10, 20),
                                reason="需协调多个部门")
    assert item.ext_deadline == D(2025, 10, 20)
    ledger.do_approve_extension(item, actor=world.users["admin"])
    assert item.deadline == D(2025, 10, 20) and item.ext_deadline is None


def test_keeper_rejects_an_extension_only_with_a_reason(world):
    item = in_progress(world)
    ledger.do_request_extension(item, actor=world.users["head"], new_deadline=D(2025, 10, 20),
                                reason="需协调")
    unchanged(item, lambda: ledger.do_approve_extension(
        item, actor=world.users["admin"], approve=False))
    ledger.do_approve_extension(item, actor=world.users["admin"], approve=False, note="可以按期")
    assert item.deadline == D(2025, 10, 11) and events(item)[-1] == "reject_extension"


def test_extension_to_an_earlier_date_is_refused(world):
    item = in_progress(world)
    assert "晚于" in unchanged(item, lambda: ledger.do_request_extension(
        item, actor=world.users["head"], new_deadline=D(2025, 10, 10), reason="x"))


def test_a_second_extension_request_waits_for_the_first(world):
    item = in_progress(world)
    ledger.do_request_extension(item, actor=world.users["head"], new_deadline=D(2025, 10, 20),
                                reason="x")
    assert "等待审批" in unchanged(item, lambda: ledger.do_request_extension(
        item, actor=world.users["head"], new_deadline=D(2025, 10, 24), reason="y"))


def test_approving_without_a_request_is_refused(world):
    item = in_progress(world)
    assert "没有待审批" in unchanged(item, lambda: ledger.do_approve_extension(
        item, actor=world.users["admin"]))


def test_owner_may_not_approve_his_own_extension(world):
    item = in_progress(world)
    ledger.do_request_extension(item, actor=world.users["head"], new_deadline=D(2025, 10, 20),
                                reason="x")
    assert "台账管理员" in unchanged(item, lambda: ledger.do_approve_extension(
        item, actor=world.users["head"]))


# ---------------------------------------------------------------- review


def test_keeper_returns_a_submission_with_a_reason(world):
    item = submitted(world)
    unchanged(item, lambda: ledger.do_return(item, actor=world.users["admin"], reason=""))
    ledger.do_return(item, actor=world.users["admin"], reason="请补充照片")
    assert item.state == ledger.IN_PROGRESS and item.return_count == 1 and item.returned


def test_keeper_closes_a_submission_on_time(world):
    item = closed(world)
    assert item.state == ledger.CLOSED
    assert item.closed_on_time is True
    assert item.days_to_close == 11


def test_a_submission_after_the_deadline_closes_late(world):
    item = in_progress(world)
    ledger.do_submit(item, actor=world.users["head"], result="x", at=at(D(2025, 10, 20)))
    ledger.do_close(item, actor=world.users["admin"], at=at(D(2025, 10, 21)))
    assert item.closed_on_time is False


@pytest.mark.parametrize("who", ["head", "member", "committee"])
def test_only_a_keeper_may_close(world, who):
    item = submitted(world)
    assert "只有" in unchanged(item, lambda: ledger.do_close(item, actor=world.users[who]))


def test_closing_an_item_not_yet_submitted_is_refused(world):
    item = in_progress(world)
    assert "“办理中”" in unchanged(item, lambda: ledger.do_close(item, actor=world.users["admin"]))


def test_a_keeper_may_not_close_an_item_he_owns(world):
    from conftest import make_user
    from mofan.core.scoping import ORG_ADMIN
    from mofan.orgs.models import Person

    p = Person.objects.create(name="管理员本人", gender="M", org=world.organ)
    admin2 = make_user("admin2", ORG_ADMIN, world.organ, p)
    item = appeal(world)
    ledger.do_assign(item, actor=admin2, owner=p)
    ledger.do_accept(item, actor=admin2)
    ledger.do_submit(item, actor=admin2, result="x")
    assert "本人" in unchanged(item, lambda: ledger.do_close(item, actor=admin2))
    ledger.do_close(item, actor=world.users["admin"])


def test_keeper_reopens_a_closed_item_with_a_reason(world):
    item = closed(world)
    unchanged(item, lambda: ledger.do_reopen(item, actor=world.users["admin"], reason=""))
    ledger.do_reopen(item, actor=world.users["admin"], reason="群众反映未解决")
    assert item.state == ledger.IN_PROGRESS and item.closed_at is None
    assert item.reopen_count == 1


def test_reopening_an_open_item_is_refused(world):
    item = in_progress(world)
    unchanged(item, lambda: ledger.do_reopen(item, actor=world.users["admin"], reason="x"))


def test_keeper_urges_and_owner_may_not(world):
    item = assigned(world)
    unchanged(item, lambda: ledger.do_urge(item, actor=world.users["head"]))
    ledger.do_urge(item, actor=world.users["admin"])
    assert item.urged_at is not None and events(item)[-1] == "urge"


# ---------------------------------------------------------------- records


def test_every_step_writes_a_timeline_event_and_an_audit_row(world):
    start = AuditLog.objects.count()
    item = closed(world)
    assert events(item) == ["register", "assign", "accept", "submit", "close"]
    rows = AuditLog.objects.filter(action="transition").order_by("id")
    assert AuditLog.objects.count() - start == 4
    assert rows.last().before["state"] == "submitted" and rows.last().after["state"] == "closed"
    assert rows.last().user_name.startswith("") and rows.last().object_id == str(item.pk)


def test_allowed_actions_follow_role_and_state(world):
    item = submitted(world)
    assert {a for a, _ in ledger.allowed_actions(item, world.users["admin"])} == {
        "note", "return", "close"}
    assert {a for a, _ in ledger.allowed_actions(item, world.users["head"])} == {"note"}
    assert ledger.allowed_actions(item, world.users["committee"]) == []


# ---------------------------------------------------------------- concurrency


def test_of_two_concurrent_closes_one_wins_and_the_other_is_told(world):
    item = submitted(world)
    first = Appeal.objects.get(pk=item.pk)
    second = Appeal.objects.get(pk=item.pk)  # a stale copy: the other keeper's page
    ledger.do_close(first, actor=world.users["admin"])
    with pytest.raises(LedgerError) as exc:
        ledger.do_close(second, actor=world.users["admin"])
    assert "已被" in str(exc.value) and "刷新" in str(exc.value)
    assert events(item).count("close") == 1


def test_a_stale_return_after_a_close_loses_nothing(world):
    item = submitted(world)
    stale = Appeal.objects.get(pk=item.pk)
    ledger.do_close(item, actor=world.users["admin"])
    with pytest.raises(LedgerError):
        ledger.do_return(stale, actor=world.users["admin"], reason="x")
    fresh = Appeal.objects.get(pk=item.pk)
    assert fresh.state == ledger.CLOSED and fresh.return_count == 0


# ---------------------------------------------------------------- overdue, evidence


def test_overdue_is_computed_in_the_query(world):
    late = assigned(world)
    done = submitted(world)
    rows = dict(Appeal.objects.with_overdue(D(2025, 10, 20)).values_list("pk", "is_overdue"))
    assert rows[late.pk] is True
    assert rows[done.pk] is False  # submitted: the owner's clock stopped
    assert Appeal.objects.overdue(D(2025, 10, 11)).count() == 0


def test_evidence_is_optional_and_stored_under_a_generated_name(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = in_progress(world)
    pdf = SimpleUploadedFile("现场照片说明.pdf", pdf_bytes(), "application/pdf")
    ledger.do_submit(item, actor=world.users["head"], result="x", files=[pdf])
    f = ledger.files_of(item).get()
    assert f.original_name == "现场照片说明.pdf"
    assert "现场" not in f.file.name and f.file.name.endswith(".pdf")


@pytest.mark.parametrize("name,content", [
    ("a.exe", b"MZ..."), ("fake.pdf", b"<html>"), ("a.png", b"%PDF-"),
])
def test_evidence_of_the_wrong_type_is_refused_and_nothing_changes(world, name, content):
    item = in_progress(world)
    upload = SimpleUploadedFile(name, content)
    unchanged(item, lambda: ledger.do_submit(item, actor=world.users["head"], result="x",
                                             files=[upload]))


def test_evidence_over_ten_megabytes_is_refused(world, settings):
    settings.MOFAN_UPLOAD_MAX_BYTES = 10
    item = in_progress(world)
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 20)
    assert "超过 10 字节" in unchanged(item, lambda: ledger.do_submit(
        item, actor=world.users["head"], result="x", files=[upload]))


# ---------------------------------------------------------------- the whole matrix

EXPECTED = {  # state -> role -> actions the engine lets through (owner = the head)
    "registered": {"admin": {"assign"}},
    "assigned": {"admin": {"assign", "note", "urge"},
                 "head": {"accept", "note", "request_extension"}},
    "in_progress": {"admin": {"note", "urge"}, "head": {"note", "request_extension", "submit"}},
    "submitted": {"admin": {"note", "return", "close"}, "head": {"note"}},
    "closed": {"admin": {"reopen"}},
}
ROLES = ["admin", "head", "member", "committee", "outsider"]
BUILD = {"registered": appeal, "assigned": assigned, "in_progress": in_progress,
         "submitted": submitted, "closed": closed}


def call(action, item, world, user):
    args = {
        "assign": {"owner": world.head_person},
        "note": {"note": "进展"},
        "request_extension": {"new_deadline": D(2025, 12, 31), "reason": "协调"},
        "submit": {"result": "结果"},
        "return": {"reason": "补充"},
        "reopen": {"reason": "重办"},
    }.get(action, {})
    fn = getattr(ledger, f"do_{action}")
    return fn(item, actor=user, **args)


@pytest.mark.parametrize("state", list(BUILD))
@pytest.mark.parametrize("role", ROLES)
def test_every_action_in_every_state_for_every_role(world, state, role):
    user = world.users[role]
    allowed = EXPECTED[state].get(role, set())
    for action in ledger.RULES:
        item = BUILD[state](world)
        if action in allowed:
            call(action, item, world, user)
            assert ledger.timeline(item).last().action == action
        else:
            unchanged(item, lambda a=action, i=item: call(a, i, world, user))
        Appeal.objects.filter(pk=item.pk).delete()
