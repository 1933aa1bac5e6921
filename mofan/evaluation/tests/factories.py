"""Criteria in the test world (conftest ``world``): a small set whose scores are known.

With the world's records (the first organ: 3 people, 2 party members, 1 branch; the
other: 1 person, no party member, 1 branch; no appeal anywhere):

组织建设 (weight 60; points 10 + 3 + 5 = 18)
  人数达标      threshold  orgs.staff_count ≥ 2             10   first 10, other 0
  党员          per unit   orgs.party_member_count × 2, cap 3  first 3 (4 capped), other 0
  按期办结率    rate       ledgers.appeals.closed_on_time_rate  5   no data: 0 both
综合 (weight 40; points 5 + 10 = 15)
  支部数（扣分）per unit   orgs.branch_count, 1 each, from 5   4 both
  工委评定      manual                                        10   first 7 (if scored), other 0

first: 60 × 13/18 + 40 × 11/15 = 43.33 + 29.33 = 72.66; other: 0 + 40 × 4/15 = 10.67
"""

from decimal import Decimal

from mofan.evaluation.models import CriteriaGroup, CriteriaItem, CriteriaSet, ManualScore

D = Decimal


def criteria(w, *, year=2025, published=True, manual_first=True) -> CriteriaSet:
    cset = CriteriaSet.objects.create(org=w.committee, year=year, title="测试考评方案",
                                      status=CriteriaSet.PUBLISHED if published
                                      else CriteriaSet.DRAFT)
    a = CriteriaGroup.objects.create(criteria_set=cset, name="组织建设", weight=D(60), sort=1)
    b = CriteriaGroup.objects.create(criteria_set=cset, name="综合", weight=D(40), sort=2)
    CriteriaItem.objects.create(group=a, name="人数达标", method="threshold",
                                indicator="orgs.staff_count", points=D(10), threshold=D(2))
    CriteriaItem.objects.create(group=a, name="党员", method="per_unit",
                                indicator="orgs.party_member_count", points=D(3), per_unit=D(2))
    CriteriaItem.objects.create(group=a, name="按期办结率", method="rate",
                                indicator="ledgers.appeals.closed_on_time_rate", points=D(5))
    CriteriaItem.objects.create(group=b, name="支部数（扣分）", method="per_unit",
                                indicator="orgs.branch_count", points=D(5), per_unit=D(1),
                                lower_is_better=True)
    manual = CriteriaItem.objects.create(group=b, name="工委评定", method="manual",
                                         points=D(10))
    if manual_first:
        ManualScore.objects.create(item=manual, org=w.organ, points=D(7), reason="实地检查")
    return cset


def _set(w):
    return CriteriaSet.objects.filter(org=w.committee).first() or criteria(w)


def _item(w):
    return CriteriaItem.objects.filter(group__criteria_set=_set(w)).first()


OBJECT_FOR = {
    **{f"evaluation:set_{s}": _set for s in ("detail", "publish", "revise")},
    "evaluation:group_create": _set,
    "evaluation:item_create": _set,
    **{f"evaluation:group_{s}": (lambda w: _set(w).groups.first()) for s in ("edit", "delete")},
    **{f"evaluation:item_{s}": _item for s in ("edit", "delete")},
    "evaluation:manual_score": _item,
    "evaluation:breakdown": lambda w: w.organ,
}
