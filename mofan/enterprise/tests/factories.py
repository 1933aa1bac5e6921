import datetime as dt

from mofan.core import ledger

from ..models import (
    ChainCommittee,
    ChainMeeting,
    Demand,
    Enterprise,
    Meeting,
    SupportKind,
    SupportRecord,
    VoucherBatch,
)


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


def first_committee(world):
    return (ChainCommittee.objects.filter(org=world.organ).first()
            or ChainCommittee.objects.create(org=world.organ, name="测试县文旅产业链联合党委",
                                             founded_on=dt.date(2024, 1, 1), secretary="张书记",
                                             member_units="县商务局党组\n县农商银行党委"))


def first_chain_meeting(world):
    return (ChainMeeting.objects.filter(org=world.organ).first()
            or ChainMeeting.objects.create(committee=first_committee(world), kind="dispatch",
                                           held_on="2025-03-05", topic="3月份调度"))


def first_support(world):
    return (SupportRecord.objects.filter(org=world.organ).first()
            or SupportRecord.objects.create(org=world.organ, enterprise=first_enterprise(world),
                                            kind=kind("equipment_loan"), amount="1500000.00",
                                            date="2025-04-18"))


def first_voucher(world):
    return (VoucherBatch.objects.filter(org=world.organ).first()
            or VoucherBatch.objects.create(org=world.organ, title="第一批消费券",
                                           issued_on="2025-05-01", amount_issued="1000000"))


def kind(code):
    SupportKind.ensure_defaults()
    return SupportKind.objects.get(code=code)


def _each(prefix, factory, names=("detail", "edit", "delete")):
    return {f"{prefix}_{n}": factory for n in names}


# Objects of the test world's first organ for the id URLs of this app that the ledger's
# table (core/tests/ledger_factories.py) does not name; used by test_outsiders.
OBJECT_FOR = {
    **_each("enterprise:chaincommittee", first_committee),
    **_each("enterprise:chainmeeting", first_chain_meeting),
    **_each("enterprise:supportrecord", first_support),
    **_each("enterprise:voucherbatch", first_voucher),
    "enterprise:meeting_register_demands": first_meeting,
}
