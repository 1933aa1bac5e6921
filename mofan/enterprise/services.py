"""Business rules of the enterprise app: the joint committee's cadence (每月一调度、每季一总结、
每年一考核) and the demands raised at a 政企座谈 registered in one step."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from mofan.audit.services import record, snapshot
from mofan.core import ledger
from mofan.core.scoping import HEAD, ORG_ADMIN, ensure_writable

from .models import ChainCommittee, ChainMeeting, Demand, Meeting

# ------------------------------------------------------------------ cadence


@dataclass
class Slot:
    """One month, quarter or year the cadence asks a meeting for."""

    label: str
    start: dt.date
    end: dt.date
    count: int = 0
    judged: bool = True  # False: not over yet, or before the committee was founded
    note: str = ""

    @property
    def gap(self) -> bool:
        return self.judged and self.count == 0

    @property
    def css(self):
        if not self.judged:
            return "text-muted"
        return "table-danger" if self.gap else "table-success"


@dataclass
class CadenceRow:
    kind: str
    label: str
    cadence: str
    slots: list = field(default_factory=list)

    @property
    def gaps(self):
        return [s for s in self.slots if s.gap]


@dataclass
class CadenceGrid:
    committee: ChainCommittee
    year: int
    rows: list

    @property
    def gap_count(self):
        return sum(len(r.gaps) for r in self.rows)

    @property
    def gap_labels(self):
        return [f"{r.label} {s.label}" for r in self.rows for s in r.gaps]


def _month_end(year, month):
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


def _slots(year):
    return {
        ChainMeeting.DISPATCH: [(f"{m}月", dt.date(year, m, 1), _month_end(year, m))
                                for m in range(1, 13)],
        ChainMeeting.SUMMARY: [(f"第{'一二三四'[q]}季度", dt.date(year, 3 * q + 1, 1),
                                _month_end(year, 3 * q + 3)) for q in range(4)],
        ChainMeeting.REVIEW: [("全年", dt.date(year, 1, 1), dt.date(year, 12, 31))],
    }


def _slot_index(kind, month):
    return {ChainMeeting.DISPATCH: month - 1, ChainMeeting.SUMMARY: (month - 1) // 3,
            ChainMeeting.REVIEW: 0}[kind]


def meeting_counts(committee_ids, start, end):
    """{(committee, kind, year, month): n} in one query."""
    rows = (ChainMeeting.objects.filter(committee__in=committee_ids, held_on__range=(start, end))
            .annotate(y=ExtractYear("held_on"), m=ExtractMonth("held_on"))
            .values_list("committee", "kind", "y", "m").order_by())
    counts = {}
    for key in rows:
        counts[key] = counts.get(key, 0) + 1
    return counts


def build_grid(committee, year, counts, today):
    """The grid of one committee and year from ``meeting_counts``. A month, quarter or
    year is judged once it is over, and only if the committee existed at some time in it
    (a committee founded on 15 March owes a March 调度, not a February one)."""
    rows = []
    for kind, label in ChainMeeting.KIND_CHOICES:
        row = CadenceRow(kind, label, ChainMeeting.CADENCE[kind])
        for text, start, end in _slots(year)[kind]:
            slot = Slot(text, start, end)
            if end >= today:
                slot.judged, slot.note = False, "未到期"
            elif end < committee.founded_on:
                slot.judged, slot.note = False, "成立前"
            row.slots.append(slot)
        rows.append(row)
    by_kind = {r.kind: r for r in rows}
    for (cid, kind, y, m), n in counts.items():
        if cid == committee.pk and y == year and kind in by_kind:
            by_kind[kind].slots[_slot_index(kind, m)].count += n
    return CadenceGrid(committee, year, rows)


def cadence_grid(committee, year, today=None) -> CadenceGrid:
    """每月一调度、每季一总结、每年一考核 for one committee and year, in one query."""
    today = today or timezone.localdate()
    counts = meeting_counts([committee.pk], dt.date(year, 1, 1), dt.date(year, 12, 31))
    return build_grid(committee, year, counts, today)


def cadence_gaps(organ_ids, start, end, today=None) -> dict:
    """{organ: missing months + quarters + years} over the committees of each organ, for
    the years the period touches; organs without a committee are left out (no data)."""
    today = today or timezone.localdate()
    committees = list(ChainCommittee.objects.filter(org__organ__in=organ_ids)
                      .select_related("org"))
    if not committees:
        return {}
    counts = meeting_counts([c.pk for c in committees], start, end)
    found = {}
    for c in committees:
        organ = c.org.organ_id
        found.setdefault(organ, 0)
        for year in range(start.year, end.year + 1):
            grid = build_grid(c, year, counts, today)
            found[organ] += sum(1 for r in grid.rows for s in r.gaps
                                if s.start >= start and s.end <= end)
    return found


# ------------------------------------------------------------------ 政企座谈 → 诉求


@dataclass(frozen=True)
class Raised:
    """A demand raised at a meeting, as the meeting page's form gives it."""

    enterprise: object
    demand_type: str
    content: str
    title: str = ""


def registration_refusal(meeting, user) -> str:
    if user.role not in (ORG_ADMIN, HEAD) or not user.org_id:
        return "只有单位管理员或负责人可以登记纾困解难诉求"
    if not meeting.can_edit(user):
        return "您无权为这次座谈登记诉求"
    return ""


def _same(text):
    return " ".join(text.split())


def register_raised(meeting, raised, *, actor) -> tuple[list, list]:
    """Register each demand raised at ``meeting`` as a 纾困解难诉求 of the actor's unit, in one
    transaction. A demand already registered from this meeting (same enterprise, same
    words) is not registered again — a double click or a resubmitted form adds nothing.
    Returns (created, already registered)."""
    if reason := registration_refusal(meeting, actor):
        raise PermissionDenied(reason)
    attending = set(meeting.enterprises.values_list("pk", flat=True))
    for r in raised:
        if r.enterprise.pk not in attending:
            raise ValidationError(f"“{r.enterprise}”不是本次座谈的参会企业")
        if r.demand_type not in dict(Demand.TYPE_CHOICES):
            raise ValidationError("请选择诉求类型")
        if not r.content.strip():
            raise ValidationError("请填写诉求内容")
    created, skipped = [], []
    with transaction.atomic():
        # One registration at a time per meeting: a second click waits, then finds the rows.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        existing = {(d.enterprise_id, _same(d.content)): d
                    for d in Demand.objects.filter(meeting=meeting)}
        for r in raised:
            key = (r.enterprise.pk, _same(r.content))
            if key in existing:
                skipped.append(existing[key])
                continue
            item = Demand(org=actor.org, enterprise=r.enterprise, meeting=meeting,
                          demand_type=r.demand_type, content=r.content.strip(),
                          title=(r.title.strip() or _title(r.content)),
                          registered_on=meeting.held_on)
            ledger.register_item(item, actor=actor, note=f"由{meeting.get_kind_display()}登记：{meeting.topic}"[:200])
            ensure_writable(item, actor)
            record("create", item, after=snapshot(item),
                   label=f"由座谈登记诉求：{item.title}"[:200])
            existing[key] = item
            created.append(item)
    return created, skipped


def _title(content):
    first = content.strip().splitlines()[0]
    for stop in "。；;，,":
        first = first.split(stop)[0]
    return first[:40] or content.strip()[:40]
