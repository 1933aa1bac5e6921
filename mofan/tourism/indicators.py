"""全域旅游 indicators: the county's arrivals and revenue (county totals, not the sum of
scenic areas, which overlap), their growth on the same months of the year before, and
the honours and placings received in the period.

No data is None: a year without a county month has no arrivals figure (not 0 人次), a
growth without a month present in both years has none (“无上年同期数据”), and an organ
without a placing has no best rank.
"""

from functools import partial

from django.db.models import Count, Min, Q, Sum

from mofan.core import indicators
from mofan.core.indicators import per_organ

from .models import Honour, MonthlyFigure
from .services import compared_months, yoy_per_organ

indicators.add_pillar("service", "服务型", 20, prefixes=("tourism.",))

indicator = partial(indicators.indicator, group="全域旅游")


def _months(period):
    return MonthlyFigure.objects.filter(scenic_area__isnull=True,
                                        month__range=(period.start.replace(day=1), period.end))


def _every(organ_ids, found):
    """Each organ asked about, None where nothing was found."""
    return {oid: found.get(oid) for oid in organ_ids}


def _month_sources(organ, period):
    return _months(period).filter(organ=organ)


def _sum(organ_ids, period, field):
    rows = (_months(period).filter(organ_id__in=organ_ids).values("organ_id")
            .annotate(n=Sum(field), rows=Count("id", filter=Q(**{f"{field}__isnull": False})))
            .order_by())
    return {r["organ_id"]: r["n"] for r in rows if r["rows"]}


@indicator("tourism.visitors", "接待游客人次", "人次", sources=_month_sources, counts_rows=False)
def visitors(organ_ids, period):
    return _every(organ_ids, _sum(organ_ids, period, "visitors"))


@indicator("tourism.visitors_yoy", "接待游客人次同比增长", "%", counts_rows=False,
           sources=lambda organ, period: compared_months(organ, period, "visitors"))
def visitors_yoy(organ_ids, period):
    return _every(organ_ids, yoy_per_organ(organ_ids, period, "visitors"))


@indicator("tourism.revenue", "旅游总收入", "万元", sources=_month_sources, counts_rows=False)
def revenue(organ_ids, period):
    """In 万元 (two decimals, exact to the 元) from the exact 元 stored."""
    found = _sum(organ_ids, period, "revenue")
    return _every(organ_ids, {k: float(round(v / 10000, 2)) for k, v in found.items()})


@indicator("tourism.revenue_yoy", "旅游总收入同比增长", "%", counts_rows=False,
           sources=lambda organ, period: compared_months(organ, period, "revenue"))
def revenue_yoy(organ_ids, period):
    return _every(organ_ids, yoy_per_organ(organ_ids, period, "revenue"))


# --- honours -----------------------------------------------------------------------


def _honours(period, **filters):
    return Honour.objects.filter(awarded_on__range=(period.start, period.end), **filters)


honour = partial(indicator, usage=Honour)


# key -> the honours it counts: the total and each level, all counted in one query
LEVELS: dict = {"tourism.honours": Q()}


@honour("tourism.honours", "获得文旅荣誉（合计）", "项",
        sources=lambda organ, period: _honours(period).filter(org__organ=organ))
def honours(organ_ids, period):
    return indicators.count_in_family(LEVELS, "tourism.honours", _honours, organ_ids, period)


def _level(level, label):
    key = f"tourism.honours.{level}"
    LEVELS[key] = Q(level=level)

    def compute(organ_ids, period):
        return indicators.count_in_family(LEVELS, key, _honours, organ_ids, period)

    def sources(organ, period):
        return _honours(period, level=level).filter(org__organ=organ)

    compute.__name__ = f"honours_{level}"
    honour(key, f"获得{label}文旅荣誉", "项", sources=sources)(compute)


for _key, _label in Honour.LEVEL_CHOICES:
    _level(_key, _label)


def _best_rank(scope):
    def compute(organ_ids, period):
        found = per_organ(_honours(period, rank_scope=scope), organ_ids,
                          lambda r: r["best"], best=Min("rank"))
        return _every(organ_ids, found)

    def sources(organ, period):
        return _honours(period, rank_scope=scope).filter(org__organ=organ)

    return compute, sources


_province = _best_rank(Honour.PROVINCE)
indicator("tourism.best_rank_province", "文旅评比全省最好名次", "名", sources=_province[1],
          counts_rows=False)(_province[0])
_city = _best_rank(Honour.CITY_RANK)
indicator("tourism.best_rank_city", "文旅评比全市最好名次", "名", sources=_city[1],
          counts_rows=False)(_city[0])
