"""纾困解难诉求: demands raised at meetings, assigned and closed like any ledger item."""


import pytest

from mofan.core import ledger
from mofan.enterprise.models import Enterprise

from .factories import first_demand

pytestmark = pytest.mark.usefixtures("ledger_today")


def test_a_demand_runs_through_the_workflow(world):
    demand = first_demand(world)
    admin, head = world.users["admin"], world.users["head"]
    ledger.do_assign(demand, actor=admin, owner=world.head_person)
    ledger.do_accept(demand, actor=head)
    ledger.do_submit(demand, actor=head, result="已协调资金")
    ledger.do_close(demand, actor=admin)
    assert demand.state == ledger.CLOSED


def test_demand_list_filters_by_type_and_meeting(world):
    demand = first_demand(world)
    client = world.client("admin")
    page = client.get(f"/enterprise/demands/?demand_type=funds&meeting={demand.meeting_id}")
    assert "共 1 条" in page.content.decode()
    assert "共 0 条" in client.get("/enterprise/demands/?demand_type=land").content.decode()


def test_enterprise_added_by_an_admin_belongs_to_his_organ(world):
    world.client("admin").post("/enterprise/companies/new/", {"name": "新企业"})
    assert Enterprise.objects.get(name="新企业").org == world.organ


def test_enterprise_phone_is_masked_in_the_list(world):
    Enterprise.objects.create(org=world.organ, name="某公司", phone="13812340000")
    page = world.client("admin").get("/enterprise/companies/").content.decode()
    assert "138****0000" in page and "13812340000" not in page
