"""Issue #3 "Done when": the demo's 办公室股长 works an overdue appeal to 销号."""

import json
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from mofan.accounts.models import User
from mofan.appeals.models import Appeal
from mofan.audit.models import AuditLog
from mofan.core import ledger
from mofan.core.views import default_year


def login(username):
    user = User.objects.get(username=username)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


def act(client, item, action, **data):
    item.refresh_from_db()
    return client.post(f"/appeals/items/{item.pk}/act/",
                       {"action": action, "version": item.version, **data}, follow=True)


def test_demo_has_items_in_every_state_some_returned_and_reopened(demo):
    states = set(Appeal.objects.values_list("state", flat=True))
    assert states == {s for s, _ in ledger.STATE_CHOICES}
    assert Appeal.objects.filter(return_count__gt=0).exists()
    assert Appeal.objects.filter(reopen_count__gt=0).exists()
    assert Appeal.objects.overdue().exists()


def test_head_works_an_overdue_appeal_and_the_keeper_returns_then_closes_it(demo):
    head, keeper = login("wgxlj_bgs"), login("wgxlj_admin")
    page = head.get("/ledger/todo/").content.decode()
    assert "已逾期" in page
    me = User.objects.get(username="wgxlj_bgs").person
    item = Appeal.objects.overdue().filter(owner=me, state=ledger.ASSIGNED).first()
    assert item is not None and item.title in page

    assert "已签收" in act(head, item, "accept").content.decode()
    act(head, item, "submit", result="已协调演出方将结束时间提前到晚上九点。")
    assert "已退回" in act(keeper, item, "return", note="请附上与演出方的协调记录").content.decode()
    act(head, item, "submit", result="已附协调记录，演出时间调整到位。")
    act(keeper, item, "close", note="同意销号", confirmed="1")
    item.refresh_from_db()
    assert item.state == ledger.CLOSED and item.return_count == 1

    steps = list(ledger.timeline(item).values_list("action", flat=True))
    assert steps[-5:] == ["accept", "submit", "return", "submit", "close"]
    audit = AuditLog.objects.filter(object_type="appeals.appeal", object_id=str(item.pk),
                                    action="transition")
    assert audit.count() >= 5
    detail = keeper.get(f"/appeals/items/{item.pk}/").content.decode()
    assert "请附上与演出方的协调记录" in detail

    export = keeper.get("/appeals/items/?export=xlsx")
    ws = load_workbook(BytesIO(export.content)).active
    assert ws.max_row - 2 == Appeal.objects.filter(org__code="wgxlj").count()


def test_indicators_of_the_demo_match_the_list_pages(demo):
    out = StringIO()
    year = default_year()
    call_command("indicators", "--org", "wgxlj", "--format", "json", "--prefix", "ledgers.",
                 stdout=out)
    data = json.loads(out.getvalue())
    keeper = login("wgxlj_admin")
    span = f"start={year}-01-01&end={year}-12-31"
    for key, url in [("appeals", "/appeals/items/"), ("tasks", "/tasks/items/"),
                     ("enterprise", "/enterprise/demands/"),
                     ("rectification", "/rectification/problems/")]:
        count = lambda q, url=url: keeper.get(f"{url}?{span}&{q}").context["page"].paginator.count  # noqa: E731
        assert data[f"ledgers.{key}.total"]["value"] == count("") > 0, key
        assert data[f"ledgers.{key}.closed"]["value"] == count("state=closed"), key
        assert data[f"ledgers.{key}.overdue_open"]["value"] == count("overdue=1"), key


def _ledger_fingerprint(seed):
    from django.db import transaction

    from mofan.rectification.models import Problem
    from mofan.tasks.models import Task

    with transaction.atomic():
        call_command("load_demo", "--seed", str(seed), "--year", "2024", stdout=StringIO())
        rows = [list(m.objects.order_by("id").values_list("title", "state", "deadline",
                                                          "owner__name", "closed_at"))
                for m in (Appeal, Task, Problem)]
        transaction.set_rollback(True)
    return rows


def test_demo_ledgers_are_the_same_for_the_same_seed(db):
    assert _ledger_fingerprint(5) == _ledger_fingerprint(5)
