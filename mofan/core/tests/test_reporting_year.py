"""One reporting year rule (DESIGN.md mechanism 9): every page that takes a year opens on
the current year while it is in progress, or on last year until the switch day."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured

from mofan.core.params import reporting_month, reporting_year

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def on(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI),
                               tick=False)


def test_january_still_reports_on_last_year_while_the_summary_is_written():
    assert reporting_year(dt.date(2026, 1, 31)) == 2025
    assert reporting_year(dt.date(2026, 2, 1)) == 2026
    assert reporting_year(dt.date(2026, 11, 27)) == 2026


def test_the_switch_day_is_a_setting(settings):
    settings.MOFAN_REPORTING_YEAR_SWITCH = "03-15"
    assert reporting_year(dt.date(2026, 3, 14)) == 2025
    assert reporting_year(dt.date(2026, 3, 15)) == 2026
    settings.MOFAN_REPORTING_YEAR_SWITCH = "01-01"  # always the current year
    assert reporting_year(dt.date(2026, 1, 1)) == 2026


@pytest.mark.parametrize("bad", ["2-30", "0201", "13-01", ""])
def test_a_malformed_switch_day_is_refused_with_the_setting_named(settings, bad):
    settings.MOFAN_REPORTING_YEAR_SWITCH = bad
    with pytest.raises(ImproperlyConfigured, match="MOFAN_REPORTING_YEAR_SWITCH"):
        reporting_year(dt.date(2026, 5, 1))


def test_a_pinned_year_wins(settings):
    settings.MOFAN_REPORTING_YEAR = 2024
    assert reporting_year(dt.date(2026, 5, 1)) == 2024
    assert reporting_month(dt.date(2026, 5, 9)) == dt.date(2024, 12, 1)


def test_month_pages_open_on_this_month_or_last_years_december():
    assert reporting_month(dt.date(2026, 5, 9)) == dt.date(2026, 5, 1)
    assert reporting_month(dt.date(2026, 1, 9)) == dt.date(2025, 12, 1)


@pytest.mark.parametrize("url", ["/", "/study/", "/tourism/"])
def test_year_pages_open_on_the_reporting_year_with_last_year_one_click_away(world, url):
    with on(dt.date(2026, 1, 20)):
        r = world.client("admin").get(url)
        assert r.status_code == 200 and r.context["year"] == 2025
    with on(dt.date(2026, 6, 20)):
        client = world.client("admin")  # a new session: the idle timeout counts the months
        r = client.get(url)
        assert r.context["year"] == 2026
        assert "‹ 2025 年" in r.content.decode() and "year=2025" in r.content.decode()
        assert client.get(url, {"year": 2025}).context["year"] == 2025


def test_my_study_opens_on_the_reporting_month(world):
    with on(dt.date(2026, 1, 20)):
        assert world.client("member").get("/study/my/").context["month"] == dt.date(2025, 12, 1)
    with on(dt.date(2026, 6, 20)):
        assert world.client("member").get("/study/my/").context["month"] == dt.date(2026, 6, 1)
