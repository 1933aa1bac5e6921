from functools import partial

from django.db.models import Count, Q

from mofan.core import indicators
from mofan.core.indicators import per_organ, rate
from mofan.core.ledger import CLOSED
from mofan.core.ledger.indicators import define_indicators

from .models import Appeal

indicators.add_pillar("service", "服务型", 20, prefixes=("appeals.",))

indicator = partial(indicators.indicator, group="民情台账", usage=Appeal)

define_indicators(Appeal, "民情诉求")

SATISFIED = Q(visit_result__in=(Appeal.SATISFIED, Appeal.BASIC))
RESOLVED = Q(state=CLOSED) & ~Q(visit_result=Appeal.UNSATISFIED)


@indicator("appeals.satisfaction_rate", "民情诉求回访满意率", "%",
           sources=lambda organ, period: Appeal.objects.filter(org__organ=organ)
           .registered_in(period).exclude(visit_result=""))
def satisfaction_rate(organ_ids, period):
    """(满意 + 基本满意) / 已回访."""
    return per_organ(Appeal.objects.registered_in(period), organ_ids,
                     lambda r: rate(r["ok"], r["visited"]),
                     ok=Count("id", filter=SATISFIED),
                     visited=Count("id", filter=~Q(visit_result="")))


@indicator("appeals.resolved_rate", "民情诉求解决率", "%",
           sources=lambda organ, period: Appeal.objects.filter(org__organ=organ)
           .registered_in(period).filter(RESOLVED))
def resolved_rate(organ_ids, period):
    """已销号且回访不是“不满意” / 登记总数."""
    return per_organ(Appeal.objects.registered_in(period), organ_ids,
                     lambda r: rate(r["ok"], r["total"]),
                     ok=Count("id", filter=RESOLVED), total=Count("id"))
