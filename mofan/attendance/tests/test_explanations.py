import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mofan.attendance.explanations import do_decide, do_explain
from mofan.attendance.models import DayStat, Explanation
from mofan.attendance.stats import recompute
from mofan.audit.models import AuditLog

from .factories import THU
from .test_daily import punch


@pytest.fixture
def missing_day(world):
    """李干部 (the member) punched in on Thursday but not out."""
    punch(world.member_person, THU, 8, 20)
    recompute(world.organ, THU, THU)
    return world.member_person


def explain(world, person, **kw):
    kw = {"kind": Explanation.FORGOT, "time": dt.time(17, 35), "reason": "加班后忘记打卡", **kw}
    return do_explain(person, THU, actor=world.users["member"], **kw)


def test_an_approved_forgotten_punch_corrects_the_day(world, missing_day):
    e = explain(world, missing_day)
    do_decide(e, approve=True, actor=world.users["admin"])
    assert DayStat.objects.get(person=missing_day, date=THU).status == DayStat.NORMAL


def test_an_approved_outside_work_excuses_the_day(world):
    recompute(world.organ, THU, THU)
    e = explain(world, world.member_person, kind=Explanation.OUTSIDE, time=None,
                reason="到乡镇督导")
    do_decide(e, approve=True, actor=world.users["admin"])
    assert DayStat.objects.get(person=world.member_person, date=THU).status == DayStat.TRIP


def test_a_rejection_needs_a_reason_and_leaves_the_day(world, missing_day):
    e = explain(world, missing_day)
    with pytest.raises(ValidationError, match="理由"):
        do_decide(e, approve=False, actor=world.users["admin"])
    do_decide(e, approve=False, actor=world.users["admin"], reason="无佐证")
    assert DayStat.objects.get(person=missing_day, date=THU).status == DayStat.MISSING


def test_nobody_explains_someone_elses_day(world, missing_day):
    with pytest.raises(PermissionDenied):
        do_explain(missing_day, THU, kind=Explanation.OTHER, reason="x",
                   actor=world.users["head"])


def test_a_normal_day_needs_no_explanation(world):
    punch(world.member_person, THU, 8, 20)
    punch(world.member_person, THU, 17, 40)
    recompute(world.organ, THU, THU)
    with pytest.raises(ValidationError, match="没有需要说明"):
        explain(world, world.member_person)


def test_the_head_of_another_organ_cannot_decide(world, missing_day):
    e = explain(world, missing_day)
    with pytest.raises(PermissionDenied):
        do_decide(e, approve=True, actor=world.users["outsider"])


def test_explaining_and_deciding_are_audited(world, missing_day):
    e = explain(world, missing_day)
    do_decide(e, approve=True, actor=world.users["admin"])
    assert AuditLog.objects.filter(object_type="attendance.explanation").count() == 2
