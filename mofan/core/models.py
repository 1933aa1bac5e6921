"""Core tables: the organ's work-calendar overrides, ledger time limits, and the one
timeline (``LedgerEvent``) and evidence store (``LedgerFile``) shared by every ledger.

Events and files point at their item through a generic foreign key: the four ledgers
(and any later one) share one timeline table, one timeline template and one
"我的待办" query shape, and a new ledger needs no new event table or migration here.
The price — no database FK from event to item — is paid by always reading the timeline
through the item (``timeline(item)``), never the other way round.
"""

import datetime as dt

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from .files import GeneratedName
from .scoping import Scope, ScopedModel
from .workcalendar import HOLIDAY, RESTDAY, WORKDAY


class CalendarOverride(ScopedModel):
    """A day whose kind the organ sets itself (a year the package does not know yet,
    or a local arrangement). An override always wins over the package."""

    KIND_CHOICES = [(WORKDAY, "工作日（含调休上班）"), (HOLIDAY, "法定节假日"), (RESTDAY, "休息日")]
    org = models.ForeignKey("orgs.Org", verbose_name="机关", on_delete=models.CASCADE,
                            related_name="+")
    date = models.DateField("日期")
    kind = models.CharField("类型", max_length=10, choices=KIND_CHOICES)
    note = models.CharField("说明", max_length=100, blank=True, help_text="如：2027年元旦调休上班")

    scope = Scope(org="org")

    class Meta:
        ordering = ["-date"]
        verbose_name = verbose_name_plural = "工作日历"
        constraints = [
            models.UniqueConstraint(fields=["org", "date"], name="calendar_override_one_per_day")
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self):
        if self.org_id and self.org.kind not in ("organ", "committee"):
            raise ValidationError({"org": "工作日历按机关维护，请选择机关"})


def calendar_overrides(organ_or_id) -> dict[dt.date, str]:
    """The organ's overrides (and its committee's, which the organ's own win over) in the
    shape ``mofan.core.workcalendar`` accepts."""
    from mofan.orgs.models import Org

    organ = organ_or_id if isinstance(organ_or_id, Org) else Org.objects.get(pk=organ_or_id)
    chain = [int(x) for x in organ.path.strip("/").split("/") if x] or [organ.pk]
    rows = CalendarOverride.objects.filter(org_id__in=chain).values_list("org_id", "date", "kind")
    depth = {pk: i for i, pk in enumerate(chain)}
    found: dict[dt.date, tuple[int, str]] = {}
    for org_id, day, kind in rows:
        if day not in found or depth[org_id] > found[day][0]:
            found[day] = (depth[org_id], kind)
    return {day: kind for day, (_, kind) in found.items()}


LEDGER_CHOICES = [
    ("tasks", "创建任务"),
    ("appeals", "民情台账"),
    ("enterprise", "纾困解难诉求"),
    ("rectification", "巡察整改"),
]
DEADLINE_KIND_CHOICES = [
    ("", "默认"),
    ("urgent", "紧急诉求"),
    ("consult", "咨询"),
    ("help", "求助"),
    ("complaint", "投诉"),
    ("suggestion", "建议"),
]


class DeadlineRule(ScopedModel):
    """An organ's own time limit (working days) for one ledger / item kind; without a
    row the default of ``mofan.core.ledger.DEFAULT_DAYS`` applies."""

    org = models.ForeignKey("orgs.Org", verbose_name="机关", on_delete=models.CASCADE,
                            related_name="+")
    ledger = models.CharField("台账", max_length=20, choices=LEDGER_CHOICES)
    kind = models.CharField("事项类别", max_length=20, choices=DEADLINE_KIND_CHOICES, blank=True)
    days = models.PositiveSmallIntegerField("办理时限（工作日）",
                                            help_text="0 表示当日办结")

    scope = Scope(org="org")

    class Meta:
        ordering = ["ledger", "kind"]
        verbose_name = verbose_name_plural = "办理时限"
        constraints = [
            models.UniqueConstraint(fields=["org", "ledger", "kind"], name="deadline_rule_unique")
        ]

    def __str__(self):
        return f"{self.get_ledger_display()}·{self.get_kind_display()}：{self.days} 个工作日"

    def clean(self):
        if self.org_id and self.org.kind != "organ":
            raise ValidationError({"org": "办理时限按机关规定，请选择机关"})


class LedgerEvent(models.Model):
    """One step of an item's timeline: who did what, when, with which note."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    action = models.CharField("操作", max_length=20)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField("操作人", max_length=100)
    at = models.DateTimeField("时间")
    note = models.TextField("说明", blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        verbose_name = verbose_name_plural = "台账办理记录"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    @property
    def action_label(self):
        from .ledger import ACTION_LABELS

        return ACTION_LABELS.get(self.action, self.action)


class LedgerFile(models.Model):
    """Optional evidence attached to a step (usually the 申请销号); stored under a
    generated name, served only through the item's scope check."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    event = models.ForeignKey(LedgerEvent, null=True, on_delete=models.SET_NULL,
                              related_name="files")
    file = models.FileField("文件", upload_to=GeneratedName("ledger"))
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = verbose_name_plural = "佐证材料"

    def __str__(self):
        return self.original_name
