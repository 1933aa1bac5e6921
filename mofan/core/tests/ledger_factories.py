"""Objects of the test world's first organ for every ledger URL with an id
(used by test_outsiders.OBJECT_FOR)."""

from mofan.appeals.tests.factories import first_appeal, first_file
from mofan.enterprise.tests.factories import first_demand, first_enterprise, first_meeting
from mofan.rectification.tests.factories import first_problem, first_round, first_rule
from mofan.tasks.tests.factories import first_task


def first_override(world):
    from mofan.core.models import CalendarOverride

    return (CalendarOverride.objects.filter(org=world.organ).first()
            or CalendarOverride.objects.create(org=world.organ, date="2027-01-02",
                                               kind="workday"))


def first_rule_of_deadline(world):
    from mofan.core.models import DeadlineRule

    return (DeadlineRule.objects.filter(org=world.organ).first()
            or DeadlineRule.objects.create(org=world.organ, ledger="appeals", kind="consult",
                                           days=2))


def first_errand(world):
    from mofan.core import ledger
    from mofan.core.tests.testledger.models import Errand

    return (Errand.objects.filter(org=world.organ).first()
            or ledger.register_item(Errand(org=world.organ, title="送材料"), actor=ledger.SYSTEM))


def _each(prefix, factory, names=("detail", "edit", "delete")):
    return {f"{prefix}_{n}": factory for n in names}


OBJECT_FOR = {
    "ledger:evidence": first_file,
    **_each("calendar:calendaroverride", first_override),
    **_each("ledger:deadlinerule", first_rule_of_deadline),
    **_each("tasks:task", first_task, ("detail", "edit", "delete", "act")),
    **_each("appeals:appeal", first_appeal, ("detail", "edit", "delete", "act")),
    **_each("enterprise:demand", first_demand, ("detail", "edit", "delete", "act")),
    **_each("enterprise:enterprise", first_enterprise),
    **_each("enterprise:meeting", first_meeting),
    **_each("rectification:problem", first_problem, ("detail", "edit", "delete", "act")),
    **_each("rectification:inspectionround", first_round),
    **_each("rectification:rule", first_rule, ("detail", "edit", "delete", "file")),
    **_each("testledger:errand", first_errand, ("detail", "edit", "delete", "act")),
}
