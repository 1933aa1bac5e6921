"""A year of punches for the demo bureau: most days normal, some late, a few missing
punches and early leaves, leave and trips, holidays and 调休 Saturdays from the work
calendar, a summer schedule (May–Sep); then the 日统计, the weekly bulletins of the last
month, a month's handling, spot checks and explanations. At the ``county`` scale every
organ gets the whole year (~1.6 M punches, for the benchmarks and the county ranking),
written month by month in bulk so memory stays bounded."""

import datetime as dt
import zoneinfo

from mofan.core.calendar.services import calendar_for
from mofan.core.workcalendar import WORKDAY
from mofan.orgs.models import Person

from . import reports
from .importing import store_punches
from .models import Absence, AbsenceDay, Bulletin, Explanation, MonthCase, Schedule, SpotCheck
from .stats import recompute

ORDER = 70
LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
LEAVES = ["事假", "病假", "年假", "调休"]
TRIPS = ["出差", "下乡", "公出"]


def _schedules(organ, year):
    Schedule.objects.create(org=organ, name="冬令时", effective_from=dt.date(year, 1, 1),
                            am_in=dt.time(8, 30), am_out=dt.time(12), pm_in=dt.time(14, 30),
                            pm_out=dt.time(17, 30))
    Schedule.objects.create(org=organ, name="夏令时", effective_from=dt.date(year, 1, 1),
                            first_month=5, last_month=9, am_in=dt.time(8), am_out=dt.time(12),
                            pm_in=dt.time(15), pm_out=dt.time(18))


def _day_punches(rng, p, day, am_in, pm_out, leaves):
    """One person's punch minutes of a working day (and their leave, if any)."""
    x = rng.random()
    if x < 0.004:
        return []  # 旷工
    if x < 0.025:
        kind = rng.choice(LEAVES + TRIPS)
        part = rng.choice(["day", "day", "am", "pm"])
        leaves.append(Absence(person=p, kind=kind, start=day, end=day, part=part,
                              note="演示数据", source="演示"))
        if part == "day":
            return []
        if part == "pm":
            return [am_in - rng.randint(5, 30), 12 * 60 + rng.randint(0, 5)]
        return [pm_out - 180 - rng.randint(5, 20), pm_out + rng.randint(1, 30)]
    t_in = am_in - rng.randint(1, 35)
    t_out = pm_out + rng.randint(1, 40)
    if x < 0.07:
        t_in = am_in + rng.randint(1, 29)  # 迟到
    elif x < 0.08:
        t_in = am_in + rng.randint(31, 70)  # 严重迟到
    elif x < 0.09:
        t_out = pm_out - rng.randint(5, 40)  # 早退
    return [t_in] if x > 0.985 else [t_in, t_out]  # 缺卡


def _punches(world, organ, people, start, end) -> int:
    """Punches and leave of ``people`` over [start, end], stored a month at a time;
    returns the punch count."""
    rng = world.rng
    cal = calendar_for(organ)
    total, day = 0, start
    while day <= end:
        rows, leaves, month = [], [], day.month
        while day <= end and day.month == month:
            summer = 5 <= day.month <= 9
            am_in, pm_out = (8 * 60, 18 * 60) if summer else (8 * 60 + 30, 17 * 60 + 30)
            if cal.kind(day) == WORKDAY:
                for p in people:
                    for m in _day_punches(rng, p, day, am_in, pm_out, leaves):
                        at = dt.datetime(day.year, day.month, day.day, m // 60, m % 60,
                                         rng.randint(0, 59), tzinfo=LOCAL)
                        rows.append((p.pk, organ.pk, at, day, m, None))
            day += dt.timedelta(days=1)
        total += store_punches(rows)
        Absence.objects.bulk_create(leaves)
        AbsenceDay.objects.bulk_create([
            AbsenceDay(absence=a, person_id=a.person_id, organ_id=organ.pk, date=a.start,
                       part=a.part, trip=a.kind in Absence.TRIPS) for a in leaves])
    return total


def _year(world, organ):
    """The organ's schedules, its year of punches and leave, and their 日统计."""
    year = world.year
    _schedules(organ, year)
    people = list(Person.objects.filter(org__organ=organ).only("id").order_by("id"))
    _punches(world, organ, people, dt.date(year, 1, 1), dt.date(year, 12, 31))
    recompute(organ, dt.date(year, 1, 1), dt.date(year, 12, 31))


def load(world):
    year = world.year
    main = world.data["main"]
    organ = main["organ"]
    county = world.scale == "county"
    for parts in world.data["organs"] if county else [main]:
        _year(world, parts["organ"])
    units = main["sections"] + main["units"]
    for month in range(1, 13):
        for _ in range(2):
            day = world.day(month)
            unit = world.rng.choice(units)
            names = list(Person.objects.filter(org=unit).values_list("name", flat=True))
            away = [n for n in names if world.rng.random() < 0.1]
            SpotCheck.objects.create(
                org=unit, date=day, time=dt.time(world.rng.choice([8, 9, 15, 16]), 40),
                present="、".join(n for n in names if n not in away), absent="、".join(away),
                findings="个别人员不在岗，已要求说明情况" if away else "",
                checked_by="办公室")
    # The weekly bulletins of December and the month's handling of November.
    monday = dt.date(year, 12, 1) - dt.timedelta(days=dt.date(year, 12, 1).weekday())
    while monday <= dt.date(year, 12, 25):
        reports.publish(organ, monday, actor=None)
        monday += dt.timedelta(days=7)
    reports.month_cases(organ, dt.date(year, 11, 1))
    from mofan.accounts.models import User

    admin = User.objects.filter(username="wgxlj_admin").first()
    cases = MonthCase.objects.filter(org__organ=organ, month=dt.date(year, 11, 1))
    for case in cases.exclude(suggestion="")[:3]:
        reports.decide(case, case.suggestion, actor=admin)
    from .models import DayStat

    for stat in DayStat.objects.filter(organ=organ, status=DayStat.MISSING,
                                       date__month=12)[:3]:
        Explanation.objects.create(org_id=stat.org_id, person_id=stat.person_id, date=stat.date,
                                   kind=Explanation.FORGOT, time=dt.time(17, 40),
                                   reason="下班时忘记打卡")
    Bulletin.objects.bulk_create([b for parts in world.county_organs()
                                  for b in _county_bulletins(world, parts["organ"])])


def _county_bulletins(world, organ):
    """The weekly bulletins of the last quarter for one of the county's other organs, frozen
    as ``reports.publish`` freezes them; a diligent organ misses fewer weeks."""
    rng, d = world.rng_for("attendance", organ.code), world.diligence(organ)
    october = dt.date(world.year, 10, 1)
    monday = october + dt.timedelta(days=-october.weekday() % 7)
    while monday <= dt.date(world.year, 12, 25):
        if rng.random() < 0.3 + 0.7 * d:
            yield Bulletin(org=organ, week=monday, content=reports.week_summary(organ, monday))
        monday += dt.timedelta(days=7)
