"""学习型机关: monthly plans, study sessions with their roll, 党组会议 and the 第一议题,
red-education bases and their services.

Every row carries ``org`` (the Org of its party organisation or base) so scoping and
indicators (grouped by ``org__organ``) work the same way as in every other app. ``org`` is
derived on save, never typed.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from mofan.core.files import GeneratedName
from mofan.core.scoping import Scope, ScopedModel, ScopedQuerySet
from mofan.orgs.models import Org, PartyOrg, Person

# PartyOrg kinds that keep study records: the 党组 acts as the 理论学习中心组.
LEADING_GROUP = "leading_group"
BRANCH = "branch"
STUDY_PARTY_KINDS = (LEADING_GROUP, BRANCH)


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def previous_month(d: dt.date) -> dt.date:
    return (d.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def next_month(d: dt.date) -> dt.date:
    return (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


class StudyPlan(ScopedModel):
    """一月一计划、一月一主题: one plan per party organisation and month."""

    DRAFT, FILED = "draft", "filed"
    STATUS_CHOICES = [(DRAFT, "草稿"), (FILED, "已报送")]

    party_org = models.ForeignKey(
        PartyOrg, verbose_name="党组织", on_delete=models.PROTECT,
        limit_choices_to={"kind__in": STUDY_PARTY_KINDS}, related_name="study_plans",
    )
    org = models.ForeignKey(Org, verbose_name="所属单位", on_delete=models.PROTECT,
                            editable=False, related_name="+")
    month = models.DateField("月份", help_text="该月任意一天，保存为当月 1 日")
    theme = models.CharField("学习主题", max_length=200)
    planned = models.TextField("计划安排", blank=True,
                               help_text="本月计划开展的学习活动，每行一项")
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=DRAFT)
    filed_on = models.DateField("报送日期", null=True, blank=True)

    class Meta:
        ordering = ["-month", "party_org__sort", "party_org_id"]
        verbose_name = verbose_name_plural = "月度学习计划"
        constraints = [
            models.UniqueConstraint(fields=["party_org", "month"], name="study_plan_one_per_month")
        ]

    def __str__(self):
        return f"{self.party_org.name} {self.month:%Y年%m月}学习计划"

    def get_absolute_url(self):
        return reverse("study:studyplan_detail", args=[self.pk])

    def clean(self):
        if self.month:
            self.month = month_start(self.month)
        if self.status == self.FILED and not self.filed_on:
            self.filed_on = timezone.localdate()
        elif self.status == self.DRAFT:
            self.filed_on = None

    def save(self, *args, **kwargs):
        self.month = month_start(self.month)
        self.org_id = self.party_org.org_id
        super().save(*args, **kwargs)

    @property
    def month_label(self):
        return f"{self.month.year}年{self.month.month}月"


class Meeting(ScopedModel):
    """A 党组会议 and its ordered agenda: 第一议题 means the first item is the study item."""

    party_org = models.ForeignKey(
        PartyOrg, verbose_name="党组", on_delete=models.PROTECT,
        limit_choices_to={"kind": LEADING_GROUP}, related_name="meetings",
    )
    org = models.ForeignKey(Org, verbose_name="机关", on_delete=models.PROTECT, editable=False,
                            related_name="+")
    title = models.CharField("会议名称", max_length=120, help_text="如：2022年第5次党组会议")
    date = models.DateField("会议日期")
    place = models.CharField("地点", max_length=100, blank=True)
    host = models.ForeignKey(Person, verbose_name="主持人", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "党组会议"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("study:meeting_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.org_id = self.party_org.org_id
        super().save(*args, **kwargs)

    @property
    def first_is_study_label(self):
        """Reads the list annotation ``first_is_study``."""
        return "是" if getattr(self, "first_is_study", None) else "否"

    @property
    def opens_with_study(self) -> bool:
        first = self.agenda.order_by("order", "id").first()
        return bool(first and first.is_study)


def first_item_is_study(meeting_ref="pk"):
    """Subquery: is the first agenda item (lowest order) of the meeting the study item?"""
    return Subquery(
        AgendaItem.objects.filter(meeting=OuterRef(meeting_ref))
        .order_by("order", "id").values("is_study")[:1],
        output_field=models.BooleanField(),
    )


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name="党组会议", on_delete=models.CASCADE,
                                related_name="agenda")
    order = models.PositiveSmallIntegerField("顺序")
    title = models.CharField("议题", max_length=200)
    is_study = models.BooleanField("学习议题", default=False,
                                   help_text="传达学习习近平总书记最新重要讲话、指示批示精神")

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = verbose_name_plural = "会议议题"

    def __str__(self):
        return f"{self.order}. {self.title}"


class SessionQuerySet(ScopedQuerySet):
    def with_first_topic_flag(self):
        """``opens_with_study``: for 第一议题 sessions, whether its meeting opened with study."""
        return self.annotate(opens_with_study=first_item_is_study("meeting"))

    def with_roll_counts(self):
        """``on_roll``, ``marked`` and ``attended`` (see ``roll_counts``) as one subquery per
        figure, not a join grouped by session: a list page joining five more tables and
        grouping by all of them took PostgreSQL 30–47 ms to plan and 8 ms to run."""
        roll = Attendance.objects.filter(session=OuterRef("pk")).order_by().values("session")

        def count(only=None):
            return Coalesce(Subquery(roll.annotate(n=Count("id", filter=only)).values("n")), 0)

        return self.annotate(on_roll=count(), marked=count(MARKED_Q), attended=count(ATTENDED_Q))

    def counted_first_topic(self):
        """第一议题 sessions that count: their 党组会议's first agenda item is the study item."""
        return self.with_first_topic_flag().filter(kind=StudySession.FIRST_TOPIC,
                                                   opens_with_study=True)


class StudySession(ScopedModel):
    FIRST_TOPIC = "first_topic"
    CENTRAL_GROUP = "central_group"
    BRANCH = "branch"
    LECTURE = "lecture"
    THEME_DAY = "theme_day"
    SEMINAR = "seminar"
    KIND_CHOICES = [
        (FIRST_TOPIC, "第一议题"),
        (CENTRAL_GROUP, "中心组理论学习"),
        (BRANCH, "支部集中学习"),
        (LECTURE, "党课"),
        (THEME_DAY, "主题党日"),
        (SEMINAR, "专题研讨"),
    ]
    FORM_CHOICES = [
        ("study", "共学"),
        ("listen", "共听"),
        ("watch", "共看"),
        ("talk", "共谈"),
        ("volunteer", "志愿服务"),
        ("other", "其他"),
    ]

    kind = models.CharField("类型", max_length=20, choices=KIND_CHOICES)
    party_org = models.ForeignKey(
        PartyOrg, verbose_name="党组织", on_delete=models.PROTECT,
        limit_choices_to={"kind__in": STUDY_PARTY_KINDS}, related_name="study_sessions",
        help_text="中心组学习、第一议题选党组；支部学习、主题党日选党支部",
    )
    org = models.ForeignKey(Org, verbose_name="所属单位", on_delete=models.PROTECT,
                            editable=False, related_name="+")
    meeting = models.ForeignKey(
        Meeting, verbose_name="党组会议", null=True, blank=True, on_delete=models.PROTECT,
        related_name="sessions", help_text="第一议题必填：在哪次党组会议上学习",
    )
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    theme = models.CharField("主题", max_length=200)
    host = models.ForeignKey(Person, verbose_name="主持人", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    recorder = models.ForeignKey(Person, verbose_name="记录人", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    speaker = models.ForeignKey(Person, verbose_name="授课人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                help_text="党课必填")
    leader_lecture = models.BooleanField("领导干部讲党课", default=False)
    theme_day_form = models.CharField("活动形式", max_length=20, choices=FORM_CHOICES,
                                      blank=True, help_text="主题党日必填")
    topics = models.TextField("研讨题目", blank=True, help_text="专题研讨、中心组学习的研讨题目")
    materials = models.TextField("学习内容", blank=True, help_text="学习的文件、讲话、书目")
    minutes = models.TextField("会议记录", blank=True)

    # The recorder and host keep the roll of their session (they may be branch members
    # without an administrator role).
    scope = Scope(org="org", people=("recorder", "host"), self_edit=True)
    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "学习活动"
        indexes = [models.Index(fields=["org", "date"])]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}：{self.theme}"

    def get_absolute_url(self):
        return reverse("study:studysession_detail", args=[self.pk])

    def clean(self):
        errors = {}
        po = self.party_org if self.party_org_id else None
        if self.kind == self.FIRST_TOPIC:
            if not self.meeting_id:
                errors["meeting"] = "第一议题须记在某次党组会议上"
            elif po and self.meeting.party_org_id != po.pk:
                errors["meeting"] = "会议不属于所选党组"
            elif self.date and self.meeting.date != self.date:
                errors["date"] = f"日期应与党组会议日期（{self.meeting.date:%Y-%m-%d}）一致"
        elif self.meeting_id:
            errors["meeting"] = "只有第一议题需要关联党组会议"
        if po and self.kind in (self.FIRST_TOPIC, self.CENTRAL_GROUP) and po.kind != LEADING_GROUP:
            errors["party_org"] = "第一议题、中心组学习应选择党组（理论学习中心组）"
        if po and self.kind in (self.BRANCH, self.THEME_DAY) and po.kind != BRANCH:
            errors["party_org"] = "支部集中学习、主题党日应选择党支部"
        if self.kind == self.LECTURE and not self.speaker_id:
            errors["speaker"] = "党课须填写授课人"
        if self.kind != self.LECTURE and self.leader_lecture:
            errors["leader_lecture"] = "只有党课可标记为领导干部讲党课"
        if self.kind == self.THEME_DAY and not self.theme_day_form:
            errors["theme_day_form"] = "主题党日须选择活动形式"
        if self.kind != self.THEME_DAY and self.theme_day_form:
            self.theme_day_form = ""
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.org_id = self.party_org.org_id
        super().save(*args, **kwargs)

    # The labels below read annotations of the list queryset (on_roll, marked, attended,
    # opens_with_study; see ``roll_counts``), so a list page needs no query per row.
    @property
    def attendance_label(self):
        return roll_label(getattr(self, "on_roll", None), getattr(self, "marked", 0),
                          getattr(self, "attended", 0))

    @property
    def untaken(self):
        if getattr(self, "on_roll", None) is None:
            return None
        return self.on_roll - self.marked

    @property
    def rate(self):
        """Attendance rate over the people marked; None while nobody is marked."""
        if not getattr(self, "marked", 0):
            return None
        return round(100.0 * self.attended / self.marked, 1)

    @property
    def first_topic_label(self):
        if self.kind != self.FIRST_TOPIC:
            return ""
        return "计入" if getattr(self, "opens_with_study", False) else "不计入（学习非首项）"

    @property
    def leader_lecture_label(self):
        return "是" if self.leader_lecture else ""


UNTAKEN, PRESENT, ABSENT = "untaken", "present", "absent"


def attended_q(prefix=""):
    """Rows that count as attended: present, or absent with the 补学 done."""
    return (Q(**{f"{prefix}status": PRESENT})
            | Q(**{f"{prefix}status": ABSENT, f"{prefix}makeup_on__isnull": False}))


def marked_q(prefix=""):
    """Rows whose attendance has been recorded (出席 or 缺席, not 未点名)."""
    return ~Q(**{f"{prefix}status": UNTAKEN})


ATTENDED_Q = attended_q()
MARKED_Q = marked_q()


def roll_counts(prefix=""):
    """Aggregates of a roll: ``on_roll`` (everyone on it), ``marked`` (出席 or 缺席) and
    ``attended`` (出席, or 缺席 with 补学). 未点名 rows count in neither rate term: a roll
    nobody has taken has no rate ("—"), never 100 %. ``prefix`` is "roll__" from a
    session queryset, "" from an Attendance queryset."""
    key = f"{prefix}id"
    return {"on_roll": Count(key), "marked": Count(key, filter=marked_q(prefix)),
            "attended": Count(key, filter=attended_q(prefix))}


def roll_label(on_roll, marked, attended) -> str:
    """"9/10", "未点名", "6/7（另3人未点名）" or "无名单" ("" when not annotated)."""
    if on_roll is None:
        return ""
    if not on_roll:
        return "无名单"
    if not marked:
        return "未点名"
    text = f"{attended}/{marked}"
    return text if marked == on_roll else f"{text}（另{on_roll - marked}人未点名）"


def absence_refusal(status, absence, reason) -> str:
    """Why an absence may not be recorded like this ("" when it may): 缺席 needs its kind
    (请假 / 公差 / 其他) and 其他 needs a few words."""
    if status != ABSENT:
        return ""
    if absence not in dict(Attendance.ABSENCE_CHOICES):
        return "缺席须选择原因：请假、公差或其他"
    if absence == Attendance.OTHER and not (reason or "").strip():
        return "缺席原因为“其他”时须填写说明"
    return ""


class Attendance(ScopedModel):
    """One person on a session's roll.

    A new roll is 未点名 for everyone until the recorder marks each person 出席 or 缺席
    (缺席 with its kind: 请假 / 公差 / 其他 + text). Attendance rate = (出席 + 缺席 with
    补学) / people marked, pooled over sessions; 未点名 rows are left out of both terms.
    """

    UNTAKEN, PRESENT, ABSENT = UNTAKEN, PRESENT, ABSENT
    STATUS_CHOICES = [(UNTAKEN, "未点名"), (PRESENT, "出席"), (ABSENT, "缺席")]
    LEAVE, DUTY, OTHER = "leave", "duty", "other"
    ABSENCE_CHOICES = [(LEAVE, "请假"), (DUTY, "公差"), (OTHER, "其他")]

    session = models.ForeignKey(StudySession, verbose_name="学习活动", on_delete=models.CASCADE,
                                related_name="roll")
    org = models.ForeignKey(Org, verbose_name="所属单位", on_delete=models.PROTECT,
                            editable=False, related_name="+")
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT,
                               related_name="study_attendance")
    status = models.CharField("出勤", max_length=10, choices=STATUS_CHOICES, default=UNTAKEN)
    absence = models.CharField("缺席原因", max_length=10, choices=ABSENCE_CHOICES, blank=True)
    reason = models.CharField("缺席说明", max_length=100, blank=True,
                              help_text="如：病假、下乡督导；原因为“其他”时必填")
    makeup_on = models.DateField("补学日期", null=True, blank=True)
    spoke = models.BooleanField("发言", default=False)

    scope = Scope(org="org", people=("person",))

    class Meta:
        ordering = ["session", "person__sort", "person_id"]
        verbose_name = verbose_name_plural = "出勤记录"
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attendance_once"),
            # 缺席 always has its kind, and only 缺席 has one.
            models.CheckConstraint(
                condition=Q(status=ABSENT, absence__in=["leave", "duty", "other"])
                | (~Q(status=ABSENT) & Q(absence="")),
                name="attendance_absence_has_kind"),
            models.CheckConstraint(condition=~Q(absence="other") | ~Q(reason=""),
                                   name="attendance_other_absence_explained"),
            models.CheckConstraint(condition=Q(makeup_on__isnull=True) | Q(status=ABSENT),
                                   name="attendance_makeup_only_when_absent"),
        ]

    def __str__(self):
        return f"{self.person} {self.status_label}"

    def clean(self):
        if reason := absence_refusal(self.status, self.absence, self.reason):
            raise ValidationError({"absence": reason})

    def save(self, *args, **kwargs):
        self.org_id = self.session.org_id
        super().save(*args, **kwargs)

    @property
    def attended(self) -> bool:
        return self.status == PRESENT or (self.status == ABSENT and self.makeup_on is not None)

    @property
    def absence_label(self) -> str:
        """"请假：病假", "公差", "其他：家中有事" ("" unless 缺席)."""
        if self.status != ABSENT:
            return ""
        kind = self.get_absence_display()
        return f"{kind}：{self.reason}" if self.reason else kind

    @property
    def status_label(self):
        if self.status == PRESENT:
            return "出席"
        if self.status == UNTAKEN:
            return "未点名"
        return f"缺席（已补学 {self.makeup_on:%m-%d}）" if self.makeup_on else "缺席"


class SessionFile(ScopedModel):
    """A photo or document of a session, stored under a generated name."""

    session = models.ForeignKey(StudySession, verbose_name="学习活动", on_delete=models.CASCADE,
                                related_name="files")
    org = models.ForeignKey(Org, verbose_name="所属单位", on_delete=models.PROTECT,
                            editable=False, related_name="+")
    file = models.FileField("文件", upload_to=GeneratedName("study"))
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["session", "id"]
        verbose_name = verbose_name_plural = "活动附件"

    def __str__(self):
        return self.original_name

    def save(self, *args, **kwargs):
        self.org_id = self.session.org_id
        super().save(*args, **kwargs)


class RedBase(ScopedModel):
    KIND_CHOICES = [
        ("memorial", "纪念馆"),
        ("exhibition", "史迹陈列馆"),
        ("branch_site", "党支部旧址"),
        ("other", "其他"),
    ]
    org = models.ForeignKey(Org, verbose_name="管理单位", on_delete=models.PROTECT,
                            related_name="+")
    name = models.CharField("基地名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=KIND_CHOICES)
    address = models.CharField("地址", max_length=200, blank=True)
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["org__path", "sort", "id"]
        verbose_name = verbose_name_plural = "红色教育基地"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("study:redbase_detail", args=[self.pk])


class RedService(ScopedModel):
    """One red-education service: a group received and guided at a base."""

    GROUP_CHOICES = [
        ("public_body", "机关事业单位"),
        ("society", "社会团体"),
        ("students", "学生"),
        ("other", "其他"),
    ]
    base = models.ForeignKey(RedBase, verbose_name="教育基地", on_delete=models.PROTECT,
                             related_name="services")
    org = models.ForeignKey(Org, verbose_name="管理单位", on_delete=models.PROTECT,
                            editable=False, related_name="+")
    date = models.DateField("日期")
    group = models.CharField("服务对象", max_length=20, choices=GROUP_CHOICES)
    group_name = models.CharField("单位/团体名称", max_length=100, blank=True)
    people = models.PositiveIntegerField("人数")
    guide = models.CharField("讲解员", max_length=40, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "红色教育服务"
        indexes = [models.Index(fields=["org", "date"])]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.base} {self.people}人"

    def get_absolute_url(self):
        return reverse("study:redservice_detail", args=[self.pk])

    def clean(self):
        if self.people is not None and self.people < 1:
            raise ValidationError({"people": "人数至少为 1"})

    def save(self, *args, **kwargs):
        self.org_id = self.base.org_id
        super().save(*args, **kwargs)
