"""Work calendar: which days count as working days for time limits (DESIGN.md mechanism 7).

Each day's kind comes from the first source that knows it:

1. **entered** — the days an organ (or its 机关工委) entered: the year's official schedule
   (``entered_years``) and single-day overrides. An entered day always wins.
2. **package** — the ``chinesecalendar`` package, which carries the State Council's
   arrangements for the years in :func:`known_years`.
3. for a year whose schedule was entered, the days not listed are ordinary: Mon–Fri
   ``workday``, Sat/Sun ``restday``.
4. **computed** — a year nobody has published yet (the State Council's notice comes in the
   autumn, packages follow weeks later): weekends plus the statutory holidays that can be
   computed from 《全国年节及纪念日放假办法》 (2024 revision): 元旦, 春节 (除夕 to 初三),
   清明, 劳动节 (May 1–2), 端午, 中秋, 国庆 (Oct 1–3). 调休 cannot be computed. A date
   derived from such a day is **provisional** (暂定) until the year is entered.

So the calendar never refuses: a deadline is always computed, and says whether it is
provisional. Kinds: ``"workday"`` (an adjusted Saturday/Sunday working day included),
``"holiday"`` (a day off of a statutory holiday period) and ``"restday"`` (a weekend).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar
from chinese_calendar import constants as _cc_constants
from lunar_python import Lunar

WORKDAY = "workday"
RESTDAY = "restday"
HOLIDAY = "holiday"
KINDS = (WORKDAY, RESTDAY, HOLIDAY)

PACKAGE, ENTERED, COMPUTED = "package", "entered", "computed"
SOURCE_LABELS = {PACKAGE: "软件包", ENTERED: "已录入", COMPUTED: "推算（暂定）"}

# The statutory holidays in the order of the State Council's notice.
HOLIDAY_NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")

_ONE_DAY = dt.timedelta(days=1)


def known_years() -> range:
    """Years whose arrangement ships with the installed ``chinesecalendar`` package."""
    # Same bounds the package itself validates against.
    years = [d.year for d in _cc_constants.holidays]
    return range(min(years), max(years) + 1)


def _solar(lunar: Lunar) -> dt.date:
    s = lunar.getSolar()
    return dt.date(s.getYear(), s.getMonth(), s.getDay())


@lru_cache(maxsize=32)
def statutory_holidays(year: int) -> dict[str, tuple[dt.date, ...]]:
    """The legal days off of ``year`` that follow from the law alone, without 调休:
    {holiday name: its days}. 春节 runs from 除夕 (the eve, the day before 正月初一)
    to 初三; 清明 is the day of the solar term."""
    spring = _solar(Lunar.fromYmd(year, 1, 1))
    qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]

    def span(first: dt.date, days: int) -> tuple[dt.date, ...]:
        return tuple(first + dt.timedelta(days=i) for i in range(days))

    return {
        "元旦": (dt.date(year, 1, 1),),
        "春节": span(spring - _ONE_DAY, 4),
        "清明节": (dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()),),
        "劳动节": span(dt.date(year, 5, 1), 2),
        "端午节": (_solar(Lunar.fromYmd(year, 5, 5)),),
        "中秋节": (_solar(Lunar.fromYmd(year, 8, 15)),),
        "国庆节": span(dt.date(year, 10, 1), 3),
    }


@lru_cache(maxsize=32)
def _computed_holidays(year: int) -> dict[dt.date, str]:
    return {day: name for name, days in statutory_holidays(year).items() for day in days}


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


def _weekday_kind(day: dt.date) -> str:
    return WORKDAY if day.weekday() < 5 else RESTDAY


@dataclass(frozen=True)
class Due:
    """A date counted in working days, and whether a computed (unpublished) year went
    into it."""

    date: dt.date
    provisional: bool

    @property
    def label(self) -> str:
        return f"{self.date:%Y-%m-%d}" + ("（暂定）" if self.provisional else "")


class WorkCalendar:
    """One organ's calendar: its entered days (``overrides``: date -> kind, the committee's
    merged under the organ's own) and the years whose official schedule it entered."""

    def __init__(self, overrides: Mapping[dt.date, str] | None = None,
                 entered_years: Iterable[int] = (), notes: Mapping[dt.date, str] | None = None):
        self.overrides = dict(overrides or {})
        self.notes = dict(notes or {})  # what was entered with a day ("春节", "元旦调休上班")
        for day, kind in self.overrides.items():
            if kind not in KINDS:
                raise ValueError(f"工作日历中 {day} 的类型“{kind}”无效")
        self.entered_years = frozenset(entered_years)
        self._package = known_years()

    def source(self, day: dt.date) -> str:
        """Where ``day``'s kind comes from: package, entered or computed."""
        if day in self.overrides or day.year in self.entered_years:
            return ENTERED
        return PACKAGE if day.year in self._package else COMPUTED

    def is_provisional(self, year: int) -> bool:
        return year not in self._package and year not in self.entered_years

    def kind(self, day: dt.date) -> str:
        day = _as_date(day)
        kind = self.overrides.get(day)
        if kind is not None:
            return kind
        if day.year in self._package:
            return _package_year(day.year)[day.timetuple().tm_yday - 1]
        if day.year in self.entered_years:
            return _weekday_kind(day)
        return HOLIDAY if day in _computed_holidays(day.year) else _weekday_kind(day)

    def is_workday(self, day: dt.date) -> bool:
        return self.kind(day) == WORKDAY

    def due(self, start: dt.date, n: int) -> Due:
        """The date ``n`` working days after ``start`` (``start`` not counted; ``n == 0``
        is ``start`` itself when it is a working day, else the next working day)."""
        if n < 0:
            raise ValueError("工作日天数不能为负数")
        day = _as_date(start)
        provisional = self.is_provisional(day.year)
        if n == 0:
            while not self.is_workday(day):
                day += _ONE_DAY
                provisional |= self.is_provisional(day.year)
            return Due(day, provisional)
        remaining = n
        while remaining:
            day += _ONE_DAY
            if self.is_workday(day):
                remaining -= 1
        provisional |= self.is_provisional(day.year)
        return Due(day, provisional)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in the half-open interval ``(a, b]``; negated when ``b < a``, so
        ``working_days_between(deadline, today) > 5`` reads "overdue by more than 5"."""
        start, end = _as_date(a), _as_date(b)
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start + _ONE_DAY
        while day <= end:
            count += self.is_workday(day)
            day += _ONE_DAY
        return count

    def year_days(self, year: int) -> list[tuple[dt.date, str, str, str]]:
        """The year's days that differ from the plain weekday rule:
        [(date, kind, source, holiday name)] — what ``workcalendar show`` prints."""
        names = _computed_holidays(year)
        rows, day = [], dt.date(year, 1, 1)
        while day.year == year:
            kind = self.kind(day)
            if kind != _weekday_kind(day) or kind == HOLIDAY:
                source = self.source(day)
                if source == PACKAGE:
                    name = _package_name(day)
                else:
                    name = (names if source == COMPUTED else self.notes).get(day, "")
                rows.append((day, kind, source, name))
            day += _ONE_DAY
        return rows


_PACKAGE_NAMES = {h.value: h.chinese for h in _cc_constants.Holiday}


def _package_name(day: dt.date) -> str:
    _, name = chinese_calendar.get_holiday_detail(day)
    return _PACKAGE_NAMES.get(name, "")


def _as_date(d: dt.date) -> dt.date:
    return d.date() if isinstance(d, dt.datetime) else d


# --- plain functions over the national calendar (no organ's entries), kept for callers
# that only need the package years and the computed ones.


def day_kind(d: dt.date, overrides: Mapping[dt.date, str] | None = None) -> str:
    return WorkCalendar(overrides).kind(d)


def is_workday(d: dt.date, overrides: Mapping[dt.date, str] | None = None) -> bool:
    return WorkCalendar(overrides).is_workday(d)


def add_working_days(d: dt.date, n: int, overrides: Mapping[dt.date, str] | None = None,
                     entered_years: Iterable[int] = ()) -> dt.date:
    return WorkCalendar(overrides, entered_years).due(d, n).date


def working_days_between(a: dt.date, b: dt.date,
                         overrides: Mapping[dt.date, str] | None = None) -> int:
    return WorkCalendar(overrides).working_days_between(a, b)
