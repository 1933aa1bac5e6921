"""Ledger workflow (定向销号, DESIGN.md mechanism 2; specs/ledgers.md).

One abstract model, ``LedgerItem``, carries the workflow fields; each ledger (创建任务,
民情台账, 纾困解难诉求, 巡察整改) is a concrete subclass with its own fields, registered
with :func:`register`. Every transition is a ``do_<action>(item, *, actor, ...)``
function that

* runs in one transaction, re-reads the row ``SELECT ... FOR UPDATE`` and writes it back
  with ``UPDATE ... WHERE version = <the version the actor saw>`` (compare-and-swap), so
  of two people acting on the same item at once one wins and the other gets a clear
  message — on PostgreSQL and on SQLite alike, nothing is lost;
* checks who may act (see "Who may act" below) and from which state;
* writes a :class:`~mofan.core.models.LedgerEvent` (the timeline) and an audit row
  (``record("transition", ...)``) with the item before and after.

An illegal action raises :class:`LedgerError` with a Chinese message and changes nothing.

States: 登记 → 交办 → 办理中 → 申请销号 → 已销号; 退回 sends 申请销号 back to 办理中;
延期 (request by the owner, approval by the keeper) while 交办/办理中; 重办 reopens a
closed item to 办理中.

Who may act:

* **keeper** (台账管理员): a 单位管理员 or 负责人 whose org is the item's registering org
  (``item.org``) or above it. Keepers register, assign (交办/改派), approve extensions,
  return, close, reopen and send 催办. A keeper never closes, returns or approves an
  extension of an item he owns himself (审核与办理分离).
* **owner** (责任人): the person the item is assigned to (``item.owner``), through his
  account. Owners accept, note progress, request an extension and submit the result.
* 工委管理员 see the items of the organs under them but do not act on them.

Overdue = 交办/办理中 with the deadline before today, computed in the query
(``LedgerQuerySet.with_overdue``). Once the owner has submitted, the item no longer runs
overdue: the time limit binds the owner, not the keeper's review.
"""

import datetime as dt
import os

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from mofan.audit.services import record, snapshot

from .files import check_upload
from .scoping import HEAD, ORG_ADMIN, Scope, ScopedModel, ScopedQuerySet
from .workcalendar import CalendarUnknown, add_working_days

REGISTERED = "registered"
ASSIGNED = "assigned"
IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
CLOSED = "closed"
STATE_CHOICES = [
    (REGISTERED, "登记"),
    (ASSIGNED, "交办"),
    (IN_PROGRESS, "办理中"),
    (SUBMITTED, "申请销号"),
    (CLOSED, "已销号"),
]
STATE_LABELS = dict(STATE_CHOICES)
OPEN_STATES = (REGISTERED, ASSIGNED, IN_PROGRESS, SUBMITTED)
RUNNING_STATES = (ASSIGNED, IN_PROGRESS)  # the owner's clock is running

ACTION_LABELS = {
    "register": "登记",
    "import": "导入",
    "assign": "交办",
    "accept": "签收",
    "note": "进展",
    "request_extension": "申请延期",
    "approve_extension": "同意延期",
    "reject_extension": "不同意延期",
    "submit": "申请销号",
    "return": "退回",
    "close": "销号",
    "reopen": "重办",
    "urge": "催办",
    "visit": "回访",
    "rate": "评定",
}

# Working days per ledger and item kind (specs/ledgers.md); organs override them in
# the 办理时限 table (core.DeadlineRule).
DEFAULT_DAYS = {
    "appeals": {"urgent": 0, "consult": 3, "help": 3, "complaint": 13, "suggestion": 13,
                "": 13},
    "tasks": {"": 20},
    "enterprise": {"": 10},
    "rectification": {"": 40},
}
OVERDUE_FLAG_DAYS = 5  # overdue by more than this many working days: flagged for 通报



class LedgerError(Exception):
    """An action that may not happen; the message is shown to the user as is."""


class _System:
    """The actor of the demo loader and of code paths with no person behind them."""

    pk = None
    person_id = None
    role = "system"
    is_active = True
    username = "system"
    display_name = "系统"

    def __init__(self, name="系统"):
        self.display_name = name


SYSTEM = _System()


def system_actor(name: str) -> _System:
    """A named system actor (the demo acts "as" staff who have no account)."""
    return _System(name)


# ------------------------------------------------------------------ models


class LedgerQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """The scope rule, plus: a unit head sees what was assigned to his unit."""
        q = self._scope().view_q(user)
        if (user.is_authenticated and user.is_active and user.org_id
                and user.role in (ORG_ADMIN, HEAD)):
            q |= Q(owner_unit__path__startswith=user.org.path)
        return self.filter(q)

    def with_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.annotate(is_overdue=ExpressionWrapper(
            Q(state__in=RUNNING_STATES, deadline__lt=today), output_field=BooleanField()))

    def overdue(self, today=None):
        return self.filter(state__in=RUNNING_STATES, deadline__lt=today or timezone.localdate())

    def registered_in(self, period):
        return self.filter(registered_on__gte=period.start, registered_on__lte=period.end)


class LedgerItem(ScopedModel):
    ledger_key = ""  # "appeals", ... : the DEFAULT_DAYS / DeadlineRule key

    org = models.ForeignKey("orgs.Org", verbose_name="登记单位", on_delete=models.PROTECT,
                            related_name="+", editable=False)
    title = models.CharField("事项", max_length=200)
    state = models.CharField("状态", max_length=20, choices=STATE_CHOICES, default=REGISTERED,
                             editable=False)
    owner = models.ForeignKey("orgs.Person", verbose_name="责任人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", editable=False)
    owner_unit = models.ForeignKey("orgs.Org", verbose_name="责任单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    registered_on = models.DateField("登记日期", default=timezone.localdate)
    assigned_on = models.DateField("交办日期", null=True, blank=True, editable=False)
    deadline = models.DateField("办理时限", null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField("申请销号时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True, editable=False)
    result = models.TextField("办理结果", blank=True, editable=False)
    closed_on_time = models.BooleanField("按期办结", null=True, editable=False)
    days_to_close = models.PositiveIntegerField("办结用时（天）", null=True, editable=False)
    ext_deadline = models.DateField("申请延期至", null=True, blank=True, editable=False)
    ext_reason = models.CharField("延期理由", max_length=300, blank=True, editable=False)
    urged_at = models.DateTimeField("催办时间", null=True, blank=True, editable=False)
    last_action = models.CharField("最近操作", max_length=20, blank=True, editable=False)
    return_count = models.PositiveSmallIntegerField("退回次数", default=0, editable=False)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    # Deleting an item (allowed only while 登记) takes its timeline and evidence with it.
    ledger_events = GenericRelation("core.LedgerEvent")
    ledger_files = GenericRelation("core.LedgerFile")

    scope = Scope(org="org", people=("owner",))
    objects = LedgerQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-registered_on", "-id"]

    def __str__(self):
        return self.title

    # --- read helpers for templates
    @property
    def state_label(self):
        return STATE_LABELS.get(self.state, self.state)

    @property
    def overdue_now(self):
        if hasattr(self, "is_overdue"):
            return self.is_overdue
        return bool(self.state in RUNNING_STATES and self.deadline
                    and self.deadline < timezone.localdate())

    @property
    def overdue_label(self):
        return "逾期" if self.overdue_now else ""

    @property
    def closed_on(self):
        return timezone.localdate(self.closed_at) if self.closed_at else None

    @property
    def returned(self):
        return self.state == IN_PROGRESS and self.last_action == "return"

    def deadline_kind(self) -> str:
        """The DEFAULT_DAYS / DeadlineRule kind of this item ("" = the ledger default)."""
        return ""

    def can_edit(self, user) -> bool:
        # Registration details are edited before 交办 only; afterwards the workflow rules.
        return self.state == REGISTERED and is_keeper(user, self)


LEDGERS: dict[str, type[LedgerItem]] = {}


def register(model, *, list_url: str, detail_url: str, act_url: str):
    model.ledger_urls = {"list": list_url, "detail": detail_url, "act": act_url}
    model.ledger_title = str(model._meta.verbose_name)
    LEDGERS[model.ledger_key] = model
    return model


# ------------------------------------------------------------------ deadlines


def deadline_days(item) -> int:
    from .models import DeadlineRule

    kind = item.deadline_kind()
    organ_id = item.org.organ_id or item.org_id
    rules = dict(DeadlineRule.objects.filter(org_id=organ_id, ledger=item.ledger_key,
                                             kind__in={kind, ""}).values_list("kind", "days"))
    defaults = DEFAULT_DAYS.get(item.ledger_key, {"": 10})
    for source in (rules, defaults):
        if kind in source:
            return source[kind]
    return rules.get("", defaults.get("", 10))


def due_date(item, start: dt.date) -> dt.date:
    """``start`` plus the item's time limit in working days of its organ's calendar."""
    from .models import calendar_overrides

    try:
        return add_working_days(start, deadline_days(item),
                                calendar_overrides(item.org.organ_id or item.org_id))
    except CalendarUnknown as exc:
        raise LedgerError(str(exc)) from exc


# ------------------------------------------------------------------ permissions


def is_keeper(user, item) -> bool:
    if user is SYSTEM or isinstance(user, _System):
        return True
    return bool(
        getattr(user, "is_active", False) and user.role in (ORG_ADMIN, HEAD) and user.org_id
        and item.org.path.startswith(user.org.path)
    )


def is_owner(user, item) -> bool:
    if isinstance(user, _System):
        return True
    return bool(getattr(user, "is_active", False) and user.person_id
                and item.owner_id == user.person_id)


# action -> (states it may start from, who: "keeper" / "owner" / "either")
RULES = {
    "assign": ((REGISTERED, ASSIGNED), "keeper"),
    "accept": ((ASSIGNED,), "owner"),
    "note": ((ASSIGNED, IN_PROGRESS, SUBMITTED), "either"),
    "request_extension": ((ASSIGNED, IN_PROGRESS), "owner"),
    "approve_extension": ((ASSIGNED, IN_PROGRESS), "keeper"),
    "submit": ((IN_PROGRESS,), "owner"),
    "return": ((SUBMITTED,), "keeper"),
    "close": ((SUBMITTED,), "keeper"),
    "reopen": ((CLOSED,), "keeper"),
    "urge": ((ASSIGNED, IN_PROGRESS), "keeper"),
}
_SEPARATED = {"close", "return", "approve_extension"}  # a keeper may not review his own item
_WHO_LABEL = {"keeper": "台账管理员（交办单位的单位管理员或负责人）",
              "owner": "责任人本人", "either": "责任人或台账管理员"}


def refusal(item, user, action) -> str:
    """Why ``user`` may not take ``action`` on ``item`` now ("" when he may)."""
    states, who = RULES[action]
    label = ACTION_LABELS[action]
    keeper, owner = is_keeper(user, item), is_owner(user, item)
    allowed = {"keeper": keeper, "owner": owner, "either": keeper or owner}[who]
    if not allowed:
        return f"只有{_WHO_LABEL[who]}可以{label}"
    if item.state not in states:
        return f"事项当前为“{item.state_label}”，不能{label}"
    if (action in _SEPARATED and not isinstance(user, _System) and user.person_id
            and item.owner_id == user.person_id):
        return f"本人承办的事项不能由本人{label}，请由其他管理员审核"
    if action == "request_extension" and item.ext_deadline:
        return "已有一项延期申请等待审批"
    if action == "approve_extension" and not item.ext_deadline:
        return "没有待审批的延期申请"
    return ""


def allowed_actions(item, user) -> list[tuple[str, str]]:
    return [(a, ACTION_LABELS[a]) for a in RULES if not refusal(item, user, a)]


# ------------------------------------------------------------------ the engine

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
    from .models import LedgerEvent

    last = (LedgerEvent.objects
            .filter(content_type=ContentType.objects.get_for_model(model), object_id=fresh.pk)
            .order_by("-at", "-id").first())
    who = (f"已被{last.actor_name}于 {timezone.localtime(last.at):%m-%d %H:%M} "
           f"{last.action_label}") if last else "已被他人处理"
    return (f"该事项{who}，当前状态为“{fresh.state_label}”。"
            "您的操作未执行，请刷新页面查看最新情况后再操作。")


def _actor_name(actor):
    if isinstance(actor, _System):
        return actor.display_name
    return f"{actor.display_name}（{actor.username}）"


def transition(item, *, actor, action, note="", at=None, event_action=None, data=None,
               change=None, check=None):
    """Run one workflow step on ``item`` (see the module docstring).

    ``check(fresh)`` may raise LedgerError for action-specific rules; ``change(fresh, at)``
    mutates the locked fresh copy. ``item`` is refreshed in place and returned.
    """
    from .models import LedgerEvent

    model = type(item)
    at = at or timezone.now()
    with transaction.atomic():
        try:
            fresh = model.objects.select_for_update().get(pk=item.pk)
        except model.DoesNotExist as exc:
            raise LedgerError("该事项已不存在") from exc
        if fresh.version != item.version:
            raise LedgerError(_stale_message(model, fresh))
        reason = refusal(fresh, actor, action) if action in RULES else ""
        if reason:
            raise LedgerError(reason)
        if check:
            check(fresh)
        before = _snapshot(fresh)
        from_state = fresh.state
        if change:
            change(fresh, at)
        fresh.last_action = event_action or action
        fresh.version = item.version + 1
        values = {f.attname: getattr(fresh, f.attname) for f in _concrete_fields(model)}
        if not model.objects.filter(pk=fresh.pk, version=item.version).update(**values):
            raise LedgerError(_stale_message(model, model.objects.get(pk=fresh.pk)))
        event = LedgerEvent.objects.create(
            content_type=ContentType.objects.get_for_model(model), object_id=fresh.pk,
            org_id=fresh.org_id, action=event_action or action, from_state=from_state,
            to_state=fresh.state, actor=None if isinstance(actor, _System) else actor,
            actor_name=_actor_name(actor)[:100], at=at, note=note, data=data or {},
        )
        label = f"{ACTION_LABELS.get(event.action, event.action)}：{fresh}"
        record("transition", fresh, before=before, after=_snapshot(fresh), label=label[:200],
               user=None if isinstance(actor, _System) else actor)
    for f in _concrete_fields(model):
        setattr(item, f.attname, getattr(fresh, f.attname))
    item._last_event = event
    return item


def _need(text, what):
    if not (text or "").strip():
        raise LedgerError(f"请填写{what}")
    return text.strip()


def register_item(item, *, actor, at=None, note=""):
    """Save a new item in 登记 and start its timeline (used by forms, imports and demo)."""
    from .models import LedgerEvent

    at = at or timezone.now()
    with transaction.atomic():
        item.state = REGISTERED
        item.last_action = "register"
        item.save()
        LedgerEvent.objects.create(
            content_type=ContentType.objects.get_for_model(type(item)), object_id=item.pk,
            org_id=item.org_id, action="register", to_state=REGISTERED,
            actor=None if isinstance(actor, _System) else actor,
            actor_name=_actor_name(actor)[:100], at=at, note=note)
    return item


def do_assign(item, *, actor, owner, owner_unit=None, deadline=None, note="", at=None):
    """交办 (or 改派 before acceptance): owner, unit and a deadline (default: the time
    limit in working days from the assignment day)."""
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
        fresh.deadline = deadline or due_date(fresh, day)
        fresh.state = ASSIGNED
        fresh.ext_deadline, fresh.ext_reason = None, ""

    return transition(item, actor=actor, action="assign", note=note, at=at, check=check,
                      change=change, data={"owner": owner.name})


def do_accept(item, *, actor, note="", at=None):
    def change(fresh, at):
        fresh.state, fresh.accepted_at = IN_PROGRESS, at

    return transition(item, actor=actor, action="accept", note=note, at=at, change=change)


def do_note(item, *, actor, note, at=None):
    note = _need(note, "进展情况")
    return transition(item, actor=actor, action="note", note=note, at=at)


def do_request_extension(item, *, actor, new_deadline, reason, at=None):
    reason = _need(reason, "延期理由")

    def check(fresh):
        if new_deadline is None or (fresh.deadline and new_deadline <= fresh.deadline):
            raise LedgerError("申请的新时限必须晚于现在的办理时限")

    def change(fresh, at):
        fresh.ext_deadline, fresh.ext_reason = new_deadline, reason[:300]

    return transition(item, actor=actor, action="request_extension", note=reason, at=at,
                      check=check, change=change, data={"to": new_deadline.isoformat()})


def do_approve_extension(item, *, actor, approve=True, note="", at=None):
    def change(fresh, at):
        if approve:
            fresh.deadline = fresh.ext_deadline
        fresh.ext_deadline, fresh.ext_reason = None, ""

    if not approve:
        note = _need(note, "不同意的理由")
    return transition(item, actor=actor, action="approve_extension", note=note, at=at,
                      event_action="approve_extension" if approve else "reject_extension",
                      change=change, data={"to": str(item.ext_deadline or "")})


def do_submit(item, *, actor, result, files=(), at=None):
    """申请销号 with the result; evidence files are optional (checked before anything)."""
    result = _need(result, "办理结果")
    for f in files:
        check_evidence(f)

    def change(fresh, at):
        fresh.state, fresh.result, fresh.submitted_at = SUBMITTED, result, at

    item = transition(item, actor=actor, action="submit", note=result, at=at, change=change)
    for f in files:
        attach(item, f, event=item._last_event)
    return item


def do_return(item, *, actor, reason, at=None):
    reason = _need(reason, "退回理由")

    def change(fresh, at):
        fresh.state = IN_PROGRESS
        fresh.return_count += 1

    return transition(item, actor=actor, action="return", note=reason, at=at, change=change)


def do_close(item, *, actor, note="", at=None):
    def change(fresh, at):
        fresh.state, fresh.closed_at = CLOSED, at
        done = timezone.localdate(fresh.submitted_at or at)
        fresh.closed_on_time = bool(fresh.deadline is None or done <= fresh.deadline)
        start = fresh.assigned_on or fresh.registered_on
        fresh.days_to_close = max(0, (timezone.localdate(at) - start).days)

    return transition(item, actor=actor, action="close", note=note, at=at, change=change)


def do_reopen(item, *, actor, reason, at=None, event_action=None, data=None):
    reason = _need(reason, "重办理由")

    def change(fresh, at):
        fresh.state = IN_PROGRESS
        fresh.closed_at, fresh.closed_on_time, fresh.days_to_close = None, None, None
        fresh.reopen_count += 1

    return transition(item, actor=actor, action="reopen", note=reason, at=at, change=change,
                      event_action=event_action, data=data)


def do_urge(item, *, actor, note="", at=None):
    """催办: a reminder the owner sees on 我的待办 until he acts."""

    def change(fresh, at):
        fresh.urged_at = at

    return transition(item, actor=actor, action="urge", note=note or "请抓紧办理", at=at,
                      change=change)


def record_step(item, *, actor, action, note="", at=None, change=None, check=None, data=None):
    """A ledger-specific step (回访, 评定 ...) with the engine's locking, event and audit."""
    return transition(item, actor=actor, action=action, note=note, at=at, change=change,
                      check=check, data=data)


# ------------------------------------------------------------------ evidence


def check_evidence(upload):
    try:
        check_upload(upload)
    except ValidationError as exc:
        raise LedgerError(exc.messages[0]) from exc


def attach(item, upload, *, event=None):
    from .models import LedgerFile

    check_evidence(upload)
    return LedgerFile.objects.create(
        content_type=ContentType.objects.get_for_model(type(item)), object_id=item.pk,
        event=event, file=upload, original_name=os.path.basename(upload.name)[:200],
        size=upload.size)


# ------------------------------------------------------------------ reading


def timeline(item):
    from .models import LedgerEvent

    return (LedgerEvent.objects
            .filter(content_type=ContentType.objects.get_for_model(type(item)), object_id=item.pk)
            .prefetch_related("files"))


def files_of(item):
    from .models import LedgerFile

    return LedgerFile.objects.filter(
        content_type=ContentType.objects.get_for_model(type(item)), object_id=item.pk)


# ------------------------------------------------------------------ indicators


def define_indicators(model, label):
    """Register the five ``ledgers.<key>.*`` indicators of one ledger model."""
    from django.db.models import Avg, Count

    from .indicators import indicator, per_organ, rate, shared

    key = f"ledgers.{model.ledger_key}"

    def rows(organ_ids, period):
        return shared((model, tuple(organ_ids), period), lambda: _rows(organ_ids, period))

    def _rows(organ_ids, period):
        today = timezone.localdate()
        return per_organ(
            model.objects.registered_in(period), organ_ids, lambda r: r,
            total=Count("id"),
            closed=Count("id", filter=Q(state=CLOSED)),
            on_time=Count("id", filter=Q(state=CLOSED, closed_on_time=True)),
            overdue=Count("id", filter=Q(state__in=RUNNING_STATES, deadline__lt=today)),
            avg_days=Avg("days_to_close", filter=Q(state=CLOSED)),
        ).items()

    def src(extra=None):
        def sources(organ, period):
            qs = model.objects.filter(org__organ=organ).registered_in(period)
            return qs.filter(extra) if extra is not None else qs
        return sources

    @indicator(f"{key}.total", f"{label}登记数", "件", sources=src())
    def total(organ_ids, period):
        return {o: r["total"] for o, r in rows(organ_ids, period)}

    @indicator(f"{key}.closed", f"{label}办结数", "件", sources=src(Q(state=CLOSED)))
    def closed(organ_ids, period):
        return {o: r["closed"] for o, r in rows(organ_ids, period)}

    @indicator(f"{key}.closed_on_time_rate", f"{label}按期办结率", "%",
               sources=src(Q(state=CLOSED)))
    def closed_on_time_rate(organ_ids, period):
        return {o: rate(r["on_time"], r["closed"]) for o, r in rows(organ_ids, period)}

    @indicator(f"{key}.overdue_open", f"{label}逾期未办结数", "件",
               sources=lambda organ, period: model.objects.filter(
                   org__organ=organ).registered_in(period).overdue())
    def overdue_open(organ_ids, period):
        return {o: r["overdue"] for o, r in rows(organ_ids, period)}

    @indicator(f"{key}.avg_days_to_close", f"{label}平均办结天数", "天",
               sources=src(Q(state=CLOSED)))
    def avg_days_to_close(organ_ids, period):
        return {o: round(r["avg_days"] or 0, 1) for o, r in rows(organ_ids, period)}

    return total, closed, closed_on_time_rate, overdue_open, avg_days_to_close
