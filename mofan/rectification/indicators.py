
from functools import partial

from mofan.core import indicators
from mofan.core.indicators import count_per_organ
from mofan.core.ledger.indicators import define_indicators

from .models import Problem, Rule

indicators.add_pillar("efficiency", "效能型", 30, prefixes=("rectification.",))

indicator = partial(indicators.indicator, group="巡察整改", usage=Rule)

define_indicators(Problem, "巡察整改问题")


def _rules(period):
    """Rules issued in the period that answer at least one rectification problem."""
    return Rule.objects.filter(issued_on__gte=period.start, issued_on__lte=period.end,
                               change__in=("created", "revised"), problems__isnull=False)


@indicator("rectification.rules_created", "整改建立和完善制度数", "项",
           sources=lambda organ, period: _rules(period).filter(org__organ=organ).distinct())
def rules_created(organ_ids, period):
    return count_per_organ(_rules(period), organ_ids, distinct=True)
