"""Work calendar: which days count as working days for time limits (specs/ledgers.md).

Sources, in order of precedence:

1. ``overrides`` — a mapping ``date -> kind`` supplied by the caller (maintained by staff
   in the "工作日历" table). An override always wins, also for years the package knows.
2. the ``chinesecalendar`` package (import name ``chinese_calendar``), which carries the
   State Council holiday arrangements for the years in :func:`known_years`.
3. for a year the package does not know but for which ``overrides`` holds at least one
   date, the year counts as maintained: its dates without an override fall back to the
   weekday rule (Mon–Fri ``workday``, Sat/Sun ``restday``). So staff only need to enter
   the statutory holidays and the adjusted working days (调休上班) of a new year.

A year that is neither known to the package nor maintained raises :class:`CalendarUnknown`;
we never guess a deadline by weekday alone for such a year.

Kinds: ``"workday"`` (including an adjusted Saturday/Sunday working day), ``"holiday"``
(a day off belonging to a statutory holiday period, weekends inside the period included)
and ``"restday"`` (an ordinary weekend).
"""

import datetime as dt
from collections.abc import Callable, Mapping
from functools import lru_cache

import chinese_calendar
from chinese_calendar import constants as _cc_constants

WORKDAY = "workday"
RESTDAY = "restday"
HOLIDAY = "holiday"
KINDS = (WORKDAY, RESTDAY, HOLIDAY)

_ONE_DAY = dt.timedelta(days=1)


class CalendarUnknown(Exception):
    """The holiday arrangement of a year is neither in the package nor maintained."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"{year} 年的法定节假日安排尚未录入，请在“工作日历”中维护")


def known_years() -> range:
    """Years whose arrangement ships with the installed ``chinesecalendar`` package."""
    # Same bounds the package itself validates against.
    years = [d.year for d in _cc_constants.holidays]
    return range(min(years), max(years) + 1)


@lru_cache(maxsize=64)
def _package_year(year: int) -> tuple[str, ...]:
    """Kind of every day of ``year`` (index = day of year - 1), from the package."""
    kinds = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        if chinese_calendar.is_workday(day):
            kinds.append(WORKDAY)
        else:
            # A day off that carries a holiday name belongs to a statutory holiday period.
            _, name = chinese_calendar.get_holiday_detail(day)
            kinds.append(HOLIDAY if name else RESTDAY)
        day += _ONE_DAY
    return tuple(kinds)


def _as_date(d: dt.date) -> dt.date:
    return d.date() if isinstance(d, dt.datetime) else d


def _resolver(overrides: Mapping[dt.date, str] | None) -> Callable[[dt.date], str]:
    """Build the day -> kind function once per public call (overrides scanned once)."""
    overrides = dict(overrides or {})
    for day, kind in overrides.items():
        if kind not in KINDS:
            raise ValueError(f"工作日历中 {day} 的类型“{kind}”无效")
    maintained = {day.year for day in overrides}
    package = known_years()

    def kind_of(day: dt.date) -> str:
        kind = overrides.get(day)
        if kind is not None:
            return kind
        if day.year in package:
            return _package_year(day.year)[day.timetuple().tm_yday - 1]
        if day.year in maintained:
            return WORKDAY if day.weekday() < 5 else RESTDAY
        raise CalendarUnknown(day.year)

    return kind_of


def day_kind(d: dt.date, overrides: Mapping[dt.date, str] | None = None) -> str:
    """``"workday"``, ``"restday"`` or ``"holiday"`` for ``d`` (see module docstring).

    ``overrides`` win over the package; a year present in ``overrides`` but unknown to
    the package falls back to the weekday rule for dates not overridden. Raises
    :class:`CalendarUnknown` for a year neither known nor maintained.
    """
    return _resolver(overrides)(_as_date(d))


def is_workday(d: dt.date, overrides: Mapping[dt.date, str] | None = None) -> bool:
    return day_kind(d, overrides) == WORKDAY


def add_working_days(d: dt.date, n: int, overrides: Mapping[dt.date, str] | None = None) -> dt.date:
    """The deadline ``n`` working days after ``d``; ``d`` itself is not counted.

    ``n == 0`` ("same day") gives ``d`` when it is a working day, otherwise the next
    working day. Raises ``ValueError`` for negative ``n`` and :class:`CalendarUnknown`
    when the count runs into a year that is neither known nor maintained.
    """
    if n < 0:
        raise ValueError("工作日天数不能为负数")
    kind_of = _resolver(overrides)
    day = _as_date(d)
    if n == 0:
        while kind_of(day) != WORKDAY:
            day += _ONE_DAY
        return day
    remaining = n
    while remaining:
        day += _ONE_DAY
        if kind_of(day) == WORKDAY:
            remaining -= 1
    return day


def working_days_between(
    a: dt.date, b: dt.date, overrides: Mapping[dt.date, str] | None = None
) -> int:
    """Working days in the half-open interval ``(a, b]``.

    ``a == b`` gives 0. When ``b`` is before ``a`` the result is the negated count of
    working days in ``(b, a]``, so ``working_days_between(deadline, today) > 5`` reads
    "more than five working days overdue" and stays antisymmetric.
    """
    start, end = _as_date(a), _as_date(b)
    if end < start:
        return -working_days_between(end, start, overrides)
    kind_of = _resolver(overrides)
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        if kind_of(day) == WORKDAY:
            count += 1
        day += _ONE_DAY
    return count
