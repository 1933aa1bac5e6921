"""学习型机关 indicators: each one query for many organs, grouped by ``org__organ``."""

from functools import partial

from django.db.models import Count, F, Q, Sum

from mofan.core import indicators
from mofan.core.indicators import ORGAN, count_per_organ, per_organ, rate
from mofan.orgs.models import PartyOrg

from .models import (
    ATTENDED_Q,
    MARKED_Q,
    Attendance,
    Meeting,
    RedService,
    StudyPlan,
    StudySession,
    first_item_is_study,
)

indicators.add_pillar("study", "学习型", 10, prefixes=("study.",))

# A count for an organ that never recorded a study session is no data, not zero.
indicator = partial(indicators.indicator, group="学习型", usage=StudySession)


def _in(qs, period, date_field="date"):
    return qs.filter(**{f"{date_field}__range": (period.start, period.end)})


def _sessions(period, **filters):
    return _in(StudySession.objects.filter(**filters), period)


def _all_sessions(period):
    return _sessions(period)


KINDS: dict = {}  # key -> the sessions it counts, all counted in one query


def _kind_indicator(key, label, unit, **filters):
    KINDS[key] = Q(**filters)

    def compute(organ_ids, period):
        return indicators.count_in_family(KINDS, key, _all_sessions, organ_ids, period)

    def sources(organ, period):
        return _sessions(period, **filters).filter(org__organ=organ)

    compute.__name__ = key.replace(".", "_")
    indicator(key, label, unit, sources=sources)(compute)
    return compute


# --- 第一议题 ----------------------------------------------------------------------


def _first_topic_sessions(period):
    return _in(StudySession.objects.counted_first_topic(), period)


@indicator("study.first_topic_sessions", "第一议题学习次数", "次",
           sources=lambda organ, period: _first_topic_sessions(period).filter(org__organ=organ))
def first_topic_sessions(organ_ids, period):
    """第一议题 sessions whose 党组会议 opened with the study item (first agenda item)."""
    return count_per_organ(_first_topic_sessions(period), organ_ids)


def _meetings(period):
    return _in(Meeting.objects.all(), period)


@indicator("study.first_topic_coverage_rate", "第一议题覆盖率（党组会议首项为学习）", "%",
           sources=lambda organ, period: _meetings(period).filter(org__organ=organ))
def first_topic_coverage_rate(organ_ids, period):
    return per_organ(_meetings(period).annotate(opens=first_item_is_study()), organ_ids,
                     lambda r: rate(r["ok"], r["total"]),
                     total=Count("id"), ok=Count("id", filter=Q(opens=True)))


# --- sessions by kind --------------------------------------------------------------

_kind_indicator("study.central_group_sessions", "党组中心组理论学习次数", "次",
                kind=StudySession.CENTRAL_GROUP)
_kind_indicator("study.branch_sessions", "支部集中学习次数", "次", kind=StudySession.BRANCH)
_kind_indicator("study.party_lectures", "讲党课次数", "堂", kind=StudySession.LECTURE)
_kind_indicator("study.leader_lectures", "领导干部讲党课次数", "堂",
                kind=StudySession.LECTURE, leader_lecture=True)
_kind_indicator("study.theme_days", "主题党日活动次数", "次", kind=StudySession.THEME_DAY)
_kind_indicator("study.seminars", "专题研讨次数", "次", kind=StudySession.SEMINAR)


# --- attendance --------------------------------------------------------------------


def _roll(period):
    return _in(Attendance.objects.all(), period, "session__date")


def _marked(period):
    return _roll(period).filter(MARKED_Q)


@indicator("study.attendance_rate", "学习活动出勤率（含补学）", "%",
           sources=lambda organ, period: _marked(period).filter(org__organ=organ))
def attendance_rate(organ_ids, period):
    """(出席 + 缺席 with 补学 done) / people marked, pooled over all sessions. 未点名
    rows count in neither term; an organ whose rolls are all untaken has no rate (None)."""
    return per_organ(_marked(period), organ_ids, lambda r: rate(r["attended"], r["marked"]),
                     marked=Count("id"), attended=Count("id", filter=ATTENDED_Q))


# --- red education -----------------------------------------------------------------


def _services(period):
    return _in(RedService.objects.all(), period)


@indicator("study.red_education_sessions", "红色教育服务场次", "场",
           sources=lambda organ, period: _services(period).filter(org__organ=organ))
def red_education_sessions(organ_ids, period):
    return count_per_organ(_services(period), organ_ids)


@indicator("study.red_education_people", "红色教育服务人次", "人次", counts_rows=False,
           sources=lambda organ, period: _services(period).filter(org__organ=organ))
def red_education_people(organ_ids, period):
    return per_organ(_services(period), organ_ids, lambda r: r["n"] or 0, n=Sum("people"))


# --- plans -------------------------------------------------------------------------


def _filed_plans(period):
    return StudyPlan.objects.filter(status=StudyPlan.FILED, party_org__kind="branch",
                                    month__range=(period.start, period.end))


@indicator("study.months_with_plan", "全部党支部报送学习计划的月数", "个月", counts_rows=False,
           sources=lambda organ, period: _filed_plans(period).filter(org__organ=organ))
def months_with_plan(organ_ids, period):
    """Months of the period in which every 党支部 of the organ filed its plan."""
    from django.db.models import OuterRef, Subquery

    branches = (
        PartyOrg.objects.filter(kind="branch", org__organ=OuterRef(ORGAN))
        .values("org__organ").annotate(n=Count("id")).values("n")[:1]
    )
    rows = (
        _filed_plans(period).filter(org__organ__in=organ_ids)
        .values(ORGAN, "month")
        .annotate(filed=Count("party_org", distinct=True), branches=Subquery(branches))
        .filter(filed__gte=F("branches"))
        .order_by()
    )
    found = {}
    for r in rows:
        found[r[ORGAN]] = found.get(r[ORGAN], 0) + 1
    return found
