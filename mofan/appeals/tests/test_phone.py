"""Issue 9 item 7: a citizen's number in full for whom must call back, masked for the rest,
and every view of it in full audited; phone numbers validated on every form and import."""

import pytest
from django.core.exceptions import ValidationError

from mofan.appeals.tests.factories import appeal
from mofan.audit.models import AuditLog
from mofan.core import ledger
from mofan.core.masking import validate_phone
from mofan.enterprise.models import Enterprise

FULL, MASKED = "13912345678", "139****5678"

pytestmark = pytest.mark.usefixtures("ledger_today")


def reveals(obj):
    return AuditLog.objects.filter(action="view_phone", object_type=obj._meta.label_lower,
                                   object_id=str(obj.pk))


def assigned(world):
    item = appeal(world)
    ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person)
    return item


def test_the_owner_who_calls_back_sees_the_number_in_full_and_each_view_is_audited(world):
    item = assigned(world)
    client = world.client("head")
    for _ in range(2):
        page = client.get(f"/appeals/items/{item.pk}/").content.decode()
        assert FULL in page
    assert reveals(item).count() == 2  # one row per view
    row = reveals(item).first()
    assert row.user_name and "联系电话" in row.object_label


def test_the_organs_administrator_sees_it_in_full(world):
    item = assigned(world)
    assert FULL in world.client("admin").get(f"/appeals/items/{item.pk}/").content.decode()
    assert reveals(item).count() == 1


def test_the_committee_sees_the_number_masked_and_nothing_is_audited(world):
    item = assigned(world)
    page = world.client("committee").get(f"/appeals/items/{item.pk}/").content.decode()
    assert MASKED in page and FULL not in page
    assert not reveals(item).exists()


def test_a_head_who_is_not_the_owner_sees_it_masked(world):
    item = appeal(world)  # registered in the organ, not assigned to him
    item.org = world.section
    item.save()
    page = world.client("head").get(f"/appeals/items/{item.pk}/").content.decode()
    assert MASKED in page and FULL not in page
    assert not reveals(item).exists()


def test_the_list_and_the_export_stay_masked_for_the_owner(world):
    assigned(world)
    page = world.client("head").get("/appeals/items/").content.decode()
    assert FULL not in page
    assert not AuditLog.objects.filter(action="view_phone").exists()


def test_a_person_sees_his_own_number_others_of_his_section_do_not(world):
    client = world.client("head")
    own = client.get(f"/orgs/people/{world.head_person.pk}/").content.decode()
    assert "13812345678" in own
    world.member_person.phone = "13700001111"
    world.member_person.save()
    page = world.client("member").get(f"/orgs/people/{world.head_person.pk}/")
    assert page.status_code == 404 or "13812345678" not in page.content.decode()


def test_an_enterprise_number_is_full_for_the_organs_administrator_only(world):
    e = Enterprise.objects.create(org=world.organ, name="某公司", phone="0797-8123456")
    assert "0797-8123456" in world.client("admin").get(
        f"/enterprise/companies/{e.pk}/").content.decode()
    page = world.client("committee").get(f"/enterprise/companies/{e.pk}/").content.decode()
    assert "0797-8123456" not in page
    assert reveals(e).count() == 1


@pytest.mark.parametrize("good", ["13812345678", "19912345678", "0797-8123456", "010-12345678",
                                  "07978123456"])
def test_mobiles_and_landlines_with_an_area_code_are_accepted(good):
    validate_phone(good)


@pytest.mark.parametrize("bad", ["1234567", "12812345678", "138123456789", "8123456",
                                 "0797-812", "138-1234-5678", "电话"])
def test_short_or_malformed_numbers_are_refused(bad):
    with pytest.raises(ValidationError):
        validate_phone(bad)


def test_the_appeal_form_refuses_a_seven_digit_number(world):
    response = world.client("admin").post("/appeals/items/new/", {
        "title": "路灯不亮", "source": "listen", "category": "help", "words": "路灯坏了",
        "contact": "8123456", "registered_on": "2025-10-10"})
    assert response.status_code == 422 and "11 位手机号" in response.content.decode()


def test_the_people_form_refuses_a_seven_digit_number(world):
    response = world.client("admin").post("/orgs/people/new/", {
        "name": "新同志", "gender": "M", "org": world.section.pk, "phone": "8123456",
        "political_status": "masses", "sort": 0})
    assert response.status_code == 422 and "11 位手机号" in response.content.decode()
