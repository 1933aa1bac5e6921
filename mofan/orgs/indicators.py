from functools import partial

from django.db.models import Q

from mofan.core import indicators
from mofan.core.indicators import count_per_organ

from .models import PartyOrg, Person

indicators.add_pillar("basics", "基本情况", 5, prefixes=("orgs.",))

indicator = partial(indicators.indicator, group="组织与人员")


def _people(period):
    """Staff on the books at some point in the period."""
    return Person.objects.filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=period.end),
        Q(left_on__isnull=True) | Q(left_on__gte=period.start),
    )


@indicator("orgs.staff_count", "干部职工人数", "人",
           sources=lambda organ, period: _people(period).filter(org__organ=organ))
def staff_count(organ_ids, period):
    return count_per_organ(_people(period), organ_ids)


@indicator("orgs.party_member_count", "党员人数", "人",
           sources=lambda organ, period: _people(period).filter(
               org__organ=organ, political_status__in=Person.PARTY_STATUSES))
def party_member_count(organ_ids, period):
    return count_per_organ(
        _people(period).filter(political_status__in=Person.PARTY_STATUSES), organ_ids
    )


@indicator("orgs.branch_count", "党支部数", "个",
           sources=lambda organ, period: PartyOrg.objects.filter(org__organ=organ, kind="branch"))
def branch_count(organ_ids, period):
    return count_per_organ(PartyOrg.objects.filter(kind="branch"), organ_ids)
