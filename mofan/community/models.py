"""服务型机关 · 在职党员到社区报到: communities, registrations, service records and 实事项目.

Every row carries ``org`` so scoping and indicators (grouped by ``org__organ``) work as in
every other app. A service record belongs to the unit of the member who logged it; its
party branch (that member's 党支部) is kept so the branch secretary sees and confirms it.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from mofan.core.files import GeneratedName, UploadCheck
from mofan.core.scoping import NOTHING, Scope, ScopedModel
from mofan.orgs.models import Org, PartyOrg, Person

# The kinds every organ starts with (the editable list grows from these). Their codes are
# the indicator keys ``community.service_person_times.<code>``.
DEFAULT_KINDS = [
    ("epidemic", "疫情防控"),
    ("sanitation", "环境卫生整治"),
    ("policy", "政策宣讲"),
    ("traffic", "交通秩序维护"),
    ("civilization", "文明创建"),
    ("rural", "乡村振兴"),
    ("survey", "调研走访"),
    ("other", "其他"),
]

# Units of a 实事项目's measures: quantities are summed per unit, never across units.
UNIT_CHOICES = [
    ("sqm", "平方米"),
    ("m", "米"),
    ("km", "公里"),
    ("lamp", "盏"),
    ("place", "处"),
    ("piece", "个"),
    ("household", "户"),
    ("set", "套"),
    ("tree", "株"),
    ("space", "个车位"),
]
UNIT_LABELS = dict(UNIT_CHOICES)


def organ_of(org):
    return org.organ if org.organ_id else org


class Community(ScopedModel):
    """A 社区 or 村 the organ is paired with (its members report there)."""

    KIND_CHOICES = [("community", "社区"), ("village", "村")]

    org = models.ForeignKey(Org, verbose_name="结对机关", on_delete=models.PROTECT,
                            limit_choices_to={"kind": Org.ORGAN}, related_name="+")
    name = models.CharField("社区/村名称", max_length=100)
    township = models.CharField("所属乡镇/街道", max_length=60, blank=True)
    kind = models.CharField("类型", max_length=20, choices=KIND_CHOICES, default="community")
    contact = models.CharField("社区联系人", max_length=40, blank=True)
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["org", "sort", "id"]
        verbose_name = verbose_name_plural = "结对社区/村"
        constraints = [models.UniqueConstraint(fields=["org", "name"],
                                               name="community_unique_name_per_organ")]

    def __str__(self):
        return f"{self.township}{self.name}" if self.township else self.name

    def get_absolute_url(self):
        return reverse("community:community_detail", args=[self.pk])


class ServiceKind(ScopedModel):
    """One entry of an organ's editable list of service kinds."""

    org = models.ForeignKey(Org, verbose_name="机关", on_delete=models.PROTECT,
                            limit_choices_to={"kind": Org.ORGAN}, related_name="+")
    code = models.SlugField("代码", max_length=30,
                            help_text="英文小写，用于统计指标（如 sanitation）；默认类型的代码请勿修改")
    name = models.CharField("名称", max_length=40)
    sort = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["org", "sort", "id"]
        verbose_name = verbose_name_plural = "服务类型"
        constraints = [models.UniqueConstraint(fields=["org", "code"],
                                               name="servicekind_unique_code_per_organ")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("community:servicekind_detail", args=[self.pk])


def ensure_kinds(organ) -> None:
    """Give an organ the default kinds it does not have yet (by code)."""
    have = set(ServiceKind.objects.filter(org=organ).values_list("code", flat=True))
    ServiceKind.objects.bulk_create(
        ServiceKind(org=organ, code=code, name=name, sort=i)
        for i, (code, name) in enumerate(DEFAULT_KINDS) if code not in have)


def give_new_organ_default_kinds(sender, instance, created, raw=False, **kwargs):
    """post_save of Org: a new organ starts with the default kinds (never on a page view)."""
    if created and not raw and instance.kind == Org.ORGAN:
        ensure_kinds(instance)


class Registration(ScopedModel):
    """在职党员到社区报到: which member is registered with which community, from when,
    confirmed by the community side (a name and a date)."""

    person = models.ForeignKey(Person, verbose_name="党员", on_delete=models.PROTECT,
                               related_name="community_registrations")
    community = models.ForeignKey(Community, verbose_name="报到社区/村", on_delete=models.PROTECT,
                                  related_name="registrations")
    org = models.ForeignKey(Org, verbose_name="所在单位", on_delete=models.PROTECT,
                            editable=False, related_name="+")
    branch = models.ForeignKey(PartyOrg, verbose_name="所在党支部", null=True, blank=True,
                               on_delete=models.SET_NULL, editable=False, related_name="+")
    registered_on = models.DateField("报到日期")
    confirmed_by = models.CharField("社区确认人", max_length=40, blank=True)
    confirmed_on = models.DateField("社区确认日期", null=True, blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True, help_text="调离或不再在该社区服务时填写")

    scope = Scope(org="org", people=("person", "branch__secretary"))

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = verbose_name_plural = "社区报到"

    def __str__(self):
        return f"{self.person.name} → {self.community.name}"

    def get_absolute_url(self):
        return reverse("community:registration_detail", args=[self.pk])

    @property
    def confirmed_label(self):
        if not self.confirmed_on:
            return "待社区确认"
        return f"{self.confirmed_by} {self.confirmed_on:%Y-%m-%d}".strip()

    def clean(self):
        errors = {}
        if (self.person_id and self.community_id
                and self.community.org_id != organ_of(self.person.org).pk):
            errors["community"] = "只能到本机关结对的社区/村报到"
        if self.person_id and not self.person.is_party_member:
            errors["person"] = "到社区报到的应为中共党员（含预备党员）"
        if self.ended_on and self.registered_on and self.ended_on < self.registered_on:
            errors["ended_on"] = "结束日期不能早于报到日期"
        if self.confirmed_on and not self.confirmed_by:
            errors["confirmed_by"] = "请填写社区确认人"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.org_id = self.person.org_id
        self.branch_id = self.person.branch_id
        super().save(*args, **kwargs)


@dataclass(frozen=True)
class ServiceScope(Scope):
    """A record is "mine" when I logged it, served in it, or am its branch's secretary.
    Participants are a subquery, so a record with many members is never listed twice."""

    def mine(self, user) -> Q:
        if not user.person_id:
            return NOTHING
        return (Q(logged_by=user.person_id) | Q(branch__secretary=user.person_id)
                | Q(pk__in=ServiceParticipant.objects.filter(person=user.person_id)
                    .values("record")))


class ServiceRecord(ScopedModel):
    """One service in a community: who served (each counted once), when, what kind."""

    SUBMITTED, CONFIRMED, RETURNED = "submitted", "confirmed", "returned"
    STATUS_CHOICES = [(SUBMITTED, "待确认"), (CONFIRMED, "已确认"), (RETURNED, "已退回")]

    org = models.ForeignKey(Org, verbose_name="所在单位", on_delete=models.PROTECT,
                            editable=False, related_name="+")
    branch = models.ForeignKey(PartyOrg, verbose_name="党支部", null=True, blank=True,
                               on_delete=models.SET_NULL, editable=False, related_name="+")
    logged_by = models.ForeignKey(Person, verbose_name="登记人", null=True, blank=True,
                                  on_delete=models.SET_NULL, editable=False, related_name="+")
    community = models.ForeignKey(Community, verbose_name="服务社区/村", on_delete=models.PROTECT,
                                  related_name="services")
    date = models.DateField("服务日期")
    kind = models.ForeignKey(ServiceKind, verbose_name="服务类型", on_delete=models.PROTECT,
                             related_name="services")
    hours = models.DecimalField("时长（小时）", max_digits=4, decimal_places=1, null=True,
                                blank=True, help_text="每人服务时长，可不填")
    content = models.TextField("服务内容", help_text="做了什么、发现了什么问题")
    photo = models.FileField("照片（可选）", upload_to=GeneratedName("community"), blank=True,
                             validators=[UploadCheck(("jpg", "jpeg", "png"))])
    members = models.ManyToManyField(Person, verbose_name="参加党员", through="ServiceParticipant",
                                     related_name="+")
    status = models.CharField("状态", max_length=20, choices=STATUS_CHOICES, default=SUBMITTED,
                              editable=False)
    status_note = models.CharField("退回原因", max_length=200, blank=True, editable=False)
    confirmed_by = models.ForeignKey(Person, verbose_name="确认人", null=True, blank=True,
                                     on_delete=models.SET_NULL, editable=False, related_name="+")
    confirmed_on = models.DateField("确认日期", null=True, blank=True, editable=False)
    # The 民情台账 item registered from this record ("登记为民情诉求"); apps.get_model, never
    # an import: domain apps do not import one another.
    appeal = models.ForeignKey("appeals.Appeal", verbose_name="民情诉求", null=True, blank=True,
                               on_delete=models.SET_NULL, editable=False, related_name="+")

    scope = ServiceScope(org="org", self_edit=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "社区服务记录"
        indexes = [models.Index(fields=["org", "date"])]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.kind.name}·{self.community.name}"

    def get_absolute_url(self):
        return reverse("community:servicerecord_detail", args=[self.pk])

    @property
    def member_names(self):
        return "、".join(p.person.name for p in self.participants.all())

    @property
    def member_count(self):
        return len(self.participants.all())

    def write_refusal(self, user, original) -> str:
        from mofan.core.scoping import MEMBER

        if user.role == MEMBER and original is not None and original.status == self.CONFIRMED:
            return "已确认的服务记录不能修改，如需更正请联系支部书记"
        return ""


class ServiceParticipant(ScopedModel):
    """One member in one service record: one 人次 (unique per record)."""

    record = models.ForeignKey(ServiceRecord, verbose_name="服务记录", on_delete=models.CASCADE,
                               related_name="participants")
    person = models.ForeignKey(Person, verbose_name="党员", on_delete=models.PROTECT,
                               related_name="community_services")
    org = models.ForeignKey(Org, verbose_name="所在单位", on_delete=models.PROTECT,
                            editable=False, related_name="+")

    scope = Scope(org="org", people=("person",))

    class Meta:
        ordering = ["record", "id"]
        verbose_name = verbose_name_plural = "服务人次"
        constraints = [models.UniqueConstraint(fields=["record", "person"],
                                               name="participant_once_per_record")]

    def __str__(self):
        return f"{self.person.name} · {self.record}"

    def get_absolute_url(self):
        return reverse("community:servicerecord_detail", args=[self.record_id])

    def save(self, *args, **kwargs):
        self.org_id = self.record.org_id
        super().save(*args, **kwargs)


class Project(ScopedModel):
    """实事项目: what the organ does for a community, measure by measure."""

    PLANNED, ONGOING, DONE = "planned", "ongoing", "done"
    STATUS_CHOICES = [(DONE, "已完成"), (ONGOING, "进行中"), (PLANNED, "计划")]

    org = models.ForeignKey(Org, verbose_name="责任单位", on_delete=models.PROTECT,
                            related_name="+")
    title = models.CharField("项目名称", max_length=120)
    community = models.ForeignKey(Community, verbose_name="社区/村", on_delete=models.PROTECT,
                                  related_name="projects")
    place = models.CharField("具体地点（小区等）", max_length=100, blank=True)
    status = models.CharField("状态", max_length=20, choices=STATUS_CHOICES, default=PLANNED)
    started_on = models.DateField("开工日期", null=True, blank=True)
    finished_on = models.DateField("完成日期", null=True, blank=True)
    description = models.TextField("项目说明", blank=True)
    appeals = models.ManyToManyField("appeals.Appeal", verbose_name="回应的民情诉求", blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = verbose_name_plural = "实事项目"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("community:project_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.status == self.DONE and not self.finished_on:
            errors["finished_on"] = "已完成的项目请填写完成日期"
        if self.status != self.DONE and self.finished_on:
            errors["finished_on"] = "未完成的项目不填完成日期"
        if self.started_on and self.finished_on and self.finished_on < self.started_on:
            errors["finished_on"] = "完成日期不能早于开工日期"
        if self.community_id and self.org_id and self.community.org_id != organ_of(self.org).pk:
            errors["community"] = "请选择本机关结对的社区/村"
        if errors:
            raise ValidationError(errors)

    @property
    def measures_label(self):
        return "；".join(str(m) for m in self.measures.all())


class Measure(ScopedModel):
    """One measure of a project: 铺平路面 300 平方米, 安装路灯 5 盏, 雨污分流改造 (no quantity)."""

    project = models.ForeignKey(Project, verbose_name="实事项目", on_delete=models.CASCADE,
                                related_name="measures")
    org = models.ForeignKey(Org, verbose_name="责任单位", on_delete=models.PROTECT,
                            editable=False, related_name="+")
    name = models.CharField("措施", max_length=60)
    quantity = models.DecimalField("数量", max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField("单位", max_length=20, choices=UNIT_CHOICES, blank=True)
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["project", "sort", "id"]
        verbose_name = verbose_name_plural = "项目措施"

    def __str__(self):
        if self.quantity is None:
            return self.name
        qty = f"{self.quantity.normalize():f}"
        return f"{self.name} {qty} {self.get_unit_display()}"

    def get_absolute_url(self):
        return reverse("community:project_detail", args=[self.project_id])

    def clean(self):
        if (self.quantity is None) != (not self.unit):
            raise ValidationError("数量和单位要么都填，要么都不填")

    def save(self, *args, **kwargs):
        self.org_id = self.project.org_id
        super().save(*args, **kwargs)
