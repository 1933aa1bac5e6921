"""服务型 indicators of the enterprise app: the joint committee's meetings and cadence, the
relief meetings, and the money enterprises received (in 元, exact decimals)."""

from decimal import Decimal
from functools import partial

from django.db.models import Count, Q, Sum

from mofan.core import indicators
from mofan.core.indicators import count_per_organ, per_organ
from mofan.core.ledger.indicators import define_indicators

from .models import (
    ChainCommittee,
    ChainMeeting,
    Demand,
    Meeting,
    SupportKind,
    SupportRecord,
    VoucherBatch,
)
from .money import CENT
from .services import cadence_gaps

indicators.add_pillar("service", "服务型", 20, prefixes=("enterprise.",))

GROUP = "产业链党建与纾困解难"
define_indicators(Demand, "纾困解难诉求", group=GROUP)


def _in(qs, period, field):
    return qs.filter(**{f"{field}__range": (period.start, period.end)})


# --- joint committee ---------------------------------------------------------------

chain = partial(indicators.indicator, group=GROUP, usage=ChainCommittee)


def _chain_meetings(period, **filters):
    return _in(ChainMeeting.objects.filter(**filters), period, "held_on")


CHAIN_KINDS: dict = {}  # key -> the meetings it counts, all counted in one query


def _all_chain_meetings(period):
    return _chain_meetings(period)


def _declare_chain_meetings(key, label, **filters):
    CHAIN_KINDS[key] = Q(**filters)

    def compute(organ_ids, period):
        return indicators.count_in_family(CHAIN_KINDS, key, _all_chain_meetings, organ_ids,
                                          period)

    def sources(organ, period):
        return _chain_meetings(period, **filters).filter(org__organ=organ)

    compute.__name__ = key.replace(".", "_")
    chain(key, label, "次", sources=sources)(compute)


_declare_chain_meetings("enterprise.chain_meetings", "产业链联合党委会议次数")
for _kind, _label in ChainMeeting.KIND_CHOICES:
    _declare_chain_meetings(f"enterprise.chain_meetings.{_kind}",
                            f"产业链联合党委{_label}会议次数", kind=_kind)


@chain("enterprise.chain_cadence_gaps", "联合党委调度·总结·考核缺项数", "处", counts_rows=False,
       sources=lambda organ, period: _chain_meetings(period).filter(org__organ=organ))
def chain_cadence_gaps(organ_ids, period):
    """Months without a 调度, quarters without a 总结, years without a 考核, over the
    periods that are over; the figure opens the meetings that were held."""
    return cadence_gaps(organ_ids, period.start, period.end)


# --- 纾困解难座谈会、政企夜谈 ---------------------------------------------------------


def _relief(period):
    return _in(Meeting.objects.all(), period, "held_on")


@indicators.indicator("enterprise.relief_meetings", "纾困解难座谈会、“政企夜谈”次数", "次",
                      group=GROUP, usage=Meeting,
                      sources=lambda organ, period: _relief(period).filter(org__organ=organ))
def relief_meetings(organ_ids, period):
    return count_per_organ(_relief(period), organ_ids)


# --- money -------------------------------------------------------------------------

money = partial(indicators.indicator, group=GROUP, counts_rows=False)


def _support(period, q=None):
    qs = _in(SupportRecord.objects.all(), period, "date")
    return qs.filter(q) if q is not None else qs


def _sum(qs, organ_ids, field="amount"):
    """Sums in 元 to the 分 (SQLite sums decimals as floats: back to exact cents)."""
    return per_organ(qs, organ_ids, lambda r: (r["total"] or Decimal(0)).quantize(CENT),
                     total=Sum(field))


SUPPORT: dict = {}  # key -> the records it sums (Q() for all), all summed in one query


def _support_sums(organ_ids, period):
    """{key: {organ_id: sum}} for every support figure in one GROUP BY with a filtered SUM
    (and COUNT: an organ with no such record is left out, as ``_sum`` leaves it) each."""
    ids = tuple(organ_ids)

    def compute():
        aggregates = {}
        for i, q in enumerate(SUPPORT.values()):
            aggregates[f"s{i}"], aggregates[f"n{i}"] = (Sum("amount", filter=q),
                                                        Count("id", filter=q))
        rows = per_organ(_support(period), ids, lambda r: r, **aggregates)
        return {key: {o: (r[f"s{i}"] or Decimal(0)).quantize(CENT)
                      for o, r in rows.items() if r[f"n{i}"]}
                for i, key in enumerate(SUPPORT)}

    return indicators.shared((SupportRecord, ids, period), compute)


def _declare_support(key, label, q=None):
    SUPPORT[key] = q if q is not None else Q()

    def compute(organ_ids, period):
        return _support_sums(organ_ids, period)[key]

    def sources(organ, period):
        return _support(period, q).filter(org__organ=organ)

    compute.__name__ = key.replace(".", "_")
    money(key, label, "元", sources=sources, usage=SupportRecord)(compute)


_declare_support("enterprise.support_amount", "为企业争取支持金额")
# The kinds the county starts with; a kind added later counts in the total above.
for _code, _label, _ in SupportKind.DEFAULTS:
    _declare_support(f"enterprise.support_amount.{_code}", f"为企业争取{_label}金额",
                     Q(kind__code=_code))
_declare_support("enterprise.financing_amount", "为企业申请设备贷款、财园信贷通、金融支持金额",
                 Q(kind__financing=True))


def _vouchers(period):
    return _in(VoucherBatch.objects.all(), period, "issued_on")


@money("enterprise.vouchers_amount", "发放文旅消费券金额", "元", usage=VoucherBatch,
       sources=lambda organ, period: _vouchers(period).filter(org__organ=organ))
def vouchers_amount(organ_ids, period):
    return _sum(_vouchers(period), organ_ids, "amount_issued")
