"""When a year's holiday schedule is entered, every open item whose deadline was
provisional is computed again; each change is a timeline event and an audit row, and
the item carries the old date so its keeper and owner see on 我的待办 that it moved."""

from django.dispatch import receiver

from mofan.core.calendar.models import CalendarYear
from mofan.core.calendar.services import schedule_entered

from .deadlines import due_date
from .engine import transition
from .registry import LEDGERS
from .states import OPEN_STATES, REGISTERED, SYSTEM


def _recompute(item) -> bool:
    due = due_date(item, item.assigned_on)
    if due.date == item.deadline and due.provisional:
        return False
    old = item.deadline

    def change(fresh, at):
        fresh.deadline, fresh.deadline_provisional = due.date, due.provisional
        fresh.deadline_moved_from = old if due.date != old else None

    note = (f"法定节假日安排已录入，办理时限由 {old:%Y-%m-%d} 调整为 {due.label}"
            if due.date != old else f"法定节假日安排已录入，办理时限 {due.label} 不变，不再暂定")
    transition(item, actor=SYSTEM, action="reschedule", note=note, change=change,
               data={"from": old.isoformat(), "to": due.date.isoformat()})
    return True


@receiver(schedule_entered, sender=CalendarYear, dispatch_uid="ledger_reschedule")
def recompute_provisional(sender, org, year, **kwargs) -> int:
    """Recompute the provisional deadlines of the items under ``org``; returns how many
    changed. (Every provisional item under the org is asked: its calendar may still be
    provisional for another year, in which case it stays as it is.)"""
    changed = 0
    for ledger in LEDGERS.values():
        items = (ledger.model.objects
                 .filter(deadline_provisional=True, org__path__startswith=org.path,
                         state__in=set(OPEN_STATES) - {REGISTERED}, assigned_on__isnull=False)
                 .select_related("org"))
        changed += sum(_recompute(item) for item in items)
    return changed
