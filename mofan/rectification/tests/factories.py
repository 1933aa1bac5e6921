from mofan.core import ledger

from ..models import InspectionRound, Problem, Rule


def first_round(world):
    return (InspectionRound.objects.filter(org=world.organ).first()
            or InspectionRound.objects.create(org=world.organ, name="县委第三轮巡察",
                                              feedback_on="2025-04-10"))


def first_problem(world):
    found = Problem.objects.filter(org=world.organ).first()
    if found:
        return found
    item = Problem(org=world.organ, inspection_round=first_round(world), category="rules",
                   title="公务接待审批不规范", description="部分接待无审批单",
                   registered_on="2025-04-12")
    return ledger.register_item(item, actor=ledger.SYSTEM)


def first_rule(world):
    return (Rule.objects.filter(org=world.organ).first()
            or Rule.objects.create(org=world.organ, title="公务接待管理办法",
                                   issued_on="2025-06-01"))
