"""回访 (follow-up) of a closed appeal: 不满意 for the organ's own reasons reopens it."""

from django.db import transaction
from django.utils import timezone

from mofan.core import ledger
from mofan.core.ledger import LedgerError, Step

from .models import Appeal

VISIT_LABELS = dict(Appeal.VISIT_CHOICES)


def visit_refusal(appeal, user) -> str:
    if not ledger.is_keeper(user, appeal):
        return "只有台账管理员可以回访"
    if appeal.state != ledger.CLOSED:
        return "销号后才能回访"
    if appeal.last_action != "close":
        return "本次销号已经回访过"
    return ""


def do_visit(appeal, *, actor, result, cause="", note="", at=None):
    if result not in VISIT_LABELS:
        raise LedgerError("请选择回访结果")
    if result == Appeal.UNSATISFIED and cause not in dict(Appeal.CAUSE_CHOICES):
        raise LedgerError("回访不满意时请选择原因")
    at = at or timezone.now()

    def change(fresh, at):
        fresh.visit_result = result
        fresh.visit_cause = cause if result == Appeal.UNSATISFIED else ""
        fresh.visited_at = at

    text = f"回访：{VISIT_LABELS[result]}" + (f"。{note}" if note else "")
    with transaction.atomic():
        ledger.record_step(appeal, VISIT, actor=actor, note=text, at=at, change=change,
                           data={"result": result, "cause": cause})
        if result == Appeal.UNSATISFIED and cause == "own":
            ledger.do_reopen(appeal, actor=actor, at=at,
                             reason=f"回访不满意（本单位办理原因），重新办理。{note}".strip())
    return appeal


def visit_form(request):
    return {"result": request.POST.get("result", ""), "cause": request.POST.get("cause", "")}


VISIT = Step("visit", "回访", do_visit, visit_refusal, form=visit_form,
             template="appeals/steps/visit.html",
             context=lambda item: {"visit_choices": Appeal.VISIT_CHOICES,
                                   "cause_choices": Appeal.CAUSE_CHOICES})
