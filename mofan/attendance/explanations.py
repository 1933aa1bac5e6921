"""补卡 / 情况说明: explained from a phone, decided by the unit head, all audited."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mofan.audit.services import record
from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN

from .importing import LOCAL, expand
from .models import Absence, DayStat, Explanation, Punch
from .stats import recompute


def do_explain(person, day: dt.date, *, kind, reason, actor, time=None, part="day"):
    """The member's own explanation of one of their anomalous days."""
    if actor.person_id != person.pk:
        raise PermissionDenied("只能说明本人的考勤")
    stat = DayStat.objects.filter(person=person, date=day).first()
    if stat is None or stat.status not in DayStat.ANOMALIES:
        raise ValidationError("这一天没有需要说明的考勤异常")
    if kind in (Explanation.FORGOT, Explanation.FAILURE) and time is None:
        raise ValidationError("补卡请填写实际到岗或离岗的时间")
    if not reason.strip():
        raise ValidationError("请填写说明")
    if Explanation.objects.filter(person=person, date=day, state=Explanation.PENDING).exists():
        raise ValidationError("这一天已有待审批的说明")
    with transaction.atomic():
        e = Explanation.objects.create(org_id=person.org_id, person=person, date=day,
                                       kind=kind, time=time, part=part, reason=reason.strip())
        record("create", e, user=actor, after={"kind": kind, "reason": e.reason})
    return e


def may_decide(e: Explanation, user) -> bool:
    return (user.role in (HEAD, ORG_ADMIN, COMMITTEE) and user.person_id != e.person_id
            and Explanation.objects.editable_by(user).filter(pk=e.pk).exists())


def do_decide(e: Explanation, *, approve: bool, actor, reason: str = "") -> Explanation:
    if not may_decide(e, actor):
        raise PermissionDenied("无权审批这条说明")
    if e.state != Explanation.PENDING:
        raise ValidationError("这条说明已经审批过")
    if not approve and not reason.strip():
        raise ValidationError("驳回须填写理由")
    organ = e.person.org.organ
    with transaction.atomic():
        e.state = Explanation.APPROVED if approve else Explanation.REJECTED
        e.decided_by, e.decided_at, e.decision_reason = actor, timezone.now(), reason.strip()
        e.save()
        if approve:
            _correct(e, organ)
            recompute(organ, e.date, e.date)
        record("update", e, user=actor, before={"state": Explanation.PENDING},
               after={"state": e.state, "reason": e.decision_reason})
    return e


def _correct(e: Explanation, organ) -> None:
    if e.kind in (Explanation.FORGOT, Explanation.FAILURE) and e.time:
        at = dt.datetime.combine(e.date, e.time, tzinfo=LOCAL)
        Punch.objects.get_or_create(person=e.person, at=at, defaults={
            "organ": organ, "date": e.date, "minute": e.time.hour * 60 + e.time.minute,
            "kind": Punch.CORRECTION})
    else:
        absence = Absence.objects.create(person=e.person, kind="公出", start=e.date, end=e.date,
                                         part=e.part, note=f"情况说明：{e.reason}"[:200],
                                         source="情况说明")
        expand(absence, organ)
