"""A ledger declared only in test code (``testledger``) lives its whole life through the
same screens, action table and engine as the project's ledgers — core is not edited."""

import datetime as dt
import re
from pathlib import Path

import pytest

from mofan.core import ledger
from mofan.core.ledger.views import DeadlineRuleForm
from mofan.core.models import DeadlineRule, LedgerEvent
from mofan.core.tests.testledger.models import Errand

pytestmark = pytest.mark.usefixtures("ledger_today")  # 2025-10-20, a Monday
D = dt.date


def act(client, pk, action, **data):
    item = Errand.objects.get(pk=pk)
    return client.post(f"/testledger/errands/{pk}/act/",
                       {"action": action, "version": item.version, **data})


def registered(world, **fields):
    client = world.client("admin")
    response = client.post("/testledger/errands/new/", {
        "title": "送材料到县档案馆", "place": "县档案馆", "registered_on": "2025-10-20", **fields})
    assert response.status_code == 302
    return Errand.objects.get()


def test_a_ledger_defined_in_test_code_runs_register_to_close_and_its_own_step(world):
    admin, head = world.client("admin"), world.client("head")
    errand = registered(world)
    act(admin, errand.pk, "assign", owner=world.head_person.pk)
    act(head, errand.pk, "accept")
    act(head, errand.pk, "submit", result="已送达，档案馆签收")
    act(admin, errand.pk, "close", note="同意销号", confirmed="1")
    act(admin, errand.pk, "inspect", inspector="王馆长")
    errand.refresh_from_db()
    assert errand.state == ledger.CLOSED and errand.inspected_by == "王馆长"
    labels = [e.action_label for e in ledger.timeline(errand)]
    assert labels == ["登记", "交办", "签收", "申请销号", "销号", "验收"]


def test_the_extra_step_is_offered_only_when_its_own_rule_allows(world):
    errand = registered(world)
    page = world.client("admin").get(f"/testledger/errands/{errand.pk}/").content.decode()
    assert 'id="action-assign"' in page and 'id="action-inspect"' not in page


def test_the_extra_step_refused_by_its_rule_changes_nothing(world):
    errand = registered(world)
    act(world.client("admin"), errand.pk, "inspect", inspector="王馆长")
    errand.refresh_from_db()
    assert errand.inspected_by == "" and errand.version == 1
    assert not LedgerEvent.objects.filter(action="inspect").exists()


def test_an_action_the_ledger_does_not_declare_is_refused(world):
    errand = registered(world)
    response = act(world.client("admin"), errand.pk, "visit")
    assert response.status_code == 302
    errand.refresh_from_db()
    assert errand.version == 1


def test_the_declared_time_limit_and_kind_apply(world):
    errand = registered(world, express="on")
    act(world.client("admin"), errand.pk, "assign", owner=world.head_person.pk)
    errand.refresh_from_db()
    assert errand.deadline == D(2025, 10, 20)  # 加急: 0 working days, same day


def test_an_organs_time_limit_for_the_new_ledger_needs_no_core_migration(world):
    form = DeadlineRuleForm({"org": world.organ.pk, "ledger": "testledger", "kind": "express",
                             "days": 1})
    assert form.is_valid(), form.errors
    rule = form.save()
    assert rule.ledger_label == "跑腿事项" and rule.kind_label == "加急"
    assert DeadlineRule.objects.count() == 1


def test_a_kind_the_ledger_does_not_declare_is_refused(world):
    form = DeadlineRuleForm({"org": world.organ.pk, "ledger": "tasks", "kind": "express",
                             "days": 1})
    assert not form.is_valid() and "kind" in form.errors


def test_the_new_ledger_appears_in_my_todo(world):
    registered(world)
    page = world.client("admin").get("/ledger/todo/").content.decode()
    assert 'id="todo-testledger"' in page and "送材料到县档案馆" in page


CORE = Path(__file__).resolve().parents[1]
TEMPLATES = CORE.parent / "templates"
DOMAIN_WORDS = re.compile(r"appeals|rectification|enterprise|mofan\.tasks|tasks:|study|"
                          r"回访|评定|民情|巡察|纾困|创建任务")


def test_core_names_no_ledger_or_domain_app():
    files = [p for p in CORE.rglob("*.py") if not {"tests", "migrations"} & set(p.parts)]
    files += [p for d in ("core", "ledger", "calendar") for p in (TEMPLATES / d).rglob("*.html")]
    found = {str(p.relative_to(CORE.parent)): m.group(0) for p in files
             if (m := DOMAIN_WORDS.search(p.read_text(encoding="utf-8")))}
    assert found == {}

