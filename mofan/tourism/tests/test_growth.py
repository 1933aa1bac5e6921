"""Year-on-year growth: over the months present in both years, None (“无上年同期数据”) when
last year is missing, never 0 %."""

import datetime as dt
from decimal import Decimal

from mofan.core.indicators import REGISTRY, Period
from mofan.tourism.services import growth, year_table

from .factories import area, month

YEAR = Period.year(2025)


def value(key, organ, period=YEAR):
    return REGISTRY[key].value(organ.pk, period)


def test_growth_with_every_month_of_last_year(world):
    for m in range(1, 13):
        month(world, 2024, m, 1000, "10000")
        month(world, 2025, m, 1200, "11000")
    assert value("tourism.visitors", world.organ) == 14400
    assert value("tourism.visitors_yoy", world.organ) == 20.0
    assert value("tourism.revenue_yoy", world.organ) == 10.0


def test_growth_uses_only_the_months_present_in_both_years(world):
    month(world, 2024, 1, 100)   # January has no 2025 month: left out
    month(world, 2024, 2, 1000)
    month(world, 2025, 2, 1500)
    month(world, 2025, 3, 9999)  # March has no 2024 month: left out of the growth
    assert value("tourism.visitors_yoy", world.organ) == 50.0
    assert value("tourism.visitors", world.organ) == 11499  # the year's figure keeps March


def test_growth_without_last_year_is_no_data_not_zero(world):
    month(world, 2025, 1, 1000, "5000")
    assert value("tourism.visitors_yoy", world.organ) is None
    assert value("tourism.revenue_yoy", world.organ) is None
    assert value("tourism.visitors", world.organ) == 1000


def test_an_organ_without_any_tourism_month_has_no_figures(world):
    month(world, 2025, 1, 1000)
    assert value("tourism.visitors", world.other) is None
    assert value("tourism.revenue", world.other) is None


def test_revenue_growth_skips_months_whose_revenue_was_not_reported(world):
    month(world, 2024, 1, 100, "1000")
    month(world, 2024, 2, 100)            # revenue not reported last February
    month(world, 2025, 1, 100, "1100")
    month(world, 2025, 2, 100, "5000")
    assert value("tourism.revenue_yoy", world.organ) == 10.0


def test_a_fall_is_a_negative_growth(world):
    month(world, 2024, 5, 2000)
    month(world, 2025, 5, 1500)
    assert value("tourism.visitors_yoy", world.organ) == -25.0


def test_nothing_last_year_to_divide_by_is_no_growth():
    assert growth({1: 100}, {1: 0}) is None
    assert growth({}, {}) is None


def test_revenue_is_summed_exactly_and_shown_in_wan_yuan(world):
    month(world, 2025, 1, 10, "12345.67")
    month(world, 2025, 2, 10, "10000.01")
    assert value("tourism.revenue", world.organ) == 2.23  # 22345.68 元


def test_scenic_area_months_do_not_add_to_the_county_total(world):
    spot = area(world)
    month(world, 2025, 1, 1000)
    month(world, 2025, 1, 400, scenic_area=spot)
    assert value("tourism.visitors", world.organ) == 1000


def test_growth_sources_are_both_years_months_compared(world):
    kept = [month(world, 2024, 2, 1000), month(world, 2025, 2, 1500)]
    month(world, 2025, 3, 10)
    rows = REGISTRY["tourism.visitors_yoy"].sources(world.organ, YEAR)
    assert sorted(r.pk for r in rows) == sorted(r.pk for r in kept)


def test_growth_of_part_of_a_year_compares_the_same_months(world):
    month(world, 2024, 3, 100)
    month(world, 2024, 4, 999)
    month(world, 2025, 3, 150)
    month(world, 2025, 4, 1)
    march = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    assert value("tourism.visitors_yoy", world.organ, march) == 50.0


def test_the_year_table_marks_each_month_and_totals_over_common_months(world):
    month(world, 2024, 2, 1000, "10000")
    month(world, 2025, 1, 500, "5000")
    month(world, 2025, 2, 1100, "12000")
    months, totals = year_table(world.organ, 2025)
    assert months[0].visitors_growth is None and months[1].visitors_growth == 10.0
    assert totals["visitors"] == 1600 and totals["visitors_growth"] == 10.0
    assert totals["revenue_wan"] == Decimal("1.70") and totals["revenue_growth"] == 20.0


def test_the_summary_page_says_no_last_year_data_instead_of_zero(world):
    month(world, 2025, 1, 1000, "5000")
    page = world.client("admin").get("/tourism/?year=2025").content.decode()
    assert "无上年同期数据" in page and "0.0%" not in page


def test_the_summary_page_of_the_other_organ_holds_none_of_these_figures(world):
    month(world, 2025, 1, 4242, "5000")
    mine = world.client("admin").get("/tourism/?year=2025").content.decode()
    page = world.client("outsider").get("/tourism/?year=2025").content.decode()
    assert "4242" in mine
    assert "4242" not in page and "测试县文广新旅局" not in page
