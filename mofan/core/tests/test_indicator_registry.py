from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.core import indicators
from mofan.core.indicators import REGISTRY, Period, table

KEYS = [k for k in REGISTRY if k.startswith("ledgers.appeals.")]


def test_a_ledgers_five_indicators_share_one_query_in_a_table(world):
    assert len(KEYS) == 5
    with CaptureQueriesContext(connection) as ctx:
        together = table([world.organ.pk, world.other.pk], Period.year(2025), KEYS)
    assert len(ctx.captured_queries) == 1
    alone = {k: REGISTRY[k].values([world.organ.pk, world.other.pk], Period.year(2025))
             for k in KEYS}
    assert together == alone


def test_every_indicator_answers_zero_for_an_organ_without_records(world):
    from mofan.orgs.models import Org

    empty = Org.objects.create(name="新设机关", code="empty", kind=Org.ORGAN, parent=world.committee)
    values = table([empty.pk], Period.year(2025))
    assert set(values) == set(REGISTRY)
    assert {k: v[empty.pk] for k, v in values.items() if v[empty.pk] != 0} == {}


def test_shared_rows_do_not_leak_between_tables(world):
    calls = []
    indicators.shared("k", lambda: calls.append(1))
    indicators.shared("k", lambda: calls.append(1))
    assert calls == [1, 1]  # outside table() nothing is remembered
