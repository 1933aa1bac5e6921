import datetime as dt

from mofan.attendance import services
from mofan.attendance.models import Absence, DayStat, Policy, Punch, Schedule
from mofan.attendance.stats import recompute
from mofan.core.calendar.services import HolidayEntry, enter_schedule

from .factories import THU, people

LOCAL = dt.timezone(dt.timedelta(hours=8))


def punch(person, day, hh, mm):
    at = dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=LOCAL)
    organ = person.org.organ
    Punch.objects.create(person=person, organ=organ, at=at, date=day, minute=hh * 60 + mm)


def status(person, day):
    return DayStat.objects.get(person=person, date=day).status


def test_an_on_time_day_is_normal(world):
    head, _ = people(world)
    punch(head, THU, 8, 20)
    punch(head, THU, 17, 40)
    recompute(world.organ, THU, THU)
    assert status(head, THU) == DayStat.NORMAL


def test_late_up_to_30_minutes_is_late_and_beyond_is_severe(world):
    head, member = people(world)
    punch(head, THU, 9, 0)
    punch(head, THU, 17, 40)
    punch(member, THU, 9, 1)
    punch(member, THU, 17, 40)
    recompute(world.organ, THU, THU)
    assert (status(head, THU), status(member, THU)) == (DayStat.LATE, DayStat.SEVERE)


def test_leaving_before_the_end_is_early_leave(world):
    head, _ = people(world)
    punch(head, THU, 8, 20)
    punch(head, THU, 17, 0)
    recompute(world.organ, THU, THU)
    assert status(head, THU) == DayStat.EARLY


def test_a_single_morning_punch_is_a_missing_punch(world):
    head, _ = people(world)
    punch(head, THU, 8, 20)
    recompute(world.organ, THU, THU)
    row = DayStat.objects.get(person=head, date=THU)
    assert (row.status, row.missing) == (DayStat.MISSING, 1)


def test_no_punch_on_a_workday_is_absence(world):
    head, _ = people(world)
    recompute(world.organ, THU, THU)
    assert status(head, THU) == DayStat.ABSENT


def test_a_statutory_holiday_is_never_absence(world):
    head, _ = people(world)
    recompute(world.organ, dt.date(2025, 10, 1), dt.date(2025, 10, 1))
    assert status(head, dt.date(2025, 10, 1)) == DayStat.HOLIDAY


def test_a_tiaoxiu_saturday_is_a_workday(world):
    head, _ = people(world)
    sat = dt.date(2025, 9, 28)  # 国庆调休上班
    recompute(world.organ, sat, sat)
    row = DayStat.objects.get(person=head, date=sat)
    assert (row.status, row.due) == (DayStat.ABSENT, True)


def test_an_ordinary_sunday_is_a_rest_day(world):
    head, _ = people(world)
    recompute(world.organ, dt.date(2025, 10, 12), dt.date(2025, 10, 12))
    assert status(head, dt.date(2025, 10, 12)) == DayStat.RESTDAY


def test_the_summer_schedule_applies_from_its_first_month(world):
    head, _ = people(world)
    Schedule.objects.create(org=world.organ, effective_from=dt.date(2025, 1, 1))
    Schedule.objects.create(org=world.organ, name="夏令时", effective_from=dt.date(2025, 1, 1),
                            first_month=5, last_month=9, pm_in=dt.time(15), pm_out=dt.time(18))
    apr30, may6 = dt.date(2025, 4, 30), dt.date(2025, 5, 6)
    for day in (apr30, may6):
        punch(head, day, 8, 20)
        punch(head, day, 17, 40)
    recompute(world.organ, apr30, may6)
    assert (status(head, apr30), status(head, may6)) == (DayStat.NORMAL, DayStat.EARLY)


def test_a_full_day_trip_excuses_the_day(world):
    head, _ = people(world)
    services.save_absence(Absence(person=head, kind="出差", start=THU, end=THU))
    assert status(head, THU) == DayStat.TRIP


def test_a_morning_leave_moves_the_required_start_to_the_afternoon(world):
    head, _ = people(world)
    punch(head, THU, 14, 20)
    punch(head, THU, 17, 40)
    services.save_absence(Absence(person=head, kind="事假", start=THU, end=THU, part="am"))
    assert status(head, THU) == DayStat.NORMAL


def test_a_morning_leave_does_not_excuse_an_afternoon_late_arrival(world):
    head, _ = people(world)
    punch(head, THU, 15, 20)
    punch(head, THU, 17, 40)
    services.save_absence(Absence(person=head, kind="事假", start=THU, end=THU, part="am"))
    assert status(head, THU) == DayStat.SEVERE


def test_four_required_punches_count_a_missing_noon_punch(world):
    head, _ = people(world)
    Schedule.objects.create(org=world.organ, effective_from=dt.date(2025, 1, 1),
                            required_punches=4)
    for hh, mm in ((8, 20), (12, 5), (17, 40)):
        punch(head, THU, hh, mm)
    recompute(world.organ, THU, THU)
    row = DayStat.objects.get(person=head, date=THU)
    assert (row.status, row.missing) == (DayStat.MISSING, 1)


def test_a_rules_change_recomputes_only_from_its_date(world):
    head, _ = people(world)
    days = [dt.date(2025, 10, 9), dt.date(2025, 10, 10)]
    for day in days:
        punch(head, day, 8, 45)
        punch(head, day, 17, 40)
    recompute(world.organ, days[0], days[1])
    before = DayStat.objects.get(person=head, date=days[0]).pk
    Policy.objects.create(org=world.organ, grace_minutes=20)
    services.rules_changed(world.organ, days[1])
    assert DayStat.objects.get(person=head, date=days[0]).pk == before
    assert (status(head, days[0]), status(head, days[1])) == (DayStat.LATE, DayStat.NORMAL)


def test_statistics_of_a_provisional_year_are_marked_and_recomputed_when_it_is_entered(world):
    head, _ = people(world)
    day = dt.date(2031, 10, 8)  # a Wednesday, not yet in the package
    recompute(world.organ, day, day)
    row = DayStat.objects.get(person=head, date=day)
    assert (row.status, row.provisional) == (DayStat.ABSENT, True)
    enter_schedule(world.committee, 2031,
                   [HolidayEntry("国庆节", dt.date(2031, 10, 1), dt.date(2031, 10, 8))])
    row = DayStat.objects.get(person=head, date=day)
    assert (row.status, row.provisional) == (DayStat.HOLIDAY, False)


def test_other_organs_people_are_not_counted(world):
    people(world)
    recompute(world.organ, THU, THU)
    assert not DayStat.objects.filter(person=world.outsider_person).exists()


def test_organised_work_on_a_saturday_counts_once_the_organ_makes_it_a_working_day(world):
    from mofan.core.calendar.models import CalendarOverride

    head, member = people(world)
    sat = dt.date(2025, 10, 18)  # an ordinary Saturday
    punch(head, sat, 8, 20)
    punch(head, sat, 17, 40)
    recompute(world.organ, sat, sat)
    assert (status(head, sat), status(member, sat)) == (DayStat.RESTDAY, DayStat.RESTDAY)
    day = CalendarOverride.objects.create(org=world.organ, date=sat, kind="workday",
                                          note="组织集中办公")
    assert (status(head, sat), status(member, sat)) == (DayStat.NORMAL, DayStat.ABSENT)
    assert DayStat.objects.get(person=head, date=sat).due
    # Removing the day undoes it.
    day.delete()
    assert status(member, sat) == DayStat.RESTDAY
