"""An organ's work calendar from what was entered, and the entry of a year's schedule."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.dispatch import Signal

from mofan.audit.services import record
from mofan.core.workcalendar import HOLIDAY, HOLIDAY_NAMES, WORKDAY, WorkCalendar, known_years
from mofan.orgs.models import Org

from .models import CalendarOverride, CalendarYear

# Sent after a year's schedule was entered (sender=CalendarYear, org=..., year=...); the
# ledger recomputes its provisional deadlines. Receivers return a count of changed items.
schedule_entered = Signal()


class ScheduleError(ValueError):
    """A schedule that cannot be entered; the message is shown as is."""


def _chain(organ: Org) -> list[int]:
    """The organ and the orgs above it, top first (the committee's entries, then its own)."""
    return [int(x) for x in organ.path.strip("/").split("/") if x] or [organ.pk]


def calendar_for(organ_or_id) -> WorkCalendar:
    """The organ's calendar: the package, plus what its 机关工委 and it entered (its own
    entries win over the committee's)."""
    organ = organ_or_id if isinstance(organ_or_id, Org) else Org.objects.get(pk=organ_or_id)
    return calendars_for([organ])[organ.pk]


def calendars_for(organs) -> dict[int, WorkCalendar]:
    """``calendar_for`` of many organs in two queries: {organ id: calendar}."""
    chains = {organ.pk: _chain(organ) for organ in organs}
    ids = {pk for chain in chains.values() for pk in chain}
    entered: dict[int, list] = {}
    for row in CalendarOverride.objects.filter(org_id__in=ids).values_list(
            "org_id", "date", "kind", "note"):
        entered.setdefault(row[0], []).append(row)
    years: dict[int, set] = {}
    for org_id, year in CalendarYear.objects.filter(org_id__in=ids).values_list("org_id", "year"):
        years.setdefault(org_id, set()).add(year)
    out = {}
    for pk, chain in chains.items():
        found: dict[dt.date, tuple[str, str]] = {}
        for org_id in chain:  # top first: the organ's own entries come last and win
            for _, day, kind, note in entered.get(org_id, ()):
                found[day] = (kind, note)
        out[pk] = WorkCalendar({day: kind for day, (kind, _) in found.items()},
                               {y for org_id in chain for y in years.get(org_id, ())},
                               {day: note for day, (_, note) in found.items()})
    return out


def calendar_of_item(item) -> WorkCalendar:
    return calendar_for(item.org.organ_id or item.org_id)


def year_missing(organ, year: int) -> bool:
    """Is ``year``'s official schedule neither in the package nor entered for ``organ``?"""
    if year in known_years():
        return False
    return not CalendarYear.objects.filter(org_id__in=_chain(organ), year=year).exists()


# ------------------------------------------------------------------ entering a year


@dataclass
class HolidayEntry:
    """One paragraph of the notice: 春节：2月15日至23日放假调休，2月14日、2月28日上班。"""

    name: str
    start: dt.date | None = None
    end: dt.date | None = None
    workdays: list[dt.date] = field(default_factory=list)

    def days_off(self) -> list[dt.date]:
        if self.start is None:
            return []
        end = self.end or self.start
        return [self.start + dt.timedelta(days=i) for i in range((end - self.start).days + 1)]


_PAREN = re.compile(r"[（(][^）)]*[）)]")
_DAY = re.compile(r"(?:(\d{1,2})月)?(\d{1,2})日")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _dates(text: str, year: int, name: str) -> list[dt.date]:
    """Dates written as 2月14日、28日 (month carried forward) or 2027-02-14."""
    found = [dt.date(int(y), int(m), int(d)) for y, m, d in _ISO.findall(text)]
    month = None
    for m, d in _DAY.findall(_ISO.sub("", text)):
        month = int(m) if m else month
        if month is None:
            raise ScheduleError(f"{name}：“{d}日”缺少月份")
        # 元旦's days off may begin in the December before the year.
        y = year - 1 if name == "元旦" and month == 12 else year
        found.append(dt.date(y, month, int(d)))
    return found


def parse_workdays(text: str, year: int, name: str) -> list[dt.date]:
    try:
        return _dates(text or "", year, name)
    except ValueError as exc:
        raise ScheduleError(f"{name}：调休上班日期“{text}”无法识别") from exc


def parse_notice(text: str, year: int) -> list[HolidayEntry]:
    """The holidays of the State Council's notice as published (pasted or uploaded)."""
    text = _PAREN.sub("", text.replace(" ", "").replace("\u3000", ""))
    names = "|".join(HOLIDAY_NAMES)
    parts = re.split(rf"({names})[：:]", text)
    entries = []
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        off, _, rest = body.partition("放假")
        try:
            days = _dates(off, year, name)
        except ValueError as exc:
            raise ScheduleError(f"{name}：放假日期无法识别") from exc
        if not days:
            raise ScheduleError(f"{name}：没有找到放假日期")
        entry = HolidayEntry(name, days[0], days[-1])
        for sentence in re.split(r"[。；;]", rest):
            if sentence.endswith("上班"):
                entry.workdays += parse_workdays(sentence, year, name)
        entries.append(entry)
    if not entries:
        raise ScheduleError("没有识别到任何节日，请按通知原文格式填写（如：春节：2月15日至23日放假调休……）")
    return entries


def _check(org: Org, year: int, entries: list[HolidayEntry]):
    if org.kind not in (Org.ORGAN, Org.COMMITTEE):
        raise ScheduleError("节假日安排由机关工委统一录入，或由机关录入本机关的安排")
    first, last = dt.date(year - 1, 12, 1), dt.date(year, 12, 31)
    for e in entries:
        if e.start and e.end and e.end < e.start:
            raise ScheduleError(f"{e.name}：放假结束日期早于开始日期")
        if e.start and (e.end or e.start) - e.start > dt.timedelta(days=15):
            raise ScheduleError(f"{e.name}：放假超过 15 天，请检查日期")
        for day in [*e.days_off(), *e.workdays]:
            if not first <= day <= last:
                raise ScheduleError(f"{e.name}：{day:%Y-%m-%d} 不在 {year} 年")
    if not any(e.start for e in entries):
        raise ScheduleError("请至少填写一个节日的放假日期")


def enter_schedule(org: Org, year: int, entries: list[HolidayEntry], *, actor=None,
                   notice: str = "") -> tuple[CalendarYear, int]:
    """Store ``year``'s schedule for ``org`` (replacing an earlier entry of it), audit it,
    and let listeners recompute what was provisional. Returns the schedule and the number
    of items whose deadline was recomputed."""
    _check(org, year, entries)
    days = {}
    for e in entries:
        days.update({d: (HOLIDAY, e.name) for d in e.days_off()})
        days.update({d: (WORKDAY, f"{e.name}调休上班") for d in e.workdays})
    with transaction.atomic():
        schedule, created = CalendarYear.objects.update_or_create(
            org=org, year=year, defaults={"notice": notice[:200]})
        schedule.days.all().delete()
        for day, (kind, note) in sorted(days.items()):
            CalendarOverride.objects.update_or_create(
                org=org, date=day, defaults={"kind": kind, "note": note, "schedule": schedule})
        record("create" if created else "update", schedule, label=f"录入{schedule}",
               after={"year": year, "notice": notice,
                      "days": {d.isoformat(): k for d, (k, _) in sorted(days.items())}},
               user=actor)
        moved = sum(n or 0 for _, n in schedule_entered.send(
            sender=CalendarYear, org=org, year=year))
    return schedule, moved
