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
