"""The county demo's visits in bulk give what ``do_visit`` gives: fields and timeline."""

import datetime as dt
import random
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType

from mofan.appeals.demo import bulk_visit
from mofan.appeals.models import Appeal
from mofan.appeals.services import do_visit
from mofan.core.ledger.demo import BulkPlayer, after, play
from mofan.core.ledger.models import LedgerEvent

FIELDS = ["state", "closed_at", "closed_on_time", "days_to_close", "reopen_count",
          "last_action", "version", "visit_result", "visit_cause", "visited_at"]


def _timeline(item):
    return [(e.action, e.from_state, e.to_state, e.actor_id, e.at, e.note, e.data)
            for e in LedgerEvent.objects.filter(
                content_type=ContentType.objects.get_for_model(Appeal),
                object_id=item.pk).order_by("at", "id")]


@pytest.mark.parametrize("result,cause", [("satisfied", ""), ("unsatisfied", "objective"),
                                          ("unsatisfied", "own")])
def test_bulk_visit_writes_what_do_visit_writes(world, result, cause):
    def appeal():
        return Appeal(org=world.organ, title="路灯不亮", words="路灯坏了。", category="help",
                      source="visit", registered_on=dt.date(2025, 5, 6))

    keeper, owner = world.users["admin"], world.head_person
    by_engine = play(appeal(), "closed", world=SimpleNamespace(rng=random.Random(9)),
                     keeper=keeper, owner=owner)
    do_visit(by_engine, actor=keeper, result=result, cause=cause, at=after(by_engine, 2),
             note="电话回访当事人。")
    player = BulkPlayer(Appeal)
    in_bulk = player.play(appeal(), "closed", rng=random.Random(9), keeper=keeper, owner=owner)
    bulk_visit(player, in_bulk, keeper, result, cause)
    player.flush()
    by_engine.refresh_from_db()
    in_bulk.refresh_from_db()
    assert [getattr(in_bulk, f) for f in FIELDS] == [getattr(by_engine, f) for f in FIELDS]
    assert _timeline(in_bulk) == _timeline(by_engine)
    assert in_bulk.state == ("in_progress" if cause == "own" else "closed")
