"""巡察整改: ratings open a second round; rules are counted."""

import datetime as dt

import pytest

from mofan.core import ledger
from mofan.core.indicators import REGISTRY, Period
from mofan.core.ledger import LedgerError
from mofan.rectification.models import Problem, Rule
from mofan.rectification.services import do_rate

from .factories import first_problem

pytestmark = pytest.mark.usefixtures("ledger_today")


def closed(world):
    item = first_problem(world)
    admin, head = world.users["admin"], world.users["head"]
    ledger.do_assign(item, actor=admin, owner=world.head_person)
    ledger.do_accept(item, actor=head)
    ledger.do_submit(item, actor=head, result="已修订制度")
    return ledger.do_close(item, actor=admin)


@pytest.mark.parametrize("rating", ["average", "poor"])
def test_a_weak_rating_opens_a_second_round_item(world, rating):
    item = closed(world)
    follow = do_rate(item, actor=world.users["admin"], rating=rating)
    assert follow.state == ledger.REGISTERED and follow.round_no == 2
    assert follow.parent == item and "第2轮" in follow.title


@pytest.mark.parametrize("rating", ["good", "fair_good"])
def test_a_good_rating_closes_the_matter(world, rating):
    item = closed(world)
    assert do_rate(item, actor=world.users["admin"], rating=rating) is None
    assert Problem.objects.count() == 1


def test_rating_an_open_problem_is_refused(world):
    with pytest.raises(LedgerError, match="销号后"):
        do_rate(first_problem(world), actor=world.users["admin"], rating="good")


def test_the_owner_may_not_rate(world):
    item = closed(world)
    with pytest.raises(LedgerError, match="台账管理员"):
        do_rate(item, actor=world.users["head"], rating="good")


def test_rules_created_counts_rules_linked_to_problems(world):
    item = first_problem(world)
    linked = Rule.objects.create(org=world.organ, title="接待办法", issued_on=dt.date(2025, 6, 1))
    linked.problems.add(item)
    Rule.objects.create(org=world.organ, title="无关制度", issued_on=dt.date(2025, 6, 1))
    value = REGISTRY["rectification.rules_created"].value(world.organ.pk, Period.year(2025))
    assert value == 1


def test_problem_detail_lists_its_rules(world):
    item = first_problem(world)
    Rule.objects.create(org=world.organ, title="接待办法", issued_on=dt.date(2025, 6, 1)
                        ).problems.add(item)
    page = world.client("admin").get(f"/rectification/problems/{item.pk}/").content.decode()
    assert "接待办法" in page


def test_rule_file_must_be_a_document(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = world.client("admin").post("/rectification/rules/new/", {
        "title": "x", "issued_on": "2025-06-01", "status": "current", "change": "created",
        "file": SimpleUploadedFile("x.exe", b"MZ")})
    assert response.status_code == 422
