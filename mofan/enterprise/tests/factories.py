from mofan.core import ledger

from ..models import Demand, Enterprise, Meeting


def first_enterprise(world):
    return (Enterprise.objects.filter(org=world.organ).first()
            or Enterprise.objects.create(org=world.organ, name="示例文旅有限公司"))


def first_meeting(world):
    return (Meeting.objects.filter(org=world.organ).first()
            or Meeting.objects.create(org=world.organ, kind="night", held_on="2025-05-20",
                                      topic="文旅企业政企夜谈"))


def first_demand(world):
    found = Demand.objects.filter(org=world.organ).first()
    if found:
        return found
    item = Demand(org=world.organ, enterprise=first_enterprise(world),
                  meeting=first_meeting(world), demand_type="funds",
                  title="申请消费券配套资金", content="希望安排消费券配套资金",
                  registered_on="2025-05-20")
    return ledger.register_item(item, actor=ledger.SYSTEM)
