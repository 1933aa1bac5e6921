"""Attendance (考勤): punches from the work app, the organ's rules, the expanded calendar
and the person-day statistics computed from them (specs/attendance.md)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from mofan.core.scoping import Scope, ScopedModel


def minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def hhmm(m) -> str:
    return "" if m is None else f"{m // 60:02d}:{m % 60:02d}"


class Schedule(ScopedModel):
    """An organ's work schedule from ``effective_from`` on, for the months ``first_month``
    to ``last_month`` (a 夏令时 variant May–Sep beside a whole-year one). For a day the
    narrowest month range wins, then the latest effective date."""

    org = models.ForeignKey("orgs.Org", verbose_name="机关", on_delete=models.CASCADE,
                            related_name="+")
    name = models.CharField("名称", max_length=40, default="作息时间")
    effective_from = models.DateField("生效日期")
    first_month = models.PositiveSmallIntegerField("起始月份", default=1)
    last_month = models.PositiveSmallIntegerField("结束月份", default=12)
    am_in = models.TimeField("上午上班", default=dt.time(8, 30))
    am_out = models.TimeField("上午下班", default=dt.time(12, 0))
    pm_in = models.TimeField("下午上班", default=dt.time(14, 30))
    pm_out = models.TimeField("下午下班", default=dt.time(17, 30))
    required_punches = models.PositiveSmallIntegerField(
        "每日应打卡次数", choices=[(2, "2 次（上班、下班）"), (4, "4 次（上下午各上下班）")], default=2)

    scope = Scope(org="org")

    class Meta:
        ordering = ["org", "-effective_from", "first_month"]
        verbose_name = verbose_name_plural = "作息时间"

    def __str__(self):
        return f"{self.name}（{self.first_month}–{self.last_month} 月，{self.effective_from} 起）"

    def clean(self):
        if not (1 <= self.first_month <= self.last_month <= 12):
            raise ValidationError("月份范围应在 1–12 月之间，且起始月份不晚于结束月份")
        if not (self.am_in < self.am_out <= self.pm_in < self.pm_out):
            raise ValidationError("时间应依次为：上午上班 < 上午下班 ≤ 下午上班 < 下午下班")


class Policy(ScopedModel):
    """An organ's thresholds and the handling its rules suggest (月处理)."""

    org = models.OneToOneField("orgs.Org", verbose_name="机关", on_delete=models.CASCADE,
                               related_name="+")
    grace_minutes = models.PositiveSmallIntegerField("迟到宽限（分钟）", default=0)
    severe_late_minutes = models.PositiveSmallIntegerField("严重迟到（超过分钟）", default=30)
    talk_after = models.PositiveSmallIntegerField("缺卡或迟到达到几次提醒谈话", default=3)
    criticise_absent = models.BooleanField("旷工即通报批评", default=True)

    scope = Scope(org="org")

    class Meta:
        ordering = ["org"]
        verbose_name = verbose_name_plural = "考勤规则"

    def __str__(self):
        return f"{self.org} 考勤规则"

    @classmethod
    def of(cls, organ) -> "Policy":
        return cls.objects.filter(org=organ).first() or cls(org=organ)


class ColumnMapping(ScopedModel):
    """The columns of one export source as the office mapped them: {header: field}."""

    org = models.ForeignKey("orgs.Org", verbose_name="机关", on_delete=models.CASCADE,
                            related_name="+")
    source = models.CharField("来源名称", max_length=40)
    mapping = models.JSONField("列对应", default=dict)

    scope = Scope(org="org")

    class Meta:
        ordering = ["org", "source"]
        verbose_name = verbose_name_plural = "导入列对应"
        constraints = [models.UniqueConstraint(fields=["org", "source"], name="att_mapping_once")]

    def __str__(self):
        return self.source


class ImportRun(ScopedModel):
    PENDING, RUNNING, DONE, FAILED, REJECTED = "pending", "running", "done", "failed", "rejected"
    STATUS_CHOICES = [(PENDING, "排队中"), (RUNNING, "导入中"), (DONE, "已完成"),
                      (FAILED, "失败"), (REJECTED, "有错误未导入")]
    org = models.ForeignKey("orgs.Org", verbose_name="机关", on_delete=models.CASCADE,
                            related_name="+")
    source = models.CharField("来源", max_length=40, blank=True)
    filename = models.CharField("文件名", max_length=200)
    file = models.FileField(upload_to="attendance/imports/", blank=True)
    dry_run = models.BooleanField("仅校验", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=PENDING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    read = models.PositiveIntegerField("读取行数", default=0)
    imported = models.PositiveIntegerField("导入条数", default=0)
    duplicates = models.PositiveIntegerField("重复条数", default=0)
    rejected = models.PositiveIntegerField("错误行数", default=0)
    errors = models.JSONField("错误", default=list)
    reason = models.TextField("失败原因", blank=True)

    scope = Scope(org="org")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "考勤导入"

    def __str__(self):
        return f"{self.filename}（{self.get_status_display()}）"


class Punch(ScopedModel):
    """One punch. ``date`` and ``minute`` are the local (Asia/Shanghai) calendar day and
    minute of day; the same person and instant is stored once."""

    IMPORT, CORRECTION = "import", "correction"
    # No index of their own: (person, at) and (organ, date) below lead with them, and
    # every index costs each of a county month's 130,000 inserts.
    person = models.ForeignKey("orgs.Person", verbose_name="人员", on_delete=models.CASCADE,
                               related_name="+", db_index=False)
    organ = models.ForeignKey("orgs.Org", verbose_name="机关", on_delete=models.CASCADE,
                              related_name="+", db_index=False)
    at = models.DateTimeField("打卡时间")
    date = models.DateField("日期")
    minute = models.PositiveSmallIntegerField("时刻（分钟）")
    kind = models.CharField("来源", max_length=12, default=IMPORT,
                            choices=[(IMPORT, "导入"), (CORRECTION, "补卡")])
    run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")

    scope = Scope(org="person__org", people=("person",))

    class Meta:
        ordering = ["person", "at"]
        verbose_name = verbose_name_plural = "打卡记录"
        constraints = [models.UniqueConstraint(fields=["person", "at"], name="att_punch_once")]
        indexes = [models.Index(fields=["organ", "date"], name="att_punch_organ_date")]

    def __str__(self):
        return f"{self.person_id} {self.at:%Y-%m-%d %H:%M}"


class Absence(ScopedModel):
    """An approved 请假 / 出差 / 公出 / 下乡 over whole days, or half a day."""

    KIND_CHOICES = [("事假", "事假"), ("病假", "病假"), ("年假", "年假"), ("调休", "调休"),
                    ("婚假", "婚假"), ("产假", "产假"), ("丧假", "丧假"), ("出差", "出差"),
                    ("公出", "公出"), ("下乡", "下乡")]
    TRIPS = ("出差", "公出", "下乡")
    PART_CHOICES = [("day", "全天"), ("am", "上午"), ("pm", "下午")]
    person = models.ForeignKey("orgs.Person", verbose_name="人员", on_delete=models.CASCADE,
                               related_name="+")
    kind = models.CharField("类别", max_length=4, choices=KIND_CHOICES)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    part = models.CharField("时段", max_length=3, choices=PART_CHOICES, default="day",
                            help_text="半天假只用于开始日期与结束日期相同的一天")
    note = models.CharField("说明", max_length=200, blank=True)
    source = models.CharField("来源", max_length=40, blank=True, editable=False)

    scope = Scope(org="person__org", people=("person",))

    class Meta:
        ordering = ["-start"]
        verbose_name = verbose_name_plural = "请假与出差"

    def __str__(self):
        return f"{self.person} {self.kind} {self.start}–{self.end}"

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError("结束日期早于开始日期")
        if self.part != "day" and self.start != self.end:
            raise ValidationError("半天的请假或出差只能是一天")

    def days(self):
        day = self.start
        while day <= self.end:
            yield day
            day += dt.timedelta(days=1)


class AbsenceDay(models.Model):
    """An Absence expanded to its days, so statistics join on (person, date)."""

    absence = models.ForeignKey(Absence, on_delete=models.CASCADE, related_name="expanded")
    person = models.ForeignKey("orgs.Person", on_delete=models.CASCADE, related_name="+")
    organ = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    part = models.CharField(max_length=3)
    trip = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["organ", "date"], name="att_absday_organ_date")]

    def __str__(self):
        return f"{self.person_id} {self.date} {self.part}"


class DayPlan(models.Model):
    """The expanded calendar: one row per organ and day with its kind (from the work
    calendar) and the schedule in force, so statistics are one join."""

    organ = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+",
                              db_index=False)  # (organ, date) below leads with it
    date = models.DateField()
    kind = models.CharField(max_length=10)  # workday / restday / holiday
    provisional = models.BooleanField(default=False)
    required = models.PositiveSmallIntegerField(default=2)
    am_in = models.PositiveSmallIntegerField()
    am_out = models.PositiveSmallIntegerField()
    pm_in = models.PositiveSmallIntegerField()
    pm_out = models.PositiveSmallIntegerField()
    schedule_name = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organ", "date"], name="att_dayplan_once")]

    def __str__(self):
        return f"{self.organ_id} {self.date} {self.kind}"


class DayStat(ScopedModel):
    """One person-day's status (日统计), computed from punches, absences and the plan."""

    NORMAL, LATE, SEVERE, EARLY, MISSING, ABSENT = (
        "normal", "late", "severe_late", "early", "missing", "absent")
    LEAVE, TRIP, RESTDAY, HOLIDAY = "leave", "trip", "restday", "holiday"
    STATUS_CHOICES = [(NORMAL, "正常"), (LATE, "迟到"), (SEVERE, "严重迟到"), (EARLY, "早退"),
                      (MISSING, "缺卡"), (ABSENT, "旷工"), (LEAVE, "请假"), (TRIP, "出差"),
                      (RESTDAY, "休息日"), (HOLIDAY, "节假日")]
    ANOMALIES = (LATE, SEVERE, EARLY, MISSING, ABSENT)
    # Derived rows, rewritten a county month at a time by one INSERT … SELECT that joins
    # the very people and orgs referenced: no foreign-key triggers to check each row again
    # at commit (Django still deletes them with their person or org), and no index of
    # their own — (person, date) and (organ, date) lead with person and organ, and every
    # query of these rows asks for an organ's or a person's days (a unit's are found
    # within its organ's).
    person = models.ForeignKey("orgs.Person", verbose_name="人员", on_delete=models.CASCADE,
                               related_name="+", db_index=False, db_constraint=False)
    org = models.ForeignKey("orgs.Org", verbose_name="单位", on_delete=models.CASCADE,
                            related_name="+", db_index=False, db_constraint=False)
    organ = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+",
                              db_index=False, db_constraint=False)
    date = models.DateField("日期")
    status = models.CharField("状态", max_length=12, choices=STATUS_CHOICES)
    punches = models.PositiveSmallIntegerField("打卡次数", default=0)
    first_min = models.PositiveSmallIntegerField(null=True)
    last_min = models.PositiveSmallIntegerField(null=True)
    late_minutes = models.PositiveSmallIntegerField("迟到分钟", default=0)
    early = models.PositiveSmallIntegerField("早退次数", default=0)
    missing = models.PositiveSmallIntegerField("缺卡次数", default=0)
    due = models.BooleanField("应出勤", default=False)
    attended = models.BooleanField("出勤", default=False)
    provisional = models.BooleanField("暂定", default=False)

    scope = Scope(org="org", people=("person",))

    class Meta:
        ordering = ["date", "org__path", "person_id"]
        verbose_name = verbose_name_plural = "考勤日统计"
        constraints = [models.UniqueConstraint(fields=["person", "date"], name="att_daystat_once")]
        indexes = [models.Index(fields=["organ", "date"], name="att_daystat_organ_date")]

    def __str__(self):
        return f"{self.person_id} {self.date} {self.get_status_display()}"

    @property
    def first(self):
        return hhmm(self.first_min)

    @property
    def last(self):
        return hhmm(self.last_min)


class MonthStat(models.Model):
    """An organ's month of 日统计 added up (the rate's terms and the anomaly counts), so a
    committee page reads 480 rows for a county year instead of a million person-days.
    Rewritten with the DayStat rows it sums, in the same transaction (``stats.rollup``)."""

    # Derived like DayStat: written by one INSERT … SELECT from DayStat rows that only exist
    # for existing organs, so no foreign-key trigger (Django still deletes them with the org).
    organ = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+",
                              db_index=False, db_constraint=False)  # (organ, month) leads
    month = models.DateField()  # its first day
    n_due = models.PositiveIntegerField(default=0)
    present = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    severe_late = models.PositiveIntegerField(default=0)
    early = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField(default=0)
    absent = models.PositiveIntegerField(default=0)
    leave = models.PositiveIntegerField(default=0)  # 请假 and 出差 days

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organ", "month"], name="att_monthstat_once")]

    def __str__(self):
        return f"{self.organ_id} {self.month:%Y-%m}"


class SpotCheck(ScopedModel):
    """抽查: the office checks a unit on the spot; it appears in the week's bulletin."""

    org = models.ForeignKey("orgs.Org", verbose_name="被抽查单位", on_delete=models.CASCADE,
                            related_name="+")
    date = models.DateField("日期")
    time = models.TimeField("时间")
    present = models.TextField("在岗人员", blank=True)
    absent = models.TextField("不在岗人员", blank=True)
    findings = models.TextField("发现的问题", blank=True)
    checked_by = models.CharField("抽查人", max_length=60, blank=True)

    scope = Scope(org="org")

    class Meta:
        ordering = ["-date", "-time"]
        verbose_name = verbose_name_plural = "考勤抽查"

    def __str__(self):
        return f"{self.date} {self.org} 抽查"


class Bulletin(ScopedModel):
    """A published 周通报: its figures frozen at publication. A correction is a new
    version beside it; both stay readable."""

    org = models.ForeignKey("orgs.Org", verbose_name="机关", on_delete=models.CASCADE,
                            related_name="+")
    week = models.DateField("周一")
    version = models.PositiveSmallIntegerField("版本", default=1)
    content = models.JSONField("内容")
    reason = models.CharField("更正原因", max_length=200, blank=True)
    published_at = models.DateTimeField("发布时间", auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")

    scope = Scope(org="org")

    class Meta:
        ordering = ["-week", "-version"]
        verbose_name = verbose_name_plural = "考勤周通报"
        constraints = [models.UniqueConstraint(fields=["org", "week", "version"],
                                               name="att_bulletin_version_once")]

    def __str__(self):
        return f"{self.week:%Y-%m-%d} 周考勤通报（第 {self.version} 版）"


class MonthCase(ScopedModel):
    """月处理: one person's month, the handling the rules suggest and the one decided."""

    org = models.ForeignKey("orgs.Org", verbose_name="单位", on_delete=models.CASCADE,
                            related_name="+")
    person = models.ForeignKey("orgs.Person", verbose_name="人员", on_delete=models.CASCADE,
                               related_name="+")
    month = models.DateField("月份")
    late = models.PositiveSmallIntegerField("迟到", default=0)
    severe_late = models.PositiveSmallIntegerField("严重迟到", default=0)
    early = models.PositiveSmallIntegerField("早退", default=0)
    missing = models.PositiveSmallIntegerField("缺卡", default=0)
    absent = models.PositiveSmallIntegerField("旷工", default=0)
    suggestion = models.CharField("建议处理", max_length=40, blank=True)
    decision = models.CharField("实际处理", max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)

    scope = Scope(org="org", people=("person",))

    class Meta:
        ordering = ["-month", "org__path", "person_id"]
        verbose_name = verbose_name_plural = "考勤月处理"
        constraints = [models.UniqueConstraint(fields=["person", "month"],
                                               name="att_monthcase_once")]

    def __str__(self):
        return f"{self.person} {self.month:%Y年%m月} {self.suggestion}"


class Explanation(ScopedModel):
    """补卡 / 情况说明: a member explains an anomaly of a day; the unit head approves (the
    day is corrected) or rejects with a reason."""

    FORGOT, FAILURE, OUTSIDE, OTHER = "forgot", "failure", "outside", "other"
    KIND_CHOICES = [(FORGOT, "在岗忘记打卡"), (FAILURE, "系统或设备故障"),
                    (OUTSIDE, "外出办公（公出）"), (OTHER, "其他")]
    PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
    STATE_CHOICES = [(PENDING, "待审批"), (APPROVED, "已同意"), (REJECTED, "已驳回")]
    org = models.ForeignKey("orgs.Org", verbose_name="单位", on_delete=models.CASCADE,
                            related_name="+", editable=False)
    person = models.ForeignKey("orgs.Person", verbose_name="人员", on_delete=models.CASCADE,
                               related_name="+", editable=False)
    date = models.DateField("日期")
    kind = models.CharField("情况", max_length=10, choices=KIND_CHOICES)
    time = models.TimeField("应打卡时间", null=True, blank=True,
                            help_text="补卡时填写实际到岗或离岗的时间")
    part = models.CharField("时段", max_length=3, choices=Absence.PART_CHOICES, default="day",
                            help_text="外出办公的时段")
    reason = models.CharField("说明", max_length=300)
    state = models.CharField("状态", max_length=10, choices=STATE_CHOICES, default=PENDING,
                             editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True, editable=False)
    decision_reason = models.CharField("审批意见", max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    scope = Scope(org="org", people=("person",))

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "考勤情况说明"

    def __str__(self):
        return f"{self.person} {self.date} {self.get_kind_display()}"
