"""效能型 attendance indicators: each one grouped query over many organs."""

import datetime as dt
from functools import partial

from django.db.models import Count, Q, Sum

from mofan.core import indicators
from mofan.core.indicators import count_per_organ, rate

from .models import Bulletin, DayStat, Explanation, MonthCase, MonthStat, SpotCheck

indicators.add_pillar("efficiency", "效能型", 30, prefixes=("attendance.",))

indicator = partial(indicators.indicator, group="效能型·考勤", usage=DayStat)


def _stats(period):
    return DayStat.objects.filter(date__range=(period.start, period.end))


def whole_months(period) -> bool:
    """Whether the period is made of whole months (a month, a quarter, a year)."""
    return (period.start.day == 1 and (period.end + dt.timedelta(days=1)).day == 1
            and period.start <= period.end)


COUNTS = ("n_due", "present", *DayStat.ANOMALIES)


def _day_counts(organ_ids, period) -> dict:
    """{organ_id: row of counts}: the rate and the five anomaly counts read one grouped
    query together. A period of whole months adds up the organs' MonthStat rows (a county
    year is 480 of them); any other (a week) reads its DayStat rows — a million for a
    county year — on the organ column they carry and their (organ, date) index."""
    ids = tuple(organ_ids)

    def compute():
        if whole_months(period):
            rows = (MonthStat.objects.filter(organ__in=ids,
                                             month__range=(period.start, period.end))
                    .values("organ").annotate(**{f"sum_{c}": Sum(c) for c in COUNTS})
                    .order_by())
            return {r["organ"]: {"organ": r["organ"], **{c: r[f"sum_{c}"] for c in COUNTS}}
                    for r in rows}
        counts = {s: Count("pk", filter=Q(status=s)) for s in DayStat.ANOMALIES}
        rows = (_stats(period).filter(organ__in=ids).values("organ")
                .annotate(n_due=Count("pk", filter=Q(due=True)),
                          present=Count("pk", filter=Q(due=True, attended=True)), **counts)
                .order_by())
        return {r["organ"]: r for r in rows}

    return indicators.shared(("attendance.day_counts", ids, period), compute)


@indicator("attendance.rate", "考勤出勤率", "%",
           sources=lambda organ, period: _stats(period).filter(organ=organ, due=True))
def attendance_rate(organ_ids, period):
    return {organ: rate(r["present"], r["n_due"])
            for organ, r in _day_counts(organ_ids, period).items()}


def _status_indicator(key, label, status):
    def sources(organ, period):
        return _stats(period).filter(organ=organ, status=status)

    def compute(organ_ids, period):
        return {organ: r[status] for organ, r in _day_counts(organ_ids, period).items()}

    compute.__name__ = key.replace(".", "_")
    indicator(key, label, "人次", sources=sources)(compute)


_status_indicator("attendance.late", "迟到人次", DayStat.LATE)
_status_indicator("attendance.severe_late", "严重迟到人次", DayStat.SEVERE)
_status_indicator("attendance.early_leave", "早退人次", DayStat.EARLY)
_status_indicator("attendance.missing_punch", "缺卡人次", DayStat.MISSING)
_status_indicator("attendance.absent", "旷工人次", DayStat.ABSENT)


def _approved(period):
    return Explanation.objects.filter(state=Explanation.APPROVED,
                                      date__range=(period.start, period.end))


@indicator("attendance.explanations_approved", "考勤情况说明获批数", "条", usage=None,
           sources=lambda organ, period: _approved(period).filter(org__organ=organ))
def explanations_approved(organ_ids, period):
    return count_per_organ(_approved(period), organ_ids)


def _bulletins(period):
    return Bulletin.objects.filter(week__range=(period.start, period.end), version=1)


@indicator("attendance.bulletins_published", "考勤周通报发布期数", "期",
           sources=lambda organ, period: _bulletins(period).filter(org=organ))
def bulletins_published(organ_ids, period):
    return count_per_organ(_bulletins(period), organ_ids)


def _handled(period):
    return MonthCase.objects.filter(month__range=(period.start, period.end)).exclude(decision="")


@indicator("attendance.handled_cases", "考勤月处理已处理人次", "人次",
           sources=lambda organ, period: _handled(period).filter(org__organ=organ))
def handled_cases(organ_ids, period):
    return count_per_organ(_handled(period), organ_ids)


def _checks(period):
    return SpotCheck.objects.filter(date__range=(period.start, period.end))


@indicator("attendance.spot_checks", "考勤抽查次数", "次",
           sources=lambda organ, period: _checks(period).filter(org__organ=organ))
def spot_checks(organ_ids, period):
    return count_per_organ(_checks(period), organ_ids)
