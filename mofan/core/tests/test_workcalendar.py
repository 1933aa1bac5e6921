import datetime as dt

import chinese_calendar
import pytest

from mofan.core.workcalendar import (
    CalendarUnknown,
    add_working_days,
    day_kind,
    is_workday,
    known_years,
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


def test_unknown_year_raises_with_chinese_message():
    with pytest.raises(CalendarUnknown) as exc:
        day_kind(D(2031, 3, 3))
    assert str(exc.value) == "2031 年的法定节假日安排尚未录入，请在“工作日历”中维护"
    assert exc.value.year == 2031
    with pytest.raises(CalendarUnknown):
        is_workday(D(2031, 3, 3))  # a Monday: still no guessing by weekday


def test_counting_into_unknown_year_raises():
    last = known_years()[-1]
    with pytest.raises(CalendarUnknown) as exc:
        add_working_days(D(last, 12, 28), 15)
    assert exc.value.year == last + 1
    with pytest.raises(CalendarUnknown):
        working_days_between(D(last, 12, 1), D(last + 1, 1, 10))


def test_override_makes_unknown_year_usable():
    overrides = {D(2031, 1, 1): "holiday", D(2031, 1, 4): "workday"}
    assert day_kind(D(2031, 1, 1), overrides) == "holiday"
    assert day_kind(D(2031, 1, 2), overrides) == "workday"  # Thu, weekday rule
    assert day_kind(D(2031, 1, 4), overrides) == "workday"  # Sat, overridden
    assert day_kind(D(2031, 1, 5), overrides) == "restday"  # Sun, weekday rule
    # (01-01, ...]: Thu 01-02, Fri 01-03, Sat 01-04 (override), Mon 01-06.
    assert add_working_days(D(2031, 1, 1), 3, overrides) == D(2031, 1, 4)
    assert add_working_days(D(2031, 1, 1), 4, overrides) == D(2031, 1, 6)
    # Another unmaintained year still raises.
    with pytest.raises(CalendarUnknown):
        day_kind(D(2032, 1, 5), overrides)


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
