"""Business rules of the study app, as plain functions the views and tests call."""

import datetime as dt
import os
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from mofan.audit.services import record, snapshot
from mofan.core import freshness
from mofan.core.files import DOCUMENTS, check_upload
from mofan.core.indicators import rate
from mofan.core.scoping import ensure_writable
from mofan.orgs.models import PartyOrg, Person

from .models import (
    BRANCH,
    LEADING_GROUP,
    STUDY_PARTY_KINDS,
    AgendaItem,
    Attendance,
    Meeting,
    SessionFile,
    StudyPlan,
    StudySession,
    absence_refusal,
    first_item_is_study,
    next_month,
    previous_month,
    roll_counts,
)

# ------------------------------------------------------------------ roll


def expected_people(party_org: PartyOrg, on: dt.date):
    """Who should attend a session of this party organisation on that day.

    A 党支部: its members (Person.branch). The 党组 (理论学习中心组): its members.
    People who had not joined yet or had left by that day are not expected.
    """
    qs = (Person.objects.filter(branch=party_org) if party_org.kind == BRANCH
          else party_org.members.all())
    qs = qs.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=on),
                   Q(left_on__isnull=True) | Q(left_on__gte=on))
    return qs.order_by("sort", "id")


def build_roll(session: StudySession) -> int:
    """Put every expected person on the roll, 未点名 until the recorder marks them; keeps
    rows already there."""
    have = set(session.roll.values_list("person_id", flat=True))
    rows = [Attendance(session=session, org_id=session.org_id, person=p)
            for p in expected_people(session.party_org, session.date) if p.pk not in have]
    Attendance.objects.bulk_create(rows)
    return len(rows)


@dataclass
class RollEntry:
    """One person as marked on the roll page: ``status`` 出席 / 缺席 / 未点名; a 缺席 has
    its ``absence`` kind (请假 / 公差 / 其他), a few words in ``reason`` (required for
    其他) and maybe the date of its 补学."""

    person_id: int
    status: str
    absence: str = ""
    reason: str = ""
    makeup_on: dt.date | None = None
    spoke: bool = False


def _roll_state(a: Attendance):
    return [a.status, a.absence, a.reason, str(a.makeup_on or ""), a.spoke]


def set_roll(session: StudySession, entries: list[RollEntry], *, actor) -> int:
    """Record the roll as marked by the recorder. Only people on the roll can be marked.

    Raises PermissionDenied when the actor may not edit the session; ValidationError
    (every problem, one message each, nothing saved) for an unknown status, a 缺席 without
    its kind, 其他 without a word of explanation, or a 补学 date before the session.
    """
    if not session.can_edit(actor):
        raise PermissionDenied("您无权记录此活动的签到")
    rows = {a.person_id: a for a in session.roll.select_related("person")}
    statuses = dict(Attendance.STATUS_CHOICES)
    errors = []
    for e in entries:
        if e.person_id not in rows:
            errors.append(f"人员 {e.person_id} 不在本次活动名单中")
            continue
        name = rows[e.person_id].person.name
        if e.status not in statuses:
            errors.append(f"{name}：请选择出席、缺席或未点名")
        elif reason := absence_refusal(e.status, e.absence, e.reason):
            errors.append(f"{name}：{reason}")
        elif e.status == Attendance.ABSENT and e.makeup_on and e.makeup_on < session.date:
            errors.append(f"{name}：补学日期不能早于活动日期")
    if errors:
        raise ValidationError(errors)
    before = {str(pid): _roll_state(a) for pid, a in rows.items()}
    changed = []
    for e in entries:
        a = rows[e.person_id]
        absent = e.status == Attendance.ABSENT
        new = (e.status, e.absence if absent else "", e.reason.strip()[:100] if absent else "",
               e.makeup_on if absent else None, e.spoke and e.status == Attendance.PRESENT)
        if (a.status, a.absence, a.reason, a.makeup_on, a.spoke) != new:
            a.status, a.absence, a.reason, a.makeup_on, a.spoke = new
            changed.append(a)
    with transaction.atomic():
        Attendance.objects.bulk_update(changed, ["status", "absence", "reason", "makeup_on",
                                                 "spoke"])
        after = {str(pid): _roll_state(a) for pid, a in rows.items()}
        record("update", session, label=f"签到：{session}"[:200],
               before={"roll": before}, after={"roll": after})
    return len(changed)


def attendance_totals(qs) -> dict:
    """{on_roll, marked, untaken, attended, rate} over Attendance rows (one query).
    ``rate`` is None while nobody is marked: an untaken roll has no rate, not 100 %."""
    agg = qs.aggregate(**roll_counts())
    return {**agg, "untaken": agg["on_roll"] - agg["marked"],
            "rate": rate(agg["attended"], agg["marked"]) if agg["marked"] else None}


# ------------------------------------------------------------------ plans


def copy_plan_to_next_month(plan: StudyPlan, *, actor) -> StudyPlan:
    """Start next month's plan from this one (as a draft). Refuses when it exists already."""
    if not plan.can_edit(actor):
        raise PermissionDenied("您无权编辑此计划")
    month = next_month(plan.month)
    if StudyPlan.objects.filter(party_org=plan.party_org, month=month).exists():
        raise ValidationError(f"{plan.party_org.name} {month.year}年{month.month}月的计划已存在")
    with transaction.atomic():
        new = StudyPlan.objects.create(party_org=plan.party_org, month=month, theme=plan.theme,
                                       planned=plan.planned, status=StudyPlan.DRAFT)
        record("create", new, after=snapshot(new))
    return new


def copy_last_month(party_org: PartyOrg, month: dt.date, *, actor) -> StudyPlan:
    """The month's plan started from last month's."""
    last = StudyPlan.objects.filter(party_org=party_org, month=previous_month(month)).first()
    if last is None:
        raise ValidationError("上个月没有计划可复制")
    return copy_plan_to_next_month(last, actor=actor)


def file_plan(plan: StudyPlan, *, actor) -> StudyPlan:
    if not plan.can_edit(actor):
        raise PermissionDenied("您无权报送此计划")
    before = snapshot(plan)
    plan.status, plan.filed_on = StudyPlan.FILED, timezone.localdate()
    with transaction.atomic():
        plan.save(update_fields=["status", "filed_on"])
        record("update", plan, before=before, after=snapshot(plan))
    return plan


# ------------------------------------------------------------------ meetings


def set_agenda(meeting: Meeting, titles: list[str], study_position: int | None, *, actor):
    """Replace the agenda with ``titles`` in order; ``study_position`` (1-based) marks the
    study item. The meeting counts for 第一议题 only when that position is 1."""
    titles = [t.strip()[:200] for t in titles if t.strip()]
    if not titles:
        raise ValidationError("至少填写一项议题")
    if study_position is not None and not 1 <= study_position <= len(titles):
        raise ValidationError(f"学习议题的序号应在 1 到 {len(titles)} 之间")
    if not meeting.can_edit(actor):
        raise PermissionDenied("您无权编辑此会议")
    before = list(meeting.agenda.values_list("order", "title", "is_study"))
    with transaction.atomic():
        meeting.agenda.all().delete()
        AgendaItem.objects.bulk_create([
            AgendaItem(meeting=meeting, order=i, title=t, is_study=(i == study_position))
            for i, t in enumerate(titles, 1)
        ])
        record("update", meeting, label=f"议程：{meeting}",
               before={"agenda": before},
               after={"agenda": [[i, t, i == study_position] for i, t in enumerate(titles, 1)]})


# ------------------------------------------------------------------ files

def add_file(session: StudySession, upload, *, actor) -> SessionFile:
    """Keep a photo or document of the session. Checked: size, extension and the file's
    first bytes; stored under a generated name."""
    if not session.can_edit(actor):
        raise PermissionDenied("您无权为此活动上传附件")
    check_upload(upload, (*DOCUMENTS, "doc"))
    with transaction.atomic():
        f = SessionFile(session=session, original_name=os.path.basename(upload.name)[:200],
                        size=upload.size, content_type=getattr(upload, "content_type", "")[:100])
        f.file.save(upload.name, upload, save=False)
        f.save()
        record("create", f, after=snapshot(f))
    return f


# ------------------------------------------------------------------ compliance grid


@dataclass
class Cell:
    month: int
    future: bool = False
    plan: str = ""  # "", "draft", "filed"
    sessions: int = 0
    theme_days: int = 0
    marked: int = 0  # people marked 出席 or 缺席 (未点名 left out)
    attended: int = 0
    untaken: int = 0  # people on a roll not taken yet
    gaps: list = field(default_factory=list)

    @property
    def rate(self):
        return rate(self.attended, self.marked) if self.marked else None

    @property
    def css(self):
        if self.future:
            return ""
        return "gap" if self.gaps else "ok"


@dataclass
class GridRow:
    party_org: PartyOrg
    cells: list

    @property
    def is_central_group(self):
        return self.party_org.kind == LEADING_GROUP

    @property
    def plans_filed(self):
        return sum(1 for c in self.cells if c.plan == StudyPlan.FILED)

    @property
    def sessions(self):
        return sum(c.sessions for c in self.cells)

    @property
    def theme_days(self):
        return sum(c.theme_days for c in self.cells)

    @property
    def rate(self):
        marked = sum(c.marked for c in self.cells)
        return rate(sum(c.attended for c in self.cells), marked) if marked else None

    @property
    def untaken(self):
        return sum(c.untaken for c in self.cells)

    @property
    def gap_count(self):
        return sum(1 for c in self.cells if c.gaps)


@dataclass
class MeetingCell:
    month: int
    meetings: int = 0
    opened_with_study: int = 0

    @property
    def css(self):
        if not self.meetings:
            return ""
        return "ok" if self.opened_with_study == self.meetings else "gap"


@dataclass
class Grid:
    organ: object
    year: int
    rows: list
    meetings: list
    months: list

    @property
    def meeting_total(self):
        return sum(m.meetings for m in self.meetings)

    @property
    def opened_with_study(self):
        return sum(m.opened_with_study for m in self.meetings)

    @property
    def coverage_rate(self):
        return rate(self.opened_with_study, self.meeting_total)

    @property
    def gap_count(self):
        return sum(r.gap_count for r in self.rows)


def _year_range(year):
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def compliance_grid(organ, year: int, today: dt.date | None = None) -> Grid:
    """The branch × month grid of one organ and year, in five queries whatever the size.

    A month is a gap for a 党支部 when it has no filed plan, no 主题党日 or no study session;
    for the 理论学习中心组 (党组) when it has no filed plan or no session. Months after
    ``today`` are not judged.
    """
    today = today or timezone.localdate()
    start, end = _year_range(year)
    party_orgs = list(
        PartyOrg.objects.filter(org__organ=organ, kind__in=STUDY_PARTY_KINDS)
        .order_by("-kind", "sort", "id")  # leading_group before branch
    )
    plans = {
        (p["party_org"], p["month"].month): p["status"]
        for p in StudyPlan.objects.filter(org__organ=organ, month__range=(start, end))
        .values("party_org", "month", "status")
    }
    sessions = {
        (s["party_org"], s["m"]): s
        for s in StudySession.objects.filter(org__organ=organ, date__range=(start, end))
        .annotate(m=ExtractMonth("date")).values("party_org", "m")
        .annotate(n=Count("id"), theme=Count("id", filter=Q(kind=StudySession.THEME_DAY)))
        .order_by()
    }
    roll = {
        (a["session__party_org"], a["m"]): a
        for a in Attendance.objects.filter(session__org__organ=organ,
                                           session__date__range=(start, end))
        .annotate(m=ExtractMonth("session__date")).values("session__party_org", "m")
        .annotate(**roll_counts())
        .order_by()
    }
    meeting_cells = [MeetingCell(m) for m in range(1, 13)]
    for date, opens in (Meeting.objects.filter(org__organ=organ, date__range=(start, end))
                        .annotate(opens=first_item_is_study()).values_list("date", "opens")):
        cell = meeting_cells[date.month - 1]
        cell.meetings += 1
        cell.opened_with_study += bool(opens)

    rows = []
    for po in party_orgs:
        cells = []
        for m in range(1, 13):
            s = sessions.get((po.pk, m), {})
            a = roll.get((po.pk, m), {})
            cell = Cell(month=m, future=dt.date(year, m, 1) > today,
                        plan=plans.get((po.pk, m), ""), sessions=s.get("n", 0),
                        theme_days=s.get("theme", 0), marked=a.get("marked", 0),
                        attended=a.get("attended", 0),
                        untaken=a.get("on_roll", 0) - a.get("marked", 0))
            if not cell.future:
                if not cell.plan:
                    cell.gaps.append("无计划")
                elif cell.plan != StudyPlan.FILED:
                    cell.gaps.append("计划未报送")
                if po.kind == BRANCH and not cell.theme_days:
                    cell.gaps.append("无主题党日")
                if not cell.sessions:
                    cell.gaps.append("无学习活动")
            cells.append(cell)
        rows.append(GridRow(po, cells))
    return Grid(organ, year, rows, meeting_cells, list(range(1, 13)))


# ------------------------------------------------------------------ county grid


@dataclass
class CountyCell:
    month: int
    future: bool = False
    party_orgs: int = 0
    gaps: int = 0  # party organisations with a gap this month
    sessions: int = 0
    marked: int = 0
    attended: int = 0

    @property
    def rate(self):
        return rate(self.attended, self.marked) if self.marked else None

    @property
    def css(self):
        if self.future or not self.party_orgs:
            return ""
        return "gap" if self.gaps else "ok"


@dataclass
class CountyRow:
    organ: object
    cells: list

    @property
    def gap_count(self):
        return sum(c.gaps for c in self.cells)

    @property
    def sessions(self):
        return sum(c.sessions for c in self.cells)

    @property
    def rate(self):
        marked = sum(c.marked for c in self.cells)
        return rate(sum(c.attended for c in self.cells), marked) if marked else None


def county_grid(organs, year: int, today: dt.date | None = None) -> list[CountyRow]:
    """The organ × month grid for the 机关工委: per month, how many of an organ's study
    party organisations have a gap (the rule of ``compliance_grid``), its study sessions
    and attendance. Four queries whatever the number of organs."""
    today = today or timezone.localdate()
    organs = list(organs)
    # Figures like the indicators: cached until the data changes (core.freshness).
    return freshness.cached(("study.county_grid", tuple(o.pk for o in organs), year, today),
                            lambda: _county_grid(organs, year, today))


def _county_grid(organs, year, today) -> list[CountyRow]:
    start, end = _year_range(year)
    ids = [o.pk for o in organs]
    party = list(PartyOrg.objects.filter(org__organ__in=ids, kind__in=STUDY_PARTY_KINDS)
                 .values_list("pk", "org__organ", "kind"))
    plans = {(p["party_org"], p["month"].month): p["status"]
             for p in StudyPlan.objects.filter(org__organ__in=ids, month__range=(start, end))
             .values("party_org", "month", "status")}
    sessions = {(s["party_org"], s["m"]): s
                for s in StudySession.objects.filter(org__organ__in=ids,
                                                     date__range=(start, end))
                .annotate(m=ExtractMonth("date")).values("party_org", "m")
                .annotate(n=Count("id"), theme=Count("id", filter=Q(kind=StudySession.THEME_DAY)))
                .order_by()}
    roll = {(a["session__party_org"], a["m"]): a
            for a in Attendance.objects.filter(session__org__organ__in=ids,
                                               session__date__range=(start, end))
            .annotate(m=ExtractMonth("session__date")).values("session__party_org", "m")
            .annotate(**roll_counts()).order_by()}
    rows = {o.pk: CountyRow(o, [CountyCell(m, future=dt.date(year, m, 1) > today)
                                for m in range(1, 13)]) for o in organs}
    for po, organ_id, kind in party:
        for cell in rows[organ_id].cells:
            s = sessions.get((po, cell.month), {})
            a = roll.get((po, cell.month), {})
            cell.party_orgs += 1
            cell.sessions += s.get("n", 0)
            cell.marked += a.get("marked", 0)
            cell.attended += a.get("attended", 0)
            if cell.future:
                continue
            plan = plans.get((po, cell.month), "")
            if (plan != StudyPlan.FILED or not s.get("n")
                    or (kind == BRANCH and not s.get("theme"))):
                cell.gaps += 1
    return [rows[o.pk] for o in organs]


# ------------------------------------------------------------------ ledger rows


def ledger_sessions(organ, year: int):
    """Every session of the organ in the year, oldest first, with roll counts (one query)."""
    start, end = _year_range(year)
    return (
        StudySession.objects.filter(org__organ=organ, date__range=(start, end))
        .with_first_topic_flag()
        .select_related("party_org", "speaker", "host")
        .with_roll_counts()
        .order_by("date", "id")
    )


def red_service_totals(organ, year: int):
    """[(base name, services, people)] per base of the organ (one query)."""
    from .models import RedService

    start, end = _year_range(year)
    return list(
        RedService.objects.filter(org__organ=organ, date__range=(start, end))
        .values("base__name", "base__sort", "base_id")
        .annotate(n=Count("id"), people=Sum("people"))
        .order_by("base__sort", "base_id")
        .values_list("base__name", "n", "people")
    )


def mark_everyone_present(session: StudySession, *, actor) -> int:
    """The recorder's "all present": every row still 未点名 becomes 出席 (one audited
    roll change); rows already marked keep their mark."""
    entries = [RollEntry(person_id=a.person_id,
                         status=Attendance.PRESENT if a.status == Attendance.UNTAKEN
                         else a.status, absence=a.absence, reason=a.reason,
                         makeup_on=a.makeup_on, spoke=a.spoke)
               for a in session.roll.all()]
    return set_roll(session, entries, actor=actor)


def record_first_topic(meeting: Meeting, *, actor, all_present=False) -> StudySession:
    """The meeting's study agenda item becomes its 第一议题 record in one step: the 党组, the
    date, place and host of the meeting, its study item as the theme, and the 党组's
    members on the roll (未点名, or 出席 when the recorder says everyone was there).

    Raises PermissionDenied when the actor may not edit the meeting; ValidationError when
    the agenda has no study item or the meeting already has its 第一议题 record.
    """
    if not meeting.can_edit(actor):
        raise PermissionDenied("您无权登记此会议的第一议题")
    study = meeting.agenda.filter(is_study=True).order_by("order", "id").first()
    if study is None:
        raise ValidationError("请先在议程中标出学习议题")
    if meeting.sessions.filter(kind=StudySession.FIRST_TOPIC).exists():
        raise ValidationError("本次会议已有第一议题记录")
    session = StudySession(kind=StudySession.FIRST_TOPIC, party_org=meeting.party_org,
                           meeting=meeting, date=meeting.date, place=meeting.place,
                           theme=study.title[:200], host=meeting.host)
    session.full_clean()
    with transaction.atomic():
        session.save()
        ensure_writable(session, actor)
        build_roll(session)
        record("create", session, after=snapshot(session),
               label=f"由党组会议“{meeting}”登记第一议题"[:200])
        if all_present:
            mark_everyone_present(session, actor=actor)
    return session
