from django.db.models import Count, Q

from mofan.core.indicators import indicator, rate
from mofan.core.ledger import CLOSED, define_indicators

from .models import Appeal

define_indicators(Appeal, "民情诉求")

SATISFIED = Q(visit_result__in=(Appeal.SATISFIED, Appeal.BASIC))
RESOLVED = Q(state=CLOSED) & ~Q(visit_result=Appeal.UNSATISFIED)


def _in(organ_ids, period):
    return Appeal.objects.filter(org__organ__in=organ_ids).registered_in(period)


@indicator("appeals.satisfaction_rate", "民情诉求回访满意率", "%",
           sources=lambda organ, period: Appeal.objects.filter(org__organ=organ)
           .registered_in(period).exclude(visit_result=""))
def satisfaction_rate(organ_ids, period):
    """(满意 + 基本满意) / 已回访."""
    rows = (_in(organ_ids, period).values("org__organ")
            .annotate(ok=Count("id", filter=SATISFIED),
                      visited=Count("id", filter=~Q(visit_result="")))
            .order_by())
    return {r["org__organ"]: rate(r["ok"], r["visited"]) for r in rows}


@indicator("appeals.resolved_rate", "民情诉求解决率", "%",
           sources=lambda organ, period: Appeal.objects.filter(org__organ=organ)
           .registered_in(period).filter(RESOLVED))
def resolved_rate(organ_ids, period):
    """已销号且回访不是“不满意” / 登记总数."""
    rows = (_in(organ_ids, period).values("org__organ")
            .annotate(ok=Count("id", filter=RESOLVED), total=Count("id"))
            .order_by())
    return {r["org__organ"]: rate(r["ok"], r["total"]) for r in rows}
