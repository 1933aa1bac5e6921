"""回访 after closing: 不满意 for the organ's own reasons reopens the appeal."""


import pytest

from mofan.appeals.models import Appeal
from mofan.appeals.services import do_visit
from mofan.core import ledger
from mofan.core.indicators import REGISTRY, Period
from mofan.core.ledger import LedgerError

from .factories import appeal

pytestmark = pytest.mark.usefixtures("ledger_today")


def closed(world, **kw):
    item = appeal(world, **kw)
    admin, head = world.users["admin"], world.users["head"]
    ledger.do_assign(item, actor=admin, owner=world.head_person)
    ledger.do_accept(item, actor=head)
    ledger.do_submit(item, actor=head, result="已答复")
    return ledger.do_close(item, actor=admin)


def test_unsatisfied_for_own_reasons_reopens_the_appeal(world):
    item = closed(world)
    do_visit(item, actor=world.users["admin"], result="unsatisfied", cause="own")
    item.refresh_from_db()
    assert item.state == ledger.IN_PROGRESS and item.reopen_count == 1
    assert item.visit_result == "unsatisfied"


def test_unsatisfied_for_objective_reasons_stays_closed(world):
    item = closed(world)
    do_visit(item, actor=world.users["admin"], result="unsatisfied", cause="objective")
    item.refresh_from_db()
    assert item.state == ledger.CLOSED


def test_unsatisfied_without_a_cause_is_refused(world):
    item = closed(world)
    with pytest.raises(LedgerError):
        do_visit(item, actor=world.users["admin"], result="unsatisfied")


def test_only_the_keeper_visits_and_only_once_per_closing(world):
    item = closed(world)
    with pytest.raises(LedgerError, match="台账管理员"):
        do_visit(item, actor=world.users["head"], result="satisfied")
    do_visit(item, actor=world.users["admin"], result="satisfied")
    with pytest.raises(LedgerError, match="回访过"):
        do_visit(item, actor=world.users["admin"], result="basic")


def test_an_open_appeal_cannot_be_visited(world):
    item = appeal(world)
    with pytest.raises(LedgerError, match="销号后"):
        do_visit(item, actor=world.users["admin"], result="satisfied")


def test_visit_through_the_detail_page(world):
    item = closed(world)
    client = world.client("admin")
    assert 'id="action-visit"' in client.get(f"/appeals/items/{item.pk}/").content.decode()
    client.post(f"/appeals/items/{item.pk}/act/", {"action": "visit", "result": "basic",
                                                   "version": item.version})
    assert Appeal.objects.get(pk=item.pk).visit_result == "basic"


def test_satisfaction_and_resolved_rates(world):
    a, b, c = closed(world), closed(world), closed(world)
    appeal(world)  # open
    do_visit(a, actor=world.users["admin"], result="satisfied")
    do_visit(b, actor=world.users["admin"], result="basic")
    do_visit(c, actor=world.users["admin"], result="unsatisfied", cause="objective")
    period = Period(a.registered_on, a.registered_on)
    assert REGISTRY["appeals.satisfaction_rate"].value(world.organ.pk, period) == 66.7
    assert REGISTRY["appeals.resolved_rate"].value(world.organ.pk, period) == 50.0
