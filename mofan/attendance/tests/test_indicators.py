import datetime as dt

from mofan.attendance.stats import recompute
from mofan.core.indicators import REGISTRY, Period

from .factories import THU
from .test_daily import punch

PERIOD = Period(dt.date(2025, 10, 1), dt.date(2025, 10, 31))


def test_the_rate_is_attended_over_due_days(world):
    punch(world.head_person, THU, 8, 20)
    punch(world.head_person, THU, 17, 40)
    recompute(world.organ, THU, THU)  # three people due, one present
    assert REGISTRY["attendance.rate"].value(world.organ.pk, PERIOD) == 33.3


def test_an_organ_without_statistics_reads_no_data(world):
    values = REGISTRY["attendance.late"].values([world.other.pk], PERIOD)
    assert values == {world.other.pk: None}
    assert REGISTRY["attendance.rate"].value(world.other.pk, PERIOD) is None


def test_the_absent_figure_opens_its_person_days(world):
    recompute(world.organ, THU, THU)
    ind = REGISTRY["attendance.absent"]
    assert ind.value(world.organ.pk, PERIOD) == 3
    assert ind.sources(world.organ, PERIOD).count() == 3


def test_every_attendance_indicator_is_registered():
    keys = {"rate", "late", "severe_late", "early_leave", "missing_punch", "absent",
            "explanations_approved", "bulletins_published", "handled_cases", "spot_checks"}
    assert {f"attendance.{k}" for k in keys} <= REGISTRY.keys()


def test_the_rate_and_the_anomaly_counts_read_one_grouped_query_for_all_organs(
        world, django_assert_num_queries):
    """A county year is a million person-days: the six figures share one scan, and an
    organ that never imported reads "—" after one EXISTS query, not a DISTINCT."""
    from mofan.core import indicators

    punch(world.head_person, THU, 8, 40)  # late, and no second punch: 缺卡
    recompute(world.organ, THU, THU)
    keys = ["attendance.rate", "attendance.late", "attendance.severe_late",
            "attendance.early_leave", "attendance.missing_punch", "attendance.absent"]
    with django_assert_num_queries(2):
        table = indicators.table([world.organ.pk, world.other.pk], PERIOD, keys)
    assert table["attendance.rate"] == {world.organ.pk: 33.3, world.other.pk: None}
    assert table["attendance.absent"][world.organ.pk] == 2
    assert table["attendance.missing_punch"][world.organ.pk] == 1
    assert all(table[k][world.other.pk] is None for k in keys)
