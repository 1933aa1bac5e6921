"""考评 rules as plain functions: criteria versions, publishing, manual scores and the
scoring of every organ. Scores read only indicators (``core.indicators.table``): one
evaluation runs a fixed number of queries whatever the number of organs."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mofan.audit.services import record, snapshot
from mofan.core import indicators
from mofan.core.indicators import REGISTRY, Period
from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN
from mofan.orgs.models import Org

from .models import CriteriaGroup, CriteriaItem, CriteriaSet, ManualScore

CENT = Decimal("0.01")


def q2(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------ who may


def committee_of(user) -> Org:
    """The 机关工委 a committee administrator keeps criteria for; anyone else: refused."""
    if user.role != COMMITTEE or not user.org_id:
        raise PermissionDenied("只有工委管理员可以制定考评方案和评分")
    return user.org


def ensure_draft(cset: CriteriaSet):
    if cset.is_published:
        raise ValidationError("考评方案已发布，不能修改；请“修订为新版本”后修改新版本")


# ------------------------------------------------------------------ criteria


def create_set(user, year: int, title: str, notes: str = "") -> CriteriaSet:
    committee = committee_of(user)
    with transaction.atomic():
        version = (CriteriaSet.objects.filter(org=committee, year=year)
                   .aggregate(v=Max("version"))["v"] or 0) + 1
        cset = CriteriaSet.objects.create(org=committee, year=year, version=version,
                                          title=title, notes=notes)
        record("create", cset, after=snapshot(cset), user=user)
    return cset


def save_part(obj, user, *, cset: CriteriaSet, delete=False):
    """Create, change or delete a group or an item of a draft (audited)."""
    committee_of(user)
    ensure_draft(cset)
    if isinstance(obj, CriteriaItem):
        validate_item(obj)
    with transaction.atomic():
        before = None
        if obj.pk:
            before = snapshot(type(obj).objects.get(pk=obj.pk))
        if delete:
            record("delete", obj, before=before, user=user)
            obj.delete()
            return None
        obj.save()
        record("update" if before else "create", obj, before=before, after=snapshot(obj),
               user=user)
    return obj


def validate_item(item: CriteriaItem):
    errors = {}
    if item.method != CriteriaItem.MANUAL:
        if item.indicator not in REGISTRY:
            errors["indicator"] = "请选择依据的指标"
        if item.method == CriteriaItem.THRESHOLD and item.threshold is None:
            errors["threshold"] = "“达到标准得满分”须填写标准"
        if item.method == CriteriaItem.PER_UNIT and not item.per_unit:
            errors["per_unit"] = "“按次计分”须填写每次分值"
    if errors:
        raise ValidationError(errors)


def publish(cset: CriteriaSet, user) -> CriteriaSet:
    committee_of(user)
    ensure_draft(cset)
    groups = list(cset.groups.prefetch_related("items"))
    problems = []
    if not groups:
        problems.append("方案还没有考评类别")
    for g in groups:
        items = list(g.items.all())
        if not items:
            problems.append(f"类别“{g.name}”还没有考评内容")
        for item in items:
            try:
                validate_item(item)
            except ValidationError as exc:
                problems += [f"“{item.name}”：{m}" for m in exc.messages]
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        before = snapshot(cset)
        CriteriaSet.objects.filter(pk=cset.pk).update(status=CriteriaSet.PUBLISHED,
                                                      published_at=timezone.now())
        cset.refresh_from_db()
        record("update", cset, before=before, after=snapshot(cset),
               label=f"发布考评方案 {cset}", user=user)
    return cset


def new_version(cset: CriteriaSet, user) -> CriteriaSet:
    """A change to published criteria: a draft copy as the next version of the year (its
    groups, items and the manual scores given so far)."""
    committee = committee_of(user)
    if not cset.is_published:
        raise ValidationError("草稿可以直接修改，不需要修订为新版本")
    with transaction.atomic():
        version = (CriteriaSet.objects.filter(org=committee, year=cset.year)
                   .aggregate(v=Max("version"))["v"] or 0) + 1
        copy = CriteriaSet.objects.create(org=committee, year=cset.year, version=version,
                                          title=cset.title, notes=cset.notes, based_on=cset)
        for group in cset.groups.prefetch_related("items__manual_scores"):
            new_group = CriteriaGroup.objects.create(criteria_set=copy, name=group.name,
                                                     weight=group.weight, sort=group.sort)
            for item in group.items.all():
                scores = list(item.manual_scores.all())
                item.pk, item.group = None, new_group
                item.save()
                for s in scores:
                    ManualScore.objects.create(item=item, org_id=s.org_id, points=s.points,
                                               reason=s.reason, scored_by_id=s.scored_by_id)
        record("create", copy, after=snapshot(copy),
               label=f"修订考评方案：{cset} → 第{version}版", user=user)
    return copy


def set_manual_score(item: CriteriaItem, organ: Org, points, reason: str, user) -> ManualScore:
    """A hand-given score: needs a reason, stays within the item's points, audited."""
    committee_of(user)
    if item.method != CriteriaItem.MANUAL:
        raise ValidationError("该考评内容由指标自动计分，不能人工评分")
    if not organ.path.startswith(user.org.path) or organ.kind != Org.ORGAN:
        raise PermissionDenied("该机关不在您的管理范围内")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("人工评分须写明评分理由")
    try:
        points = q2(points)
    except Exception as exc:
        raise ValidationError("得分须为数字") from exc
    if not Decimal(0) <= points <= item.points:
        raise ValidationError(f"得分须在 0 至 {item.points} 分之间")
    with transaction.atomic():
        existing = ManualScore.objects.select_for_update().filter(item=item, org=organ).first()
        before = snapshot(existing) if existing else None
        score = existing or ManualScore(item=item, org=organ)
        score.points, score.reason, score.scored_by = points, reason, user
        score.save()
        record("update" if before else "create", score, before=before, after=snapshot(score),
               label=f"人工评分 {organ.name}·{item.name}：{points}分（{reason[:60]}）",
               user=user)
    return score


def current_set(committee: Org, year: int) -> CriteriaSet | None:
    """The criteria that score a year: its latest published version."""
    return (CriteriaSet.objects.filter(org=committee, year=year, status=CriteriaSet.PUBLISHED)
            .order_by("-version").first())


def breakdown_allowed(user, organ) -> bool:
    """An organ sees its own breakdown (its administrators and heads), the committee every
    organ under it; nobody sees another organ's."""
    if not user.org_id or organ.kind != Org.ORGAN:
        return False
    if user.role == COMMITTEE:
        return organ.path.startswith(user.org.path)
    return user.role in (ORG_ADMIN, HEAD) and user.org.organ_id == organ.pk


# ------------------------------------------------------------------ scoring


@dataclass
class ItemScore:
    item: CriteriaItem
    value: object  # the indicator's figure (None: no data) or the manual score
    score: Decimal
    note: str = ""
    manual: ManualScore | None = None


@dataclass
class GroupScore:
    group: CriteriaGroup
    items: list
    earned: Decimal = Decimal(0)
    max_points: Decimal = Decimal(0)

    @property
    def weighted(self) -> Decimal:
        """The group's score out of its weight: its items' share of their points."""
        if not self.max_points:
            return Decimal(0)
        return q2(self.group.weight * self.earned / self.max_points)


@dataclass
class OrganScore:
    organ: Org
    groups: list = field(default_factory=list)
    rank: int | None = None

    @property
    def total(self) -> Decimal:
        return q2(sum((g.weighted for g in self.groups), Decimal(0)))

    @property
    def pending(self) -> int:
        return sum(1 for g in self.groups for i in g.items if i.note == "待评分")


def score_item(item: CriteriaItem, value) -> tuple[Decimal, str]:
    """(points earned, note) for one figure under one item's rule."""
    if value is None:
        return q2(0), "无数据"
    v = Decimal(str(value))
    points = item.points
    if item.method == CriteriaItem.THRESHOLD:
        met = v <= item.threshold if item.lower_is_better else v >= item.threshold
        return (q2(points), "达到标准") if met else (q2(0), "未达标准")
    if item.method == CriteriaItem.PER_UNIT:
        step = item.per_unit or Decimal(0)
        if item.lower_is_better:
            return q2(max(Decimal(0), points - v * step)), f"扣 {q2(min(points, v * step))} 分"
        earned = v * step
        return q2(min(points, earned)), "已封顶" if earned >= points else ""
    if item.method == CriteriaItem.RATE:
        full = item.threshold or Decimal(100)
        share = max(Decimal(0), min(Decimal(1), v / full)) if full else Decimal(0)
        return q2(points * share), ""
    return Decimal(0), ""


def evaluate(cset: CriteriaSet, organs, period: Period | None = None) -> list[OrganScore]:
    """Every organ's scores under ``cset``, ranked (ties share a rank), in a fixed number
    of queries: the criteria, one ``indicators.table`` for the items' indicators, and the
    manual scores."""
    organs = list(organs)
    period = period or Period.year(cset.year)
    groups = list(cset.groups.prefetch_related("items"))
    # Each group's items listed once (``.all()`` builds a queryset: 40 organs × every group).
    group_items = [(g, list(g.items.all())) for g in groups]
    items = [i for _, its in group_items for i in its]
    keys = list(dict.fromkeys(i.indicator for i in items
                              if i.method != CriteriaItem.MANUAL and i.indicator in REGISTRY))
    ids = [o.pk for o in organs]
    values = indicators.table(ids, period, keys) if keys else {}
    manual = {(m.item_id, m.org_id): m for m in
              ManualScore.objects.filter(item__group__criteria_set=cset, org_id__in=ids)}
    out = []
    for organ in organs:
        organ_score = OrganScore(organ)
        for g, its in group_items:
            gs = GroupScore(g, [])
            for item in its:
                if item.method == CriteriaItem.MANUAL:
                    m = manual.get((item.pk, organ.pk))
                    s = ItemScore(item, m.points if m else None, m.points if m else Decimal(0),
                                  "" if m else "待评分", m)
                elif item.indicator not in REGISTRY:
                    s = ItemScore(item, None, Decimal(0), "指标已不存在")
                else:
                    value = values[item.indicator][organ.pk]
                    s = ItemScore(item, value, *score_item(item, value))
                gs.items.append(s)
                gs.earned += s.score
                gs.max_points += item.points
            organ_score.groups.append(gs)
        out.append(organ_score)
    out.sort(key=lambda s: (-s.total, s.organ.sort, s.organ.pk))
    previous, rank = None, 0
    for position, s in enumerate(out, 1):
        if s.total != previous:
            rank, previous = position, s.total
        s.rank = rank
    return out


# ------------------------------------------------------------------ the default set

# (group, weight, [(item, method, indicator, points, threshold, per_unit, lower_is_better)])
DEFAULT_CRITERIA = [
    ("学习型机关建设", 25, [
        ("第一议题学习", "per_unit", "study.first_topic_sessions", 8, None, "0.5", False),
        ("党组会议首项为学习", "rate", "study.first_topic_coverage_rate", 6, "100", None, False),
        ("党组中心组理论学习", "per_unit", "study.central_group_sessions", 6, None, "0.5", False),
        ("学习活动出勤率达 95%", "rate", "study.attendance_rate", 5, "95", None, False),
        ("每月报送学习计划", "per_unit", "study.months_with_plan", 6, None, "0.5", False),
        ("主题党日活动", "per_unit", "study.theme_days", 4, None, "0.5", False),
    ]),
    ("服务型机关建设", 25, [
        ("在职党员到社区报到", "threshold", "community.members_registered", 5, "1", None, False),
        ("党员到社区服务", "per_unit", "community.members_serving", 5, None, "0.5", False),
        ("完成实事项目", "per_unit", "community.projects_done", 5, None, "1", False),
        ("民情诉求回访满意率", "rate", "appeals.satisfaction_rate", 5, "95", None, False),
        ("民情诉求解决率", "rate", "appeals.resolved_rate", 5, "90", None, False),
    ]),
    ("效能型机关建设", 20, [
        ("考勤出勤率达 98%", "rate", "attendance.rate", 8, "98", None, False),
        ("旷工（每人次扣 1 分）", "per_unit", "attendance.absent", 4, None, "1", True),
        ("考勤周通报", "per_unit", "attendance.bulletins_published", 4, None, "0.2", False),
        ("整改建立和完善制度", "per_unit", "rectification.rules_created", 4, None, "1", False),
    ]),
    ("台账管理（定向销号）", 20, [
        ("创建任务按期办结率", "rate", "ledgers.tasks.closed_on_time_rate", 4, "100", None, False),
        ("民情诉求按期办结率", "rate", "ledgers.appeals.closed_on_time_rate", 4, "100", None, False),
        ("巡察整改问题按期办结率", "rate", "ledgers.rectification.closed_on_time_rate", 4, "100",
         None, False),
        ("纾困解难诉求按期办结率", "rate", "ledgers.enterprise.closed_on_time_rate", 4, "100",
         None, False),
        ("台账逾期未办结（每件扣 0.5 分）", "per_unit", "ledgers.appeals.overdue_open", 4, None,
         "0.5", True),
    ]),
    ("综合评价", 10, [
        ("创建工作特色与成效（工委评定）", "manual", "", 10, None, None, False),
    ]),
]


def create_default_set(user, year: int) -> CriteriaSet:
    """The ready-made criteria covering the three pillars and the ledgers (a draft: the
    committee reviews and publishes it). Items whose indicator is not installed are left
    out."""
    cset = create_set(user, year, f"{year}年度模范机关创建考评方案",
                      "系统提供的默认方案：学习型、服务型、效能型和台账管理按指标自动计分，综合评价由工委人工评分。")
    with transaction.atomic():
        for gsort, (name, weight, rows) in enumerate(DEFAULT_CRITERIA):
            group = CriteriaGroup.objects.create(criteria_set=cset, name=name,
                                                 weight=Decimal(weight), sort=gsort)
            for isort, (label, method, key, points, threshold, per_unit, lower) in enumerate(rows):
                if method != CriteriaItem.MANUAL and key not in REGISTRY:
                    continue
                CriteriaItem.objects.create(
                    group=group, name=label, method=method, indicator=key,
                    points=Decimal(points), sort=isort, lower_is_better=lower,
                    threshold=Decimal(threshold) if threshold else None,
                    per_unit=Decimal(per_unit) if per_unit else None)
        record("create", cset, label=f"生成默认考评方案 {cset}", user=user)
    return cset
