from mofan.core import ledger

from ..models import Task


def first_task(world):
    found = Task.objects.filter(org=world.organ).first()
    if found:
        return found
    item = Task(org=world.organ, campaign=world.campaign, pillar="party", measure="branches",
                title="规范支部“三会一课”", registered_on="2025-03-20")
    return ledger.register_item(item, actor=ledger.SYSTEM)
