from mofan.core import ledger
from mofan.core.ledger import LedgerError, Step


def inspect_refusal(errand, user) -> str:
    if not ledger.is_keeper(user, errand):
        return "只有台账管理员可以验收"
    if errand.state != ledger.CLOSED or errand.inspected_by:
        return "销号后验收一次"
    return ""


def do_inspect(errand, *, actor, inspector, note="", at=None):
    if not inspector.strip():
        raise LedgerError("请填写验收人")

    def change(fresh, at):
        fresh.inspected_by = inspector.strip()

    return ledger.record_step(errand, INSPECT, actor=actor, note=note, at=at, change=change)


INSPECT = Step("inspect", "验收", do_inspect, inspect_refusal,
               form=lambda request: {"inspector": request.POST.get("inspector", "")},
               template="testledger/inspect.html")
