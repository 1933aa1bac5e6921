import datetime as dt

import chinese_calendar
import pytest

from mofan.core.workcalendar import (
    WorkCalendar,
    add_working_days,
    day_kind,
    is_workday,
    known_years,
    statutory_holidays,
    working_days_between,
)

D = dt.date


def test_national_day_2025_kinds_from_package():
    # 2025: 10-01..10-08 off (National Day + Mid-Autumn); 09-28 (Sun) and 10-11 (Sat) worked.
    assert day_kind(D(2025, 9, 30)) == "workday"
    assert day_kind(D(2025, 10, 1)) == "holiday"
    assert day_kind(D(2025, 10, 4)) == "holiday"  # a Saturday inside the holiday period
    assert day_kind(D(2025, 10, 8)) == "holiday"
    assert day_kind(D(2025, 10, 9)) == "workday"
    assert day_kind(D(2025, 9, 28)) == "workday"  # 调休 Sunday
    assert day_kind(D(2025, 10, 11)) == "workday"  # 调休 Saturday
    assert day_kind(D(2025, 10, 12)) == "restday"  # ordinary Sunday
    assert day_kind(D(2025, 10, 18)) == "restday"  # ordinary Saturday


def test_deadline_assigned_before_national_day_falls_after_holiday():
    # Assigned Tue 09-30, 3 working days: Thu 10-09, Fri 10-10, Sat 10-11 (调休).
    assert add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_working_days(D(2025, 9, 30), 4) == D(2025, 10, 13)


def test_adjusted_weekend_working_day_counts():
    assert add_working_days(D(2025, 10, 10), 1) == D(2025, 10, 11)
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)  # Fri -> 调休 Sunday
    assert is_workday(D(2025, 10, 11))
    assert not is_workday(D(2025, 10, 18))


def test_zero_days_means_same_or_next_working_day():
    assert add_working_days(D(2025, 9, 30), 0) == D(2025, 9, 30)
    assert add_working_days(D(2025, 10, 1), 0) == D(2025, 10, 9)
    assert add_working_days(D(2025, 10, 12), 0) == D(2025, 10, 13)


def test_negative_days_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2025, 9, 30), -1)


def test_working_days_between_across_holiday():
    # (09-30, 10-13] holds 10-09, 10-10, 10-11 (调休) and 10-13.
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 13)) == 4
    assert working_days_between(D(2025, 10, 13), D(2025, 9, 30)) == -4
    assert working_days_between(D(2025, 10, 1), D(2025, 10, 8)) == 0
    assert working_days_between(D(2025, 9, 30), D(2025, 9, 30)) == 0
    # An ordinary week: (Mon, next Mon] = 5 working days.
    assert working_days_between(D(2025, 11, 3), D(2025, 11, 10)) == 5


def test_add_and_between_agree_over_a_year():
    start = D(2025, 1, 1)
    for n in (1, 2, 3, 13, 60, 240):
        due = add_working_days(start, n)
        assert is_workday(due)
        assert working_days_between(start, due) == n
        assert working_days_between(start, due - dt.timedelta(days=1)) == n - 1


def test_matches_package_for_every_day_of_2025():
    day = D(2025, 1, 1)
    while day.year == 2025:
        assert is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_datetime_is_accepted():
    assert day_kind(dt.datetime(2025, 10, 1, 9, 30)) == "holiday"


def test_known_years_follow_package():
    years = known_years()
    assert 2025 in years
    assert 2031 not in years
    last = years[-1]
    chinese_calendar.is_workday(D(last, 12, 31))  # package accepts the last year
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(last + 1, 1, 1))


def test_a_year_nobody_published_is_computed_not_refused():
    # 2031: Monday 3 March is an ordinary working day, no error.
    assert day_kind(D(2031, 3, 3)) == "workday"
    assert day_kind(D(2031, 3, 8)) == "restday"  # a Saturday


def test_counting_into_an_unpublished_year_gives_a_provisional_date():
    last = known_years()[-1]
    due = WorkCalendar().due(D(last, 12, 28), 15)
    assert due.provisional
    assert due.date.year == last + 1


def test_counting_inside_a_published_year_is_not_provisional():
    assert not WorkCalendar().due(D(2026, 11, 2), 5).provisional


def test_a_deadline_landing_in_a_known_year_is_not_provisional_even_from_a_late_start():
    assert not WorkCalendar().due(D(2026, 12, 1), 3).provisional


def test_entering_a_year_makes_its_dates_final():
    calendar = WorkCalendar({D(2031, 1, 1): "holiday"}, entered_years=[2030, 2031])
    assert not calendar.due(D(2030, 12, 30), 3).provisional


def test_single_overrides_do_not_make_a_year_final():
    calendar = WorkCalendar({D(2031, 1, 4): "workday"})
    assert calendar.due(D(2031, 1, 1), 3).provisional
    assert calendar.kind(D(2031, 1, 4)) == "workday"  # but the override still counts


def test_2026_national_day_follows_the_package():
    # 国庆 2026: 10月1日至7日放假, 9月20日（周日）、10月10日（周六）上班.
    days = {D(2026, 10, d): day_kind(D(2026, 10, d)) for d in range(1, 11)}
    assert all(days[D(2026, 10, d)] == "holiday" for d in range(1, 8))
    assert days[D(2026, 10, 10)] == "workday"
    assert day_kind(D(2026, 9, 20)) == "workday"
    assert WorkCalendar().source(D(2026, 10, 1)) == "package"


def test_2027_spring_festival_is_computed_from_the_lunar_calendar():
    # 正月初一 2027 is 6 February: 除夕 (5 Feb) to 初三 (8 Feb) are days off.
    assert statutory_holidays(2027)["春节"] == (D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7),
                                               D(2027, 2, 8))
    assert day_kind(D(2027, 2, 5)) == "holiday"  # a Friday
    assert day_kind(D(2027, 2, 8)) == "holiday"  # a Monday
    assert day_kind(D(2027, 2, 9)) == "workday"
    assert WorkCalendar().source(D(2027, 2, 5)) == "computed"


def test_the_other_computable_holidays_of_2027():
    h = statutory_holidays(2027)
    assert h["元旦"] == (D(2027, 1, 1),)
    assert h["清明节"] == (D(2027, 4, 5),)  # the solar term
    assert h["劳动节"] == (D(2027, 5, 1), D(2027, 5, 2))
    assert h["端午节"] == (D(2027, 6, 9),)
    assert h["中秋节"] == (D(2027, 9, 15),)
    assert h["国庆节"] == (D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3))


def test_computed_holidays_agree_with_the_package_for_a_published_year():
    # 2026 from the law alone: every computed day off is a day off in the real schedule.
    for days in statutory_holidays(2026).values():
        for day in days:
            assert day_kind(day) == "holiday", day


def test_overrides_take_precedence_over_package():
    overrides = {D(2025, 10, 9): "holiday", D(2025, 10, 4): "workday"}
    assert day_kind(D(2025, 10, 9), overrides) == "holiday"
    assert day_kind(D(2025, 10, 4), overrides) == "workday"
    # Dates of a package year without an override keep the package's answer.
    assert day_kind(D(2025, 10, 11), overrides) == "workday"
    assert day_kind(D(2025, 10, 12), overrides) == "restday"
    # 10-04 now counts, 10-09 no longer does.
    assert add_working_days(D(2025, 9, 30), 3, overrides) == D(2025, 10, 11)
    assert add_working_days(D(2025, 9, 30), 1, overrides) == D(2025, 10, 4)
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 13), overrides) == 4


def test_invalid_override_kind_refused():
    with pytest.raises(ValueError):
        day_kind(D(2025, 10, 9), {D(2025, 10, 9): "weekend"})
