"""Business rules of community service: logging a record, confirming or returning it,
and registering what a member found as a 民情诉求 in one step."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mofan.audit.services import record as audit
from mofan.audit.services import snapshot
from mofan.core import ledger
from mofan.core.scoping import COMMITTEE, HEAD, MEMBER, ORG_ADMIN

from .models import ServiceParticipant, ServiceRecord, organ_of


def actor_organ(user):
    return organ_of(user.org) if user.org_id else None


def record_refusal(record, members, user) -> str:
    """Why ``user`` may not save this record with these members ("" when allowed)."""
    organ = actor_organ(user)
    if organ is None or user.role not in (COMMITTEE, ORG_ADMIN, HEAD, MEMBER):
        return "您的账号不能登记社区服务"
    if user.role == COMMITTEE:
        return "社区服务由各机关党员登记，工委只查看"
    if not members:
        return "请选择参加服务的党员"
    if any(organ_of(p.org).pk != organ.pk for p in members):
        return "只能登记本机关党员的社区服务"
    if record.community_id and record.community.org_id != organ.pk:
        return "只能选择本机关结对的社区/村"
    if record.kind_id and record.kind.org_id != organ.pk:
        return "请选择本机关的服务类型"
    if user.role == MEMBER and user.person_id not in {p.pk for p in members}:
        return "党员只能登记本人参加的服务"
    return ""


@transaction.atomic
def save_record(record, members, *, actor):
    """Create or update a service record and its members (each counted once). An edit
    of a returned record submits it again for confirmation."""
    members = list(dict.fromkeys(members))  # the same person twice is one 人次
    if reason := record_refusal(record, members, actor):
        raise ValidationError(reason)
    new = record.pk is None
    if new:
        record.logged_by_id = actor.person_id
    main = next((p for p in members if p.pk == actor.person_id), members[0])
    record.org_id, record.branch_id = main.org_id, main.branch_id
    if new or record.status == ServiceRecord.RETURNED:
        record.status, record.status_note = ServiceRecord.SUBMITTED, ""
    record.save()
    wanted = {p.pk for p in members}
    record.participants.exclude(person_id__in=wanted).delete()
    have = set(record.participants.values_list("person_id", flat=True))
    for p in members:
        if p.pk not in have:
            ServiceParticipant(record=record, person=p).save()
    return record


# ------------------------------------------------------------------ confirmation


def _involved(record, user) -> bool:
    if not user.person_id:
        return False
    return record.logged_by_id == user.person_id or record.participants.filter(
        person_id=user.person_id).exists()


def confirm_refusal(record, user) -> str:
    """The one rule for showing the 确认 / 退回 buttons and for taking the action."""
    if record.status != ServiceRecord.SUBMITTED:
        return "只有待确认的记录可以确认或退回"
    if _involved(record, user):
        return "不能确认本人登记或参加的服务记录"
    is_secretary = bool(user.person_id and record.branch_id
                        and record.branch.secretary_id == user.person_id)
    is_admin = user.role == ORG_ADMIN and actor_organ(user) is not None and (
        organ_of(record.org).pk == actor_organ(user).pk)
    if not (is_secretary or is_admin):
        return "只有所在党支部书记或单位管理员可以确认"
    return ""


def _transition(record, *, actor, status, note="", label):
    with transaction.atomic():
        fresh = ServiceRecord.objects.select_for_update().get(pk=record.pk)
        if reason := confirm_refusal(fresh, actor):
            raise ValidationError(reason)
        before = snapshot(fresh) | {"status": fresh.status}
        fresh.status, fresh.status_note = status, note
        fresh.confirmed_by_id = actor.person_id if status == ServiceRecord.CONFIRMED else None
        fresh.confirmed_on = timezone.localdate() if status == ServiceRecord.CONFIRMED else None
        fresh.save(update_fields=["status", "status_note", "confirmed_by", "confirmed_on"])
        audit("transition", fresh, before=before, after=snapshot(fresh) | {"status": status},
              label=f"{label}：{fresh}"[:200], user=actor)
    return fresh


def do_confirm(record, *, actor):
    return _transition(record, actor=actor, status=ServiceRecord.CONFIRMED, label="确认服务记录")


def do_return(record, *, actor, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写退回原因")
    return _transition(record, actor=actor, status=ServiceRecord.RETURNED, note=reason[:200],
                       label="退回服务记录")


# ------------------------------------------------------------------ 登记为民情诉求


def appeal_refusal(record, user) -> str:
    if user.role not in (ORG_ADMIN, HEAD, MEMBER) or not user.org_id:
        return "只有本机关人员可以登记民情诉求"
    if organ_of(record.org).pk != actor_organ(user).pk:
        return "只有本机关人员可以登记民情诉求"
    if not (_involved(record, user) or user.role in (ORG_ADMIN, HEAD)
            or (user.person_id and record.branch_id
                and record.branch.secretary_id == user.person_id)):
        return "只有参加服务的党员、支部书记或负责人可以登记"
    return ""


def do_register_appeal(record, *, actor, title, words, category="help"):
    """“登记为民情诉求”: one 民情台账 item from what the member found, linked to the record.
    Asked twice (a double click, two people at once) it still makes exactly one."""
    Appeal = apps.get_model("appeals", "Appeal")
    title, words = (title or "").strip(), (words or "").strip()
    if not title:
        raise ValidationError("请填写诉求标题")
    if not words:
        raise ValidationError("请填写群众诉求")
    if category not in dict(Appeal.CATEGORY_CHOICES):
        raise ValidationError("请选择诉求类别")
    with transaction.atomic():
        fresh = ServiceRecord.objects.select_for_update().select_related(
            "community", "org").get(pk=record.pk)
        if fresh.appeal_id:
            return fresh.appeal
        if reason := appeal_refusal(fresh, actor):
            raise ValidationError(reason)
        item = Appeal(org=organ_of(fresh.org), title=title[:200], words=words,
                      category=category, source="observe", place=fresh.community.name[:100],
                      registered_on=fresh.date)
        ledger.register_item(item, actor=actor, note=f"由社区服务记录登记：{fresh}"[:200])
        audit("create", item, after=snapshot(item), user=actor)
        fresh.appeal = item
        fresh.save(update_fields=["appeal"])
        audit("update", fresh, after={"appeal": item.pk},
              label=f"登记为民情诉求：{fresh}"[:200], user=actor)
    record.appeal_id = item.pk
    return item


def kinds_for(user):
    """The active service kinds of the user's organ (each organ gets the defaults when it
    is created: ``signals.py``)."""
    from .models import ServiceKind

    organ = actor_organ(user)
    if organ is None:
        return ServiceKind.objects.none()
    return ServiceKind.objects.filter(org=organ, active=True)


# ------------------------------------------------------------------ measures


def parse_measures(text):
    """“铺平路面 300 平方米；安装路灯 5 盏；雨污分流改造” → unsaved Measures (a measure
    without a number has no quantity). Raises CellError for a unit not in the list."""
    import re
    from decimal import Decimal

    from mofan.core.excel import CellError

    from .models import UNIT_CHOICES, Measure

    by_label = {label: key for key, label in UNIT_CHOICES}
    units = "|".join(sorted(map(re.escape, by_label), key=len, reverse=True))
    found = []
    for part in re.split(r"[；;\n]", str(text or "")):
        part = part.strip().rstrip("。，,")
        if not part:
            continue
        m = re.fullmatch(rf"(.+?)\s*([0-9]+(?:\.[0-9]+)?)\s*({units})", part)
        if m:
            found.append(Measure(name=m[1].strip()[:60], quantity=Decimal(m[2]),
                                 unit=by_label[m[3]]))
        elif re.search(r"[0-9]", part):
            raise CellError(f"“{part}”的单位不在可选范围内（可选：{'、'.join(by_label)}）")
        else:
            found.append(Measure(name=part[:60]))
    return found
