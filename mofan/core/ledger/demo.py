"""Demo helper: run a ledger item through the engine to a chosen fate, with past dates.

Every step goes through the ``do_*`` functions (so the demo timeline, audit rows and
indicator fields are exactly what real use would give). Staff without an account act
through a named system actor; the demo accounts (wgxlj_admin, wgxlj_bgs ...) act as
themselves.
"""

import datetime as dt

from django.utils import timezone

from mofan.accounts.models import User
from mofan.core import ledger
from mofan.core.calendar.services import calendar_of_item
from mofan.core.ledger.models import LedgerEvent
from mofan.core.ledger.states import actor_name, is_system
from mofan.core.scoping import ORG_ADMIN

FATES = [
    # (fate, weight)
    ("registered", 3),
    ("assigned", 4),
    ("in_progress", 6),
    ("extended", 3),
    ("submitted", 4),
    ("returned", 3),
    ("closed", 55),
    ("closed_late", 10),
    ("returned_closed", 8),
]


def pick_fate(rng, fates=FATES):
    return rng.choices([f for f, _ in fates], weights=[w for _, w in fates])[0]


def moment(day: dt.date, rng, lo=8, hi=17) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(
        day, dt.time(rng.randint(lo, hi), rng.choice((0, 10, 20, 30, 40, 50)))))


def actor_for_person(person):
    user = User.objects.filter(person=person, is_active=True).first()
    return user or ledger.system_actor(f"{person.name}（演示）")


def keeper_for(organ):
    user = User.objects.filter(org=organ, role=ORG_ADMIN, is_active=True).order_by("id").first()
    return user or ledger.system_actor(f"{organ.short_name or organ.name}办公室（演示）")


RESULTS = [
    "已按要求办理完毕，并向当事人反馈办理结果。",
    "经现场核实，问题已整改到位，当事人表示认可。",
    "已协调相关单位落实，形成长效机制。",
    "已电话答复并上门解释政策，当事人表示理解。",
]
RETURN_REASONS = [
    "办理结果未附现场照片，请补充佐证后重新申请销号。",
    "答复内容未回应群众主要诉求，请重新办理。",
    "整改措施不具体，请细化完成时限和责任人。",
]
NOTES = ["已联系当事人了解具体情况。", "已会同相关股室现场查看。", "正在协调资金和人员。"]



def _submitted_on(item, day, total, late, rng, wd):
    """The day the owner submits: past the deadline for a late close, else within the
    time allowed (play and BulkPlayer draw it alike, so a seed gives the same year)."""
    if late:
        return wd(item.deadline, rng.randint(1, 6))
    done = wd(day, rng.randint(0, max(0, min(total, 10) - 1))) if total else day
    return min(done, item.deadline) if item.deadline >= day else day

def play(item, fate, *, world, keeper, owner, owner_unit=None, results=RESULTS):
    """Register ``item`` (unsaved) and drive it to ``fate``. Returns the item."""
    rng = world.rng
    day = item.registered_on
    ledger.register_item(item, actor=keeper, at=moment(day, rng, 8, 8))
    if fate == "registered":
        return item
    calendar = calendar_of_item(item)
    wd = lambda d, n: calendar.due(d, n).date  # noqa: E731
    day = wd(day, rng.choice((0, 0, 1)))
    ledger.do_assign(item, actor=keeper, owner=owner, owner_unit=owner_unit,
                     at=moment(day, rng, 9, 9), note="请按时限办理并及时反馈。")
    if fate == "assigned":
        return item
    me = actor_for_person(owner)
    day = wd(day, rng.choice((0, 1)))
    ledger.do_accept(item, actor=me, at=moment(day, rng, 10, 11))
    if rng.random() < 0.4:
        ledger.do_note(item, actor=me, note=rng.choice(NOTES), at=moment(day, rng, 12, 13))
    if fate == "in_progress":
        return item
    if fate == "extended":
        new = wd(item.deadline, rng.randint(3, 8))
        ledger.do_request_extension(item, actor=me, new_deadline=new, at=moment(day, rng, 14, 15),
                                    reason="涉及多个部门协调，需延长办理时限。")
        ledger.do_approve_extension(item, actor=keeper, at=moment(wd(day, 1), rng, 9, 11),
                                    note="同意延期。")
        return item
    total = ledger.deadline_days(item)
    late = fate == "closed_late"
    done = _submitted_on(item, day, total, late, rng, wd)
    ledger.do_submit(item, actor=me, result=rng.choice(results), at=moment(done, rng, 14, 16))
    if fate == "submitted":
        return item
    if fate in ("returned", "returned_closed"):
        done = wd(done, 1)
        ledger.do_return(item, actor=keeper, reason=rng.choice(RETURN_REASONS),
                         at=moment(done, rng, 9, 10))
        if fate == "returned":
            return item
        done = wd(done, rng.randint(1, 2))
        ledger.do_submit(item, actor=me, result=rng.choice(results) + "已补充佐证材料。",
                         at=moment(done, rng, 14, 16))
    ledger.do_close(item, actor=keeper, at=moment(wd(done, 1), rng, 9, 11),
                    note="经核实，同意销号。")
    return item


def after(item, days=1):
    """A datetime a few working days after the item's last step."""
    event = getattr(item, "_last_event", None)
    last = event.at if event else (item.closed_at or item.submitted_at or timezone.now())
    return timezone.make_aware(dt.datetime.combine(
        calendar_of_item(item).due(timezone.localdate(last), days).date, dt.time(10, 0)))


# --------------------------------------------------------------- the county's bulk player


class BulkPlayer:
    """``play`` for the county's many items: the same fates, fields and timeline events the
    ``do_*`` functions would write (same rng draws, so a test compares the two), kept in
    memory and written with ``bulk_create`` a batch at a time. No audit rows: a demo load is
    not anybody's action, and replaying the hash chain row by row is what makes it slow.

    ``step(item, action, at, ...)`` records a ledger's own step (a follow-up visit, a rating) the same way.
    Call ``flush()`` at the end (and it runs itself every ``batch`` items)."""

    def __init__(self, model, *, batch=2000):
        from django.contrib.contenttypes.models import ContentType

        self.model, self.batch = model, batch
        self.content_type = ContentType.objects.get_for_model(model)
        self.pending: list = []
        self.count = 0
        self._calendars: dict = {}
        self._days: dict = {}
        self._actors: dict = {}

    # --- what the engine computes, cached per organ
    def calendar(self, item):
        organ = item.org.organ_id or item.org_id
        if organ not in self._calendars:
            self._calendars[organ] = calendar_of_item(item)
        return self._calendars[organ]

    def days(self, item) -> int:
        key = (item.org.organ_id or item.org_id, item.deadline_kind())
        if key not in self._days:
            self._days[key] = ledger.deadline_days(item)
        return self._days[key]

    def actor(self, person):
        if person.pk not in self._actors:
            self._actors[person.pk] = actor_for_person(person)
        return self._actors[person.pk]

    # --- one step, in memory
    def step(self, item, action, at, *, actor, note="", data=None, change=None):
        """Apply ``change(item)`` and add the timeline event, as ``transition`` does."""
        from_state = item.state
        if action != "register":
            item.deadline_moved_from = None
            item.version += 1
        if change:
            change(item)
        item.last_action = action
        events = item.__dict__.setdefault("_bulk_events", [])
        events.append(LedgerEvent(
            content_type=self.content_type, org_id=item.org_id, action=action,
            from_state="" if action == "register" else from_state, to_state=item.state,
            actor=None if is_system(actor) else actor,
            actor_name=actor_name(actor)[:100], at=at, note=note, data=data or {}))
        item._last_event = events[-1]
        return item

    def register(self, item, *, actor, at, note=""):
        item.state = ledger.REGISTERED
        self.step(item, "register", at, actor=actor, note=note)
        self.pending.append(item)
        if len(self.pending) >= self.batch:
            self.flush()
        return item

    def play(self, item, fate, *, rng, keeper, owner, owner_unit=None, results=RESULTS):
        """``play`` without the database: register ``item`` (unsaved) and drive it to ``fate``."""
        day = item.registered_on
        self.register(item, actor=keeper, at=moment(day, rng, 8, 8))
        if fate == "registered":
            return item
        calendar = self.calendar(item)
        wd = lambda d, n: calendar.due(d, n).date  # noqa: E731
        day = wd(day, rng.choice((0, 0, 1)))

        def assign(it):
            it.owner_id = owner.pk
            it.owner_unit_id = (owner_unit or owner.org).pk
            it.assigned_on = day
            due = calendar.due(day, self.days(it))
            it.deadline, it.deadline_provisional = due.date, bool(due.provisional)
            it.state = ledger.ASSIGNED
            it.ext_deadline, it.ext_reason = None, ""

        self.step(item, "assign", moment(day, rng, 9, 9), actor=keeper,
                  note="请按时限办理并及时反馈。", data={"owner": owner.name}, change=assign)
        if fate == "assigned":
            return item
        me = self.actor(owner)
        day = wd(day, rng.choice((0, 1)))
        at = moment(day, rng, 10, 11)

        def accept(it):
            it.state, it.accepted_at = ledger.IN_PROGRESS, at

        self.step(item, "accept", at, actor=me, change=accept)
        if rng.random() < 0.4:
            note = rng.choice(NOTES)  # drawn before the time, as ``play``'s arguments are
            self.step(item, "note", moment(day, rng, 12, 13), actor=me, note=note)
        if fate == "in_progress":
            return item
        if fate == "extended":
            new = wd(item.deadline, rng.randint(3, 8))
            reason = "涉及多个部门协调，需延长办理时限。"

            def request(it):
                it.ext_deadline, it.ext_reason = new, reason

            self.step(item, "request_extension", moment(day, rng, 14, 15), actor=me, note=reason,
                      data={"to": new.isoformat()}, change=request)

            def approve(it):
                it.deadline, it.deadline_provisional = it.ext_deadline, False
                it.ext_deadline, it.ext_reason = None, ""

            self.step(item, "approve_extension", moment(wd(day, 1), rng, 9, 11), actor=keeper,
                      note="同意延期。", data={"to": str(new)}, change=approve)
            return item
        total = self.days(item)
        done = _submitted_on(item, day, total, fate == "closed_late", rng, wd)
        self.submit(item, actor=me, result=rng.choice(results), at=moment(done, rng, 14, 16))
        if fate == "submitted":
            return item
        if fate in ("returned", "returned_closed"):
            done = wd(done, 1)
            reason = rng.choice(RETURN_REASONS)

            def back(it):
                it.state = ledger.IN_PROGRESS
                it.return_count += 1

            self.step(item, "return", moment(done, rng, 9, 10), actor=keeper, note=reason,
                      change=back)
            if fate == "returned":
                return item
            done = wd(done, rng.randint(1, 2))
            self.submit(item, actor=me, result=rng.choice(results) + "已补充佐证材料。",
                        at=moment(done, rng, 14, 16))
        self.close(item, actor=keeper, at=moment(wd(done, 1), rng, 9, 11),
                   note="经核实，同意销号。")
        return item

    def submit(self, item, *, actor, result, at):
        def change(it):
            it.state, it.result, it.submitted_at = ledger.SUBMITTED, result, at

        return self.step(item, "submit", at, actor=actor, note=result, change=change)

    def close(self, item, *, actor, at, note=""):
        def change(it):
            it.state, it.closed_at = ledger.CLOSED, at
            done = timezone.localdate(it.submitted_at or at)
            it.closed_on_time = bool(it.deadline is None or done <= it.deadline)
            start = it.assigned_on or it.registered_on
            it.days_to_close = max(0, (timezone.localdate(at) - start).days)

        return self.step(item, "close", at, actor=actor, note=note, change=change)

    def reopen(self, item, *, actor, at, reason, data=None):
        def change(it):
            it.state = ledger.IN_PROGRESS
            it.closed_at, it.closed_on_time, it.days_to_close = None, None, None
            it.reopen_count += 1

        return self.step(item, "reopen", at, actor=actor, note=reason, data=data, change=change)

    def after(self, item, days=1):
        """``after`` for an item not saved yet."""
        last = item._last_event.at
        return timezone.make_aware(dt.datetime.combine(
            self.calendar(item).due(timezone.localdate(last), days).date, dt.time(10, 0)))

    # --- to the database
    def flush(self):
        """Write the pending items, then their timelines (events need the items' ids)."""
        if not self.pending:
            return
        items, self.pending = self.pending, []
        self.model.objects.bulk_create(items, batch_size=self.batch)
        events = []
        for item in items:
            for event in item.__dict__.pop("_bulk_events"):
                event.object_id = item.pk
                events.append(event)
        LedgerEvent.objects.bulk_create(events, batch_size=self.batch)
        self.count += len(items)


def fates_for(diligence, fates=FATES):
    """``fates`` weighted by an organ's diligence (0 … 1): a diligent organ closes more of
    its items and on time; a slack one leaves more open, late or returned."""
    done = {"closed", "returned_closed"}
    return [(f, w * (0.5 + diligence) if f in done else w * (1.6 - diligence))
            for f, w in fates]
