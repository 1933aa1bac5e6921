import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.core import indicators
from mofan.core.indicators import REGISTRY, Period, table

KEYS = [k for k in REGISTRY if k.startswith("ledgers.appeals.")]


def test_a_ledgers_five_indicators_share_one_query_in_a_table(world):
    assert len(KEYS) == 5
    with CaptureQueriesContext(connection) as ctx:
        together = table([world.organ.pk, world.other.pk], Period.year(2025), KEYS)
    assert len(ctx.captured_queries) <= 2  # the rows, and which organs use the ledger at all
    alone = {k: REGISTRY[k].values([world.organ.pk, world.other.pk], Period.year(2025))
             for k in KEYS}
    assert together == alone


def test_an_organ_that_never_used_a_module_has_no_data_not_zero(world):
    from mofan.orgs.models import Org

    empty = Org.objects.create(name="新设机关", code="empty", kind=Org.ORGAN, parent=world.committee)
    values = {k: v[empty.pk] for k, v in table([empty.pk], Period.year(2025)).items()}
    assert set(values) == set(REGISTRY)
    assert values["ledgers.appeals.total"] is None
    assert values["study.central_group_sessions"] is None
    assert values["orgs.staff_count"] == 0  # people are counted, not a module one may skip


def test_a_rate_with_nothing_to_divide_is_no_data(world):
    from mofan.orgs.models import Org

    empty = Org.objects.create(name="新设机关", code="empty", kind=Org.ORGAN, parent=world.committee)
    values = table([empty.pk], Period.year(2025))
    rates = {k: v[empty.pk] for k, v in values.items() if REGISTRY[k].unit == "%"}
    assert rates and set(rates.values()) == {None}


def test_shared_rows_do_not_leak_between_tables(world):
    calls = []
    indicators.shared("k", lambda: calls.append(1))
    indicators.shared("k", lambda: calls.append(1))
    assert calls == [1, 1]  # outside table() nothing is remembered


def test_a_series_is_each_periods_table_asking_once_which_organs_use_a_module(world):
    from mofan.appeals.tests.factories import appeal
    from mofan.orgs.models import Org

    appeal(world, registered_on=dt.date(2025, 3, 5))
    empty = Org.objects.create(name="新设机关", code="empty", kind=Org.ORGAN, parent=world.committee)
    ids = [world.organ.pk, empty.pk]
    months = [Period(dt.date(2025, m, 1), dt.date(2025 + (m == 12), m % 12 + 1, 1)
                     - dt.timedelta(days=1)) for m in range(1, 13)]
    with CaptureQueriesContext(connection) as ctx:
        together = indicators.series(ids, months, KEYS)
    # A month's rows each (the ledger's five share them), and "which organs ever used the
    # ledger" once for the twelve months, not once a month.
    assert sum("EXISTS" in q["sql"] for q in ctx.captured_queries) == 1
    assert len(ctx.captured_queries) == len(months) + 1
    assert together == [table(ids, month, KEYS) for month in months]
    assert [values["ledgers.appeals.total"][world.organ.pk] for values in together] == [
        0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert all(values["ledgers.appeals.total"][empty.pk] is None for values in together)


def test_a_family_of_counts_is_one_query_and_each_member_its_own_count(world):
    from mofan.study.indicators import KINDS, _sessions
    from mofan.study.models import StudySession
    from mofan.study.tests.factories import leading_group, session

    session(world, kind=StudySession.BRANCH, roll=False)
    session(world, kind=StudySession.BRANCH, roll=False)
    session(world, kind=StudySession.LECTURE, roll=False, leader_lecture=True)
    session(world, kind=StudySession.CENTRAL_GROUP, party_org=leading_group(world), roll=False)
    ids = [world.organ.pk, world.other.pk]
    with CaptureQueriesContext(connection) as ctx:
        together = table(ids, Period.year(2025), list(KINDS))
    assert sum("COUNT" in q["sql"] for q in ctx.captured_queries) == 1
    for key, only in KINDS.items():
        alone = indicators.count_per_organ(_sessions(Period.year(2025)).filter(only), ids)
        assert together[key][world.organ.pk] == alone.get(world.organ.pk, 0), key
    assert together["study.branch_sessions"][world.organ.pk] == 2
    assert together["study.leader_lectures"][world.organ.pk] == 1
    assert together["study.seminars"][world.organ.pk] == 0  # uses the module, none of these
    assert together["study.branch_sessions"][world.other.pk] is None  # never used it
