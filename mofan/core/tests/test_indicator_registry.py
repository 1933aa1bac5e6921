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
