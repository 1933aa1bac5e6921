"""``LedgerItem`` (the abstract base of every ledger) and the tables all ledgers share:
the timeline (``LedgerEvent``), evidence (``LedgerFile``) and the organs' time limits
(``DeadlineRule``).

Events and files point at their item through a generic foreign key, so a new ledger needs
no event table and no migration here; the price — no database FK from event to item — is
paid by always reading the timeline through the item (``evidence.timeline(item)``).
"""

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from mofan.core.files import GeneratedName
from mofan.core.scoping import HEAD, ORG_ADMIN, Scope, ScopedModel, ScopedQuerySet

from . import registry
from .rules import is_keeper
from .states import IN_PROGRESS, REGISTERED, RUNNING_STATES, STATE_CHOICES, STATE_LABELS


class LedgerQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """The scope rule, plus: a unit head sees what was assigned to his unit."""
        q = self._scope().view_q(user)
        if (user.is_authenticated and user.is_active and user.org_id
                and user.role in (ORG_ADMIN, HEAD)):
            q |= Q(owner_unit__path__startswith=user.org.path)
        return self.filter(q)

    def with_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.annotate(is_overdue=ExpressionWrapper(
            Q(state__in=RUNNING_STATES, deadline__lt=today), output_field=BooleanField()))

    def overdue(self, today=None):
        return self.filter(state__in=RUNNING_STATES, deadline__lt=today or timezone.localdate())

    def registered_in(self, period):
        return self.filter(registered_on__gte=period.start, registered_on__lte=period.end)


class LedgerItem(ScopedModel):
    org = models.ForeignKey("orgs.Org", verbose_name="登记单位", on_delete=models.PROTECT,
                            related_name="+", editable=False)
    title = models.CharField("事项", max_length=200)
    state = models.CharField("状态", max_length=20, choices=STATE_CHOICES, default=REGISTERED,
                             editable=False)
    owner = models.ForeignKey("orgs.Person", verbose_name="责任人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", editable=False)
    owner_unit = models.ForeignKey("orgs.Org", verbose_name="责任单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    registered_on = models.DateField("登记日期", default=timezone.localdate)
    assigned_on = models.DateField("交办日期", null=True, blank=True, editable=False)
    deadline = models.DateField("办理时限", null=True, blank=True, editable=False)
    # The deadline ran through a year whose official holiday schedule was not entered
    # yet: it is shown as 暂定 and recomputed when the schedule is entered.
    deadline_provisional = models.BooleanField("时限暂定", default=False, editable=False)
    deadline_moved_from = models.DateField("调整前时限", null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField("申请销号时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True, editable=False)
    result = models.TextField("办理结果", blank=True, editable=False)
    closed_on_time = models.BooleanField("按期办结", null=True, editable=False)
    days_to_close = models.PositiveIntegerField("办结用时（天）", null=True, editable=False)
    ext_deadline = models.DateField("申请延期至", null=True, blank=True, editable=False)
    ext_reason = models.CharField("延期理由", max_length=300, blank=True, editable=False)
    urged_at = models.DateTimeField("催办时间", null=True, blank=True, editable=False)
    last_action = models.CharField("最近操作", max_length=20, blank=True, editable=False)
    return_count = models.PositiveSmallIntegerField("退回次数", default=0, editable=False)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    # Deleting an item (allowed only while 登记) takes its timeline and evidence with it.
    ledger_events = GenericRelation("core.LedgerEvent")
    ledger_files = GenericRelation("core.LedgerFile")

    scope = Scope(org="org", people=("owner",))
    objects = LedgerQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-registered_on", "-id"]

    def __str__(self):
        return self.title

    # --- read helpers for templates and exports
    @property
    def state_label(self):
        return STATE_LABELS.get(self.state, self.state)

    @property
    def overdue_now(self):
        if hasattr(self, "is_overdue"):
            return self.is_overdue
        return bool(self.state in RUNNING_STATES and self.deadline
                    and self.deadline < timezone.localdate())

    @property
    def overdue_label(self):
        return "逾期" if self.overdue_now else ""

    @property
    def deadline_label(self):
        """办理时限 as shown in lists and exports: the date, and 暂定 while provisional."""
        if self.deadline is None:
            return ""
        return f"{self.deadline:%Y-%m-%d}" + ("（暂定）" if self.deadline_provisional else "")

    @property
    def closed_on(self):
        return timezone.localdate(self.closed_at) if self.closed_at else None

    @property
    def returned(self):
        return self.state == IN_PROGRESS and self.last_action == "return"

    def deadline_kind(self) -> str:
        """The kind whose time limit applies ("" = the ledger's default)."""
        return ""

    def can_edit(self, user) -> bool:
        # Registration details are edited before 交办 only; afterwards the workflow rules.
        return self.state == REGISTERED and is_keeper(user, self)


class DeadlineRule(ScopedModel):
    """An organ's own time limit (working days) for one ledger / item kind; without a
    row the ledger's declared default applies. Ledgers and kinds are the registered
    ones (``registry``), so a new ledger needs no migration here."""

    org = models.ForeignKey("orgs.Org", verbose_name="机关", on_delete=models.CASCADE,
                            related_name="+")
    ledger = models.CharField("台账", max_length=20)
    kind = models.CharField("事项类别", max_length=20, blank=True)
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
        return f"{self.ledger_label}·{self.kind_label}：{self.days} 个工作日"

    @property
    def ledger_label(self):
        return dict(registry.ledger_choices()).get(self.ledger, self.ledger)

    @property
    def kind_label(self):
        return dict(registry.kind_choices()).get(self.kind, self.kind)

    def clean(self):
        if self.org_id and self.org.kind != "organ":
            raise ValidationError({"org": "办理时限按机关规定，请选择机关"})
        if self.ledger not in registry.LEDGERS:
            raise ValidationError({"ledger": "请选择台账"})
        if self.kind and self.kind not in registry.LEDGERS[self.ledger].kinds:
            raise ValidationError({"kind": "该台账没有这个事项类别"})


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
        return registry.label_of(self.content_type.model_class(), self.action)


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
