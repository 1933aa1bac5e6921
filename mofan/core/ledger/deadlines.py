"""An item's time limit: the organ's 办理时限 rule or the ledger's declared default, in
working days of the organ's calendar."""

import datetime as dt

from mofan.core.calendar.services import calendar_of_item
from mofan.core.workcalendar import Due

from .models import DeadlineRule
from .registry import ledger_of


def deadline_days(item) -> int:
    kind = item.deadline_kind()
    organ_id = item.org.organ_id or item.org_id
    rules = dict(DeadlineRule.objects.filter(
        org_id=organ_id, ledger=ledger_of(item).key, kind__in={kind, ""}
    ).values_list("kind", "days"))
    declared = ledger_of(item).days
    for source in (rules, declared):
        if kind in source:
            return source[kind]
    return rules.get("", ledger_of(item).default_days(""))


def due_date(item, start: dt.date) -> Due:
    """``start`` plus the item's time limit; provisional when it runs through a year
    whose holiday schedule is not known yet. Never refuses."""
    return calendar_of_item(item).due(start, deadline_days(item))
