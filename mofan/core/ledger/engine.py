"""The workflow engine: every step is ``do_<action>(item, *, actor, ...)``.

``transition`` runs one step in one transaction: it re-reads the row ``SELECT ... FOR
UPDATE``, writes it back with ``UPDATE ... WHERE version = <the version the actor saw>``
(compare-and-swap, so of two people acting at once one wins and the other gets a clear
message, on PostgreSQL and SQLite alike), asks the step's rule whether the actor may act,
and writes a timeline event and an audit row with the item before and after.

States: 登记 → 交办 → 办理中 → 申请销号 → 已销号; 退回 sends 申请销号 back to 办理中;
延期 (requested by the owner, approved by the keeper) while 交办/办理中; 重办 reopens a
closed item. Once the owner has submitted, the item no longer runs overdue: the time
limit binds the owner, not the keeper's review.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from mofan.audit.services import record, snapshot

from .deadlines import due_date
from .evidence import attach, check_evidence
from .models import LedgerEvent
from .registry import label_of
from .rules import refuser
from .states import (
    ASSIGNED,
    CLOSED,
    IN_PROGRESS,
    REGISTERED,
    SUBMITTED,
    LedgerError,
    actor_name,
    is_system,
)


def _concrete_fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _snapshot(obj) -> dict:
    """Every stored field (the workflow fields are not form-editable, so ``snapshot`` alone
    would miss them)."""
    data = snapshot(obj)
    data.update({f.attname: getattr(obj, f.attname) for f in _concrete_fields(type(obj))
                 if not isinstance(f, models.FileField)})
    return data


def _stale_message(model, fresh):
    last = (LedgerEvent.objects
            .filter(content_type=ContentType.objects.get_for_model(model), object_id=fresh.pk)
            .order_by("-at", "-id").first())
    who = (f"已被{last.actor_name}于 {timezone.localtime(last.at):%m-%d %H:%M} "
           f"{label_of(model, last.action)}") if last else "已被他人处理"
    return (f"该事项{who}，当前状态为“{fresh.state_label}”。"
            "您的操作未执行，请刷新页面查看最新情况后再操作。")


def _event(item, *, actor, action, at, note="", data=None, from_state=""):
    return LedgerEvent.objects.create(
        content_type=ContentType.objects.get_for_model(type(item)), object_id=item.pk,
        org_id=item.org_id, action=action, from_state=from_state, to_state=item.state,
        actor=None if is_system(actor) else actor, actor_name=actor_name(actor)[:100],
        at=at, note=note, data=data or {})


def transition(item, *, actor, action, refusal=None, note="", at=None, event_action=None,
               data=None, change=None, check=None):
    """Run one step on ``item``. ``refusal(fresh, actor)`` says whether the actor may (the
    step's rule, asked again on the locked row); ``check(fresh)`` may raise LedgerError for
    the step's inputs; ``change(fresh, at)`` mutates the locked fresh copy. ``item`` is
    refreshed in place and returned."""
    model = type(item)
    at = at or timezone.now()
    with transaction.atomic():
        try:
            fresh = model.objects.select_for_update().get(pk=item.pk)
        except model.DoesNotExist as exc:
            raise LedgerError("该事项已不存在") from exc
        if fresh.version != item.version:
            raise LedgerError(_stale_message(model, fresh))
        reason = refusal(fresh, actor) if refusal else ""
        if reason:
            raise LedgerError(reason)
        if check:
            check(fresh)
        before = _snapshot(fresh)
        from_state = fresh.state
        fresh.deadline_moved_from = None  # the notice of a moved deadline lasts until the next step
        if change:
            change(fresh, at)
        fresh.last_action = event_action or action
        fresh.version = item.version + 1
        values = {f.attname: getattr(fresh, f.attname) for f in _concrete_fields(model)}
        if not model.objects.filter(pk=fresh.pk, version=item.version).update(**values):
            raise LedgerError(_stale_message(model, model.objects.get(pk=fresh.pk)))
        event = _event(fresh, actor=actor, action=event_action or action, at=at, note=note,
                       data=data, from_state=from_state)
        label = f"{label_of(model, event.action)}：{fresh}"
        record("transition", fresh, before=before, after=_snapshot(fresh), label=label[:200],
               user=None if is_system(actor) else actor)
    for f in _concrete_fields(model):
        setattr(item, f.attname, getattr(fresh, f.attname))
    item._last_event = event
    return item


def _need(text, what):
    if not (text or "").strip():
        raise LedgerError(f"请填写{what}")
    return text.strip()


def register_item(item, *, actor, at=None, note="", action="register"):
    """Save a new item and start its timeline (forms, imports, demo and follow-up items).
    ``action="import"`` keeps the state and dates an imported row brings."""
    at = at or timezone.now()
    with transaction.atomic():
        if action == "register":
            item.state = REGISTERED
        item.last_action = action
        item.save()
        _event(item, actor=actor, action=action, at=at, note=note)
    return item


def set_deadline(item, due):
    """Apply a computed ``Due`` (or an explicit date, never provisional) to ``item``."""
    item.deadline = getattr(due, "date", due)
    item.deadline_provisional = bool(getattr(due, "provisional", False))


def do_assign(item, *, actor, owner, owner_unit=None, deadline=None, note="", at=None):
    """交办 (or 改派 before acceptance): owner, unit and a deadline (default: the time
    limit in working days from the assignment day, provisional where the calendar is)."""
    if owner is None:
        raise LedgerError("请选择责任人")
    at = at or timezone.now()
    day = timezone.localdate(at)

    def check(fresh):
        organ = fresh.org.organ_id or fresh.org_id
        if owner.org.organ_id != organ:
            raise LedgerError("责任人必须是本机关（含股室、下属单位）的人员")
        if owner_unit is not None and owner_unit.organ_id != organ:
            raise LedgerError("责任单位必须是本机关的股室或下属单位")
        if deadline is not None and deadline < day:
            raise LedgerError("办理时限不能早于交办日期")

    def change(fresh, at):
        fresh.owner_id = owner.pk
        fresh.owner_unit_id = (owner_unit or owner.org).pk
        fresh.assigned_on = day
        set_deadline(fresh, deadline or due_date(fresh, day))
        fresh.state = ASSIGNED
        fresh.ext_deadline, fresh.ext_reason = None, ""

    return transition(item, actor=actor, action="assign", refusal=refuser("assign"), note=note,
                      at=at, check=check, change=change, data={"owner": owner.name})


def do_accept(item, *, actor, note="", at=None):
    def change(fresh, at):
        fresh.state, fresh.accepted_at = IN_PROGRESS, at

    return transition(item, actor=actor, action="accept", refusal=refuser("accept"), note=note,
                      at=at, change=change)


def do_note(item, *, actor, note, at=None):
    note = _need(note, "进展情况")
    return transition(item, actor=actor, action="note", refusal=refuser("note"), note=note, at=at)


def do_request_extension(item, *, actor, new_deadline, reason, at=None):
    reason = _need(reason, "延期理由")
    if new_deadline is None:
        raise LedgerError("请填写申请延期至的日期")

    def check(fresh):
        if fresh.deadline and new_deadline <= fresh.deadline:
            raise LedgerError("申请的新时限必须晚于现在的办理时限")

    def change(fresh, at):
        fresh.ext_deadline, fresh.ext_reason = new_deadline, reason[:300]

    return transition(item, actor=actor, action="request_extension",
                      refusal=refuser("request_extension"), note=reason, at=at, check=check,
                      change=change, data={"to": new_deadline.isoformat()})


def do_approve_extension(item, *, actor, approve=True, note="", at=None):
    def change(fresh, at):
        if approve:
            set_deadline(fresh, fresh.ext_deadline)
        fresh.ext_deadline, fresh.ext_reason = None, ""

    if not approve:
        note = _need(note, "不同意的理由")
    return transition(item, actor=actor, action="approve_extension",
                      refusal=refuser("approve_extension"), note=note, at=at,
                      event_action="approve_extension" if approve else "reject_extension",
                      change=change, data={"to": str(item.ext_deadline or "")})


def do_submit(item, *, actor, result, files=(), at=None):
    """申请销号 with the result; evidence files are optional (checked before anything)."""
    result = _need(result, "办理结果")
    for f in files:
        check_evidence(f)

    def change(fresh, at):
        fresh.state, fresh.result, fresh.submitted_at = SUBMITTED, result, at

    item = transition(item, actor=actor, action="submit", refusal=refuser("submit"),
                      note=result, at=at, change=change)
    for f in files:
        attach(item, f, event=item._last_event)
    return item


def do_return(item, *, actor, reason, at=None):
    reason = _need(reason, "退回理由")

    def change(fresh, at):
        fresh.state = IN_PROGRESS
        fresh.return_count += 1

    return transition(item, actor=actor, action="return", refusal=refuser("return"),
                      note=reason, at=at, change=change)


def do_close(item, *, actor, note="", at=None):
    def change(fresh, at):
        fresh.state, fresh.closed_at = CLOSED, at
        done = timezone.localdate(fresh.submitted_at or at)
        fresh.closed_on_time = bool(fresh.deadline is None or done <= fresh.deadline)
        start = fresh.assigned_on or fresh.registered_on
        fresh.days_to_close = max(0, (timezone.localdate(at) - start).days)

    return transition(item, actor=actor, action="close", refusal=refuser("close"), note=note,
                      at=at, change=change)


def do_reopen(item, *, actor, reason, at=None, data=None, refusal=None):
    """重办. A ledger step that reopens as its consequence passes its own
    ``refusal`` — the keeper's right to reopen is already checked by that step."""
    reason = _need(reason, "重办理由")

    def change(fresh, at):
        fresh.state = IN_PROGRESS
        fresh.closed_at, fresh.closed_on_time, fresh.days_to_close = None, None, None
        fresh.reopen_count += 1

    return transition(item, actor=actor, action="reopen", refusal=refusal or refuser("reopen"),
                      note=reason, at=at, change=change, data=data)


def do_urge(item, *, actor, note="", at=None):
    """催办: a reminder the owner sees on 我的待办 until he acts."""

    def change(fresh, at):
        fresh.urged_at = at

    return transition(item, actor=actor, action="urge", refusal=refuser("urge"),
                      note=note or "请抓紧办理", at=at, change=change)


def record_step(item, step, *, actor, note="", at=None, change=None, check=None, data=None):
    """A ledger's own step (declared in its app) with the engine's locking, rule, event and audit."""
    return transition(item, actor=actor, action=step.key, refusal=step.refusal, note=note,
                      at=at, change=change, check=check, data=data)
