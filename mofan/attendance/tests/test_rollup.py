"""The per-organ month rollup (MonthStat) of 日统计: committee pages read it for periods of
whole months, and it follows every change of the 日统计 it adds up."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.attendance import indicators as att
from mofan.attendance import services
from mofan.attendance.explanations import do_decide, do_explain
from mofan.attendance.models import Absence, DayStat, MonthStat, Policy, Punch, Schedule
from mofan.attendance.stats import months, rebuild_rollup, recompute_many
from mofan.core import indicators
from mofan.core.indicators import Period
from mofan.orgs.models import Person

from .test_daily import LOCAL, punch

KEYS = ["attendance.rate", "attendance.late", "attendance.severe_late",
        "attendance.early_leave", "attendance.missing_punch", "attendance.absent"]
YEAR = Period.year(2025)
OCTOBER = Period(dt.date(2025, 10, 1), dt.date(2025, 10, 31))
PERIODS = [YEAR, Period(dt.date(2025, 4, 1), dt.date(2025, 6, 30)), OCTOBER]


def _year_of_punches(world):
    """Every weekday of 2025 for the four people of both organs: mostly on time, some late,
    severely late, early, a single punch or none (the 国庆 holiday and 调休 Saturdays come
    from the work calendar)."""
    rng = random.Random(13)
    rows = []
    day = dt.date(2025, 1, 1)
    everyone = list(Person.objects.filter(org__organ__in=[world.organ, world.other])
                    .select_related("org"))
    while day.year == 2025:
        if day.weekday() < 5:
            for p in everyone:
                x = rng.random()
                if x < 0.03:
                    continue  # 旷工
                # The default schedule: 8:30 to 17:30.
                if x < 0.15:
                    t_in = 8 * 60 + 30 + rng.randint(1, 25)  # late
                elif x < 0.2:
                    t_in = 8 * 60 + 30 + rng.randint(40, 70)  # severely late
                else:
                    t_in = 8 * 60 + 30 - rng.randint(1, 25)
                t_out = 17 * 60 + (rng.randint(0, 20) if x < 0.25 else 30 + rng.randint(1, 40))
                for m in [t_in] if x > 0.96 else [t_in, t_out]:
                    rows.append(Punch(person=p, organ_id=p.org.organ_id, date=day, minute=m,
                                      at=dt.datetime(day.year, day.month, day.day, m // 60,
                                                     m % 60, tzinfo=LOCAL)))
        day += dt.timedelta(days=1)
    Punch.objects.bulk_create(rows)


@pytest.fixture
def year(world):
    _year_of_punches(world)
    organs = [world.organ, world.other]
    recompute_many(organs, YEAR.start, YEAR.end)
    # A half-day leave and a whole-day trip (each recomputes its day).
    services.save_absence(Absence(person=world.head_person, kind="事假",
                                  start=dt.date(2025, 3, 12), end=dt.date(2025, 3, 12), part="am"))
    services.save_absence(Absence(person=world.member_person, kind="出差",
                                  start=dt.date(2025, 6, 3), end=dt.date(2025, 6, 5)))
    return [o.pk for o in organs]


def _table(organ_ids, period, *, rollup: bool):
    """The six figures through one path, and the tables that path read."""
    with CaptureQueriesContext(connection) as q:
        if rollup:
            table = indicators.table(organ_ids, period, KEYS)
        else:
            original = att.whole_months
            att.whole_months = lambda period: False
            try:
                table = indicators.table(organ_ids, period, KEYS)
            finally:
                att.whole_months = original
    read = " ".join(x["sql"] for x in q.captured_queries)
    return table, {t for t in (DayStat._meta.db_table, MonthStat._meta.db_table) if t in read}


def assert_both_paths_agree(organ_ids):
    for period in PERIODS:
        from_months, read = _table(organ_ids, period, rollup=True)
        assert read == {MonthStat._meta.db_table}
        from_days, read = _table(organ_ids, period, rollup=False)
        assert read == {DayStat._meta.db_table}
        assert from_months == from_days, period


def test_a_year_reads_the_same_figures_from_the_rollup_as_from_the_days(year, world):
    assert_both_paths_agree(year)
    table, _ = _table(year, YEAR, rollup=True)
    # The data has every anomaly, and the holiday is no absence.
    assert all(table[k][world.organ.pk] > 0 for k in KEYS)
    assert DayStat.objects.filter(date=dt.date(2025, 10, 1), status=DayStat.HOLIDAY).count() == 4
    assert DayStat.objects.filter(date=dt.date(2025, 3, 12), person=world.head_person,
                                  due=True).exists()  # the half day is still due


def test_the_rollup_has_one_row_per_organ_and_month_with_the_days_it_adds_up(year, world):
    assert MonthStat.objects.count() == 24
    row = MonthStat.objects.get(organ=world.organ, month=dt.date(2025, 6, 1))
    days = DayStat.objects.filter(organ=world.organ, date__range=(row.month, dt.date(2025, 6, 30)))
    assert row.n_due == days.filter(due=True).count()
    assert row.absent == days.filter(status=DayStat.ABSENT).count()
    assert row.leave == days.filter(status__in=[DayStat.LEAVE, DayStat.TRIP]).count() == 3


def test_a_week_falls_back_to_the_days(year):
    week = Period(dt.date(2025, 10, 13), dt.date(2025, 10, 19))
    assert not att.whole_months(week)
    table, read = _table(year, week, rollup=True)
    assert read == {DayStat._meta.db_table}
    assert table["attendance.absent"] == _table(year, week, rollup=False)[0]["attendance.absent"]


def test_whole_months_are_a_month_a_quarter_or_a_year():
    assert att.whole_months(OCTOBER) and att.whole_months(YEAR)
    assert att.whole_months(Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29)))
    assert not att.whole_months(Period(dt.date(2025, 10, 1), dt.date(2025, 10, 30)))
    assert not att.whole_months(Period(dt.date(2025, 10, 2), dt.date(2025, 10, 31)))


def test_months_lists_every_month_a_range_touches():
    assert months(dt.date(2025, 11, 30), dt.date(2026, 1, 1)) == [
        (dt.date(2025, 11, 1), dt.date(2025, 11, 30)), (dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31))]


def _october(world):
    return MonthStat.objects.get(organ=world.organ, month=dt.date(2025, 10, 1))


def test_the_rollup_follows_punches_leave_rules_calendar_and_explanations(year, world):
    from mofan.core.calendar.models import CalendarOverride

    head, member = world.head_person, world.member_person
    before = _october(world)
    # Punches imported for a day nobody punched on (the 调休 Saturday 10-11: all absent).
    sat = dt.date(2025, 10, 11)
    assert DayStat.objects.filter(organ=world.organ, date=sat, status=DayStat.ABSENT).count() == 3
    punch(head, sat, 8, 10)
    punch(head, sat, 17, 40)
    recompute_many([world.organ], sat, sat)
    after = _october(world)
    assert (after.absent, after.present) == (before.absent - 1, before.present + 1)
    assert_both_paths_agree(year)
    # A whole-day leave of a day with an anomaly.
    odd = DayStat.objects.filter(person=member, date__month=10,
                                 status__in=DayStat.ANOMALIES).first()
    services.save_absence(Absence(person=member, kind="病假", start=odd.date, end=odd.date))
    assert _october(world).leave == after.leave + 1
    assert_both_paths_agree(year)
    # A rule: 20 minutes of grace from October on turns some lateness into on time.
    late = _october(world).late
    Policy.objects.create(org=world.organ, grace_minutes=20)
    services.rules_changed(world.organ, dt.date(2025, 10, 1))
    assert _october(world).late < late
    assert_both_paths_agree(year)
    # A schedule starting an hour earlier from November: on-time arrivals are now severely late.
    Schedule.objects.create(org=world.organ, effective_from=dt.date(2025, 11, 1),
                            am_in=dt.time(7, 30))
    severe = MonthStat.objects.get(organ=world.organ, month=dt.date(2025, 11, 1)).severe_late
    services.rules_changed(world.organ, dt.date(2025, 11, 1))
    assert MonthStat.objects.get(organ=world.organ,
                                 month=dt.date(2025, 11, 1)).severe_late > severe + 20
    assert_both_paths_agree(year)
    # The organ makes an ordinary Saturday a working day: its people are due that day.
    due = _october(world).n_due
    CalendarOverride.objects.create(org=world.organ, date=dt.date(2025, 10, 18), kind="workday")
    assert _october(world).n_due == due + 3
    assert_both_paths_agree(year)
    # An approved 补卡 corrects a missing punch (a Monday with only the morning punch).
    monday = dt.date(2025, 10, 20)
    Punch.objects.filter(person=member, date=monday).delete()
    punch(member, monday, 8, 20)
    recompute_many([world.organ], monday, monday)
    assert DayStat.objects.get(person=member, date=monday).status == DayStat.MISSING
    n = _october(world).missing
    e = do_explain(member, monday, kind="forgot", time=dt.time(17, 45), reason="忘记打卡",
                   actor=world.users["member"])
    do_decide(e, approve=True, actor=world.users["admin"])
    assert _october(world).missing == n - 1
    assert_both_paths_agree(year)


def test_deleting_a_person_takes_their_days_out_of_the_rollup(year, world):
    person = Person.objects.get(name="赵馆员")
    services.save_absence(Absence(person=person, kind="年假", start=dt.date(2025, 3, 3),
                                  end=dt.date(2025, 3, 4)))
    march = dt.date(2025, 3, 1)
    before = MonthStat.objects.get(organ=world.organ, month=march)
    pk = person.pk
    person.delete()
    # Deleting the leave on the way recomputed its days while the person still existed.
    assert not DayStat.objects.filter(person_id=pk).exists()
    after = MonthStat.objects.get(organ=world.organ, month=march)
    assert (after.n_due, after.leave) == (before.n_due - 19, before.leave - 2)
    assert_both_paths_agree(year)


def test_deleting_a_unit_takes_its_days_out_of_the_rollup(year, world):
    """A person who moved keeps the 日统计 rows of their old unit until recomputed; Django
    deletes those rows with the unit."""
    person = Person.objects.get(name="赵馆员")
    person.org = world.section
    person.save()
    before = MonthStat.objects.get(organ=world.organ, month=dt.date(2025, 5, 1)).n_due
    world.unit.delete()
    assert not DayStat.objects.filter(person=person).exists()
    assert MonthStat.objects.get(organ=world.organ, month=dt.date(2025, 5, 1)).n_due < before
    assert_both_paths_agree(year)


def test_rebuilding_the_rollup_from_the_days_gives_the_same_rows(year):
    fields = ["organ_id", "month", "n_due", "present", *DayStat.ANOMALIES, "leave"]
    kept = list(MonthStat.objects.order_by("organ", "month").values_list(*fields))
    MonthStat.objects.update(late=0)
    assert rebuild_rollup() == len(kept) == 24
    assert list(MonthStat.objects.order_by("organ", "month").values_list(*fields)) == kept


def test_six_figures_of_a_year_for_many_organs_are_one_query(year, django_assert_num_queries):
    with django_assert_num_queries(1):
        table = indicators.table(year, YEAR, KEYS)
    assert table["attendance.rate"][year[0]] is not None


def test_the_rebuild_command_puts_a_stale_rollup_back_in_sync(year):
    from io import StringIO

    from django.core.management import call_command

    MonthStat.objects.filter(month=dt.date(2025, 10, 1)).delete()
    out = StringIO()
    call_command("rebuild_month_stats", stdout=out)
    assert "24 条" in out.getvalue()
    assert_both_paths_agree(year)
