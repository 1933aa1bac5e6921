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
    if late:
        done = wd(item.deadline, rng.randint(1, 6))
    else:
        done = wd(day, rng.randint(0, max(0, min(total, 10) - 1))) if total else day
        done = min(done, item.deadline) if item.deadline >= day else day
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
