"""Numeric query parameters, read in one place and bounded (security spec: a bad value gives
a message or the default, never a 500).

A query string is whatever a user or a probe types: ``?year=99999999999999999999`` must not
reach ``datetime.date`` or the database (OverflowError), ``?month=9999-12`` must not make a
"next month" in year 10000. Views read numbers through these helpers; list filters on a year
use ``YearFilter``.
"""

import datetime as dt
import re
from urllib.parse import urlencode

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

# The span of years the system is about (reporting years, ledgers, calendars).
YEAR_MIN, YEAR_MAX = 2000, 2100

# ASCII digits only (int() would also take "１２" and "٣"), short enough to stay far from
# anything a database integer or a date can overflow on.
_INTEGER = re.compile(r"[+-]?[0-9]{1,15}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")


def int_param(request, name, default=None, *, min_value=None, max_value=None):
    """``?name=`` as an int within [min_value, max_value], else ``default``."""
    text = str(request.GET.get(name, "")).strip()
    if not _INTEGER.fullmatch(text):
        return default
    value = int(text)
    if (min_value is not None and value < min_value) or (
            max_value is not None and value > max_value):
        return default
    return value


def year_param(request, default, name="year"):
    """``?year=`` when it is a year the system is about, else ``default``."""
    return int_param(request, name, default, min_value=YEAR_MIN, max_value=YEAR_MAX)


def _switch_day() -> tuple[int, int]:
    text = str(settings.MOFAN_REPORTING_YEAR_SWITCH).strip()
    match = re.fullmatch(r"([0-9]{1,2})-([0-9]{1,2})", text)
    try:
        dt.date(2024, int(match[1]), int(match[2]))  # a leap year: 02-29 is a real day
    except (TypeError, ValueError):
        raise ImproperlyConfigured(
            f"MOFAN_REPORTING_YEAR_SWITCH 应为“月-日”，如 02-01，而不是 {text!r}") from None
    return int(match[1]), int(match[2])


def reporting_year(today=None) -> int:
    """The year every page that takes a year opens on (DESIGN.md mechanism 9): the current
    year while it is in progress, or last year until MOFAN_REPORTING_YEAR_SWITCH (1
    February by default), while the year-end summary is still being written.
    MOFAN_REPORTING_YEAR pins it (a demo of a past year)."""
    if settings.MOFAN_REPORTING_YEAR:
        return settings.MOFAN_REPORTING_YEAR
    today = today or timezone.localdate()
    return today.year - 1 if (today.month, today.day) < _switch_day() else today.year


def reporting_month(today=None) -> dt.date:
    """The month a month page opens on: this month in the reporting year, else its last."""
    today = today or timezone.localdate()
    year = reporting_year(today)
    return today.replace(day=1) if year == today.year else dt.date(year, 12, 1)


def reporting_year_param(request, name="year") -> int:
    """``?year=`` when it is a sane year, else the reporting year."""
    return year_param(request, reporting_year(), name)


def year_nav(request, year, name="year") -> list[tuple[str, str, bool]]:
    """Links to the year before and after ``year`` (and back to the reporting year),
    keeping the page's other parameters: [(label, "?query", is_current)]."""
    def link(y):
        params = [(k, v) for k, v in request.GET.items() if k not in (name, "page", "export")]
        return "?" + urlencode([*params, (name, y)])

    current = reporting_year()
    links = [(f"‹ {year - 1} 年", link(year - 1), False)]
    if year != current:
        links.append((f"回到 {current} 年", link(current), False))
    if year < timezone.localdate().year:
        links.append((f"{year + 1} 年 ›", link(year + 1), False))
    return links


def month_param(request, default, name="month"):
    """``?month=2025-03`` as the first day of that month, else ``default``."""
    match = _MONTH.fullmatch(str(request.GET.get(name, "")).strip())
    if not match:
        return default
    year, month = int(match[1]), int(match[2])
    if not (YEAR_MIN <= year <= YEAR_MAX and 1 <= month <= 12):
        return default
    return dt.date(year, month, 1)


def date_param(request, default, name="date"):
    """``?date=2025-03-03`` as a date within the system's years, else ``default``."""
    text = str(request.GET.get(name, "")).strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return default
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        return default
    return value if YEAR_MIN <= value.year <= YEAR_MAX else default


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(**kwargs)


class YearFilter(django_filters.NumberFilter):
    """年度 on a date field (``lookup_expr="year"``). A value outside YEAR_MIN..YEAR_MAX is
    not applied and the filter form says why (django-filter drops invalid fields)."""

    field_class = YearField

    def __init__(self, field_name, **kwargs):
        kwargs.setdefault("lookup_expr", "year")
        kwargs.setdefault("label", "年度")
        super().__init__(field_name=field_name, **kwargs)
