"""End-of-round rating: 一般 or 差 opens a second-round item for the same problem."""

from django.db import transaction
from django.utils import timezone

from mofan.core import ledger
from mofan.core.ledger import LedgerError, Step

from .models import Problem

RATING_LABELS = dict(Problem.RATING_CHOICES)


def rate_refusal(problem, user) -> str:
    if not ledger.is_keeper(user, problem):
        return "只有台账管理员可以评定整改成效"
    if problem.state != ledger.CLOSED:
        return "销号后才能评定整改成效"
    if problem.rating:
        return "已经评定过"
    return ""


def do_rate(problem, *, actor, rating, note="", at=None):
    """Rate a closed problem; returns the second-round problem when one was opened."""
    if rating not in RATING_LABELS:
        raise LedgerError("请选择评定结果")

    def change(fresh, at):
        fresh.rating, fresh.rated_at = rating, at

    with transaction.atomic():
        ledger.record_step(problem, RATE, actor=actor, at=at, change=change, note=f"评定：{RATING_LABELS[rating]}。{note}".strip("。"),
                           data={"rating": rating})
        if rating not in Problem.SECOND_ROUND:
            return None
        follow = Problem(
            org_id=problem.org_id, inspection_round_id=problem.inspection_round_id,
            category=problem.category, leader_id=problem.leader_id,
            lead_section_id=problem.lead_section_id, measures=problem.measures,
            description=problem.description, round_no=problem.round_no + 1, parent=problem,
            title=f"（第{problem.round_no + 1}轮整改）{problem.title}"[:200],
            registered_on=timezone.localdate(problem.rated_at),
        )
        ledger.register_item(follow, actor=actor, at=at,
                             note=f"上一轮整改评定为“{RATING_LABELS[rating]}”，转入下一轮整改")
        return follow


def rate_form(request):
    return {"rating": request.POST.get("rating", "")}


RATE = Step("rate", "评定成效", do_rate, rate_refusal, form=rate_form,
            template="rectification/steps/rate.html",
            context=lambda item: {"rating_choices": Problem.RATING_CHOICES})
