"""The organ's office registers and assigns a 民情 item on one form."""

import pytest

from mofan.appeals.models import Appeal
from mofan.audit.models import AuditLog
from mofan.core import ledger

pytestmark = pytest.mark.usefixtures("ledger_today")

FORM = {"title": "路灯不亮", "source": "listen", "category": "consult", "words": "东街路灯不亮",
        "registered_on": "2025-10-20"}


def test_registered_and_assigned_in_one_post(world):
    response = world.client("admin").post("/appeals/items/new/", {
        **FORM, "assign_owner": world.head_person.pk})
    assert response.status_code == 302
    item = Appeal.objects.get(title="路灯不亮")
    assert item.state == ledger.ASSIGNED and item.owner == world.head_person
    assert item.owner_unit == world.section and item.deadline is not None
    from mofan.core.ledger.evidence import timeline

    assert list(timeline(item).order_by("id").values_list("action", flat=True)) == [
        "register", "assign"]
    assert AuditLog.objects.filter(object_type="appeals.appeal",
                                   object_id=str(item.pk)).count() >= 2


def test_without_an_owner_it_is_only_registered(world):
    world.client("admin").post("/appeals/items/new/", FORM)
    assert Appeal.objects.get(title="路灯不亮").state == ledger.REGISTERED


def test_an_owner_of_another_organ_keeps_nothing(world):
    response = world.client("admin").post("/appeals/items/new/", {
        **FORM, "assign_owner": world.outsider_person.pk})
    assert response.status_code == 422
    assert not Appeal.objects.filter(title="路灯不亮").exists()


def test_a_past_deadline_is_refused_and_nothing_is_kept(world):
    response = world.client("admin").post("/appeals/items/new/", {
        **FORM, "assign_owner": world.head_person.pk, "assign_deadline": "2020-01-01"})
    assert response.status_code == 422
    assert "交办未成功" in response.content.decode()
    assert not Appeal.objects.filter(title="路灯不亮").exists()


def test_the_form_offers_assigning_to_the_office_only(world):
    page = world.client("admin").get("/appeals/items/new/").content.decode()
    assert 'name="assign_owner"' in page and "scope=organ" in page
    item = Appeal.objects.create(org=world.organ, title="已有", source="listen",
                                 category="consult", words="x")
    edit = world.client("admin").get(f"/appeals/items/{item.pk}/edit/").content.decode()
    assert 'name="assign_owner"' not in edit
