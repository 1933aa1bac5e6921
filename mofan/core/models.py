"""Core's tables live beside the mechanism they serve; Django finds them here."""

from .calendar.models import CalendarOverride, CalendarYear
from .freshness import DataVersion
from .imports.models import ImportJob
from .ledger.models import DeadlineRule, LedgerEvent, LedgerFile

__all__ = ["CalendarOverride", "CalendarYear", "DataVersion", "DeadlineRule", "ImportJob", "LedgerEvent",
           "LedgerFile"]
