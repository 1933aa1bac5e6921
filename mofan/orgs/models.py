from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from mofan.core.files import DOCUMENTS, GeneratedName, UploadCheck
from mofan.core.masking import mask_phone, validate_phone
from mofan.core.scoping import COMMITTEE as COMMITTEE_ROLE
from mofan.core.scoping import HEAD, ORG_ADMIN, Scope, ScopedModel, ScopedQuerySet


class Org(ScopedModel):
    """A node of the org tree: 机关工委 → 机关 → 股室 / 下属单位 (any depth)."""

    COMMITTEE = "committee"
    ORGAN = "organ"
    SECTION = "section"
    UNIT = "unit"
    KIND_CHOICES = [
        (COMMITTEE, "机关工委"),
        (ORGAN, "机关"),
        (SECTION, "股室"),
        (UNIT, "下属单位"),
    ]

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    code = models.CharField(
        "代码",
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9_-]+$", "代码只能包含小写字母、数字、下划线和连字符")],
    )
    kind = models.CharField("类型", max_length=20, choices=KIND_CHOICES)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path "/1/5/12/" so a subtree is one indexed prefix filter on any database.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # Nearest organ at or above this node: indicators group by it in one query.
    organ = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    sort = models.PositiveIntegerField("排序", default=0)

    scope = Scope(org="", committee_edits=True)
    MOVER = {ORGAN: COMMITTEE_ROLE, SECTION: ORG_ADMIN, UNIT: ORG_ADMIN}  # the level above

    class Meta:
        ordering = ["path", "sort", "id"]
        verbose_name = verbose_name_plural = "组织机构"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("orgs:org_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if self.kind == self.ORGAN:
            organ_id = self.pk
        elif self.parent:
            organ_id = self.parent.organ_id
        else:
            organ_id = None
        if (path, organ_id) != (self.path, self.organ_id):
            self.path, self.organ_id = path, organ_id
            type(self).objects.filter(pk=self.pk).update(path=path, organ_id=organ_id)

    def write_refusal(self, user, original) -> str:
        """Creating or moving a node (its kind or parent) belongs to the level above it:
        the committee for its organs, an organ's administrator for its sections and units
        — never the node's own people, so nobody can detach their own unit."""
        if original is not None and (original.kind, original.parent_id) == (
                self.kind, self.parent_id):
            return ""
        kinds = {self.kind} | ({original.kind} if original else set())
        if self.COMMITTEE in kinds:
            return "机关工委在系统初始化时建立，不能在此新增或调整"
        if self.pk is not None and user.org_id == self.pk:
            return "不能调整本单位自身的类型或上级，请由上级管理员调整"
        if any(self.MOVER[k] != user.role for k in kinds):
            return "机关由机关工委新增和调整；股室、下属单位由本机关的单位管理员新增和调整"
        if self.parent is None:
            return "请选择上级"
        if (self.kind == self.ORGAN) != (self.parent.kind == self.COMMITTEE):
            return ("机关的上级必须是机关工委" if self.kind == self.ORGAN
                    else "股室、下属单位的上级必须是机关或其股室、下属单位")
        return ""

    def delete_refusal(self, user) -> str:
        if self.pk == user.org_id or self.MOVER.get(self.kind) != user.role:
            return "机关由机关工委删除；股室、下属单位由本机关的单位管理员删除"
        return ""

    def descendants(self, include_self=True):
        qs = Org.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    @property
    def depth(self):
        return self.path.count("/") - 2


class PartyOrg(ScopedModel):
    """党组 / 机关党委 / 党总支 / 党支部 attached to an org."""

    KIND_CHOICES = [
        ("leading_group", "党组"),
        ("committee", "机关党委"),
        ("general_branch", "党总支"),
        ("branch", "党支部"),
    ]
    org = models.ForeignKey(Org, verbose_name="所属单位", on_delete=models.PROTECT)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=KIND_CHOICES)
    parent = models.ForeignKey(
        "self", verbose_name="上级党组织", null=True, blank=True, on_delete=models.PROTECT
    )
    secretary = models.ForeignKey(
        "Person", verbose_name="书记", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # 党组 members; branch members are Person.branch.
    members = models.ManyToManyField("Person", verbose_name="成员", blank=True, related_name="+")
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["org__path", "sort", "id"]
        verbose_name = verbose_name_plural = "党组织"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("orgs:partyorg_detail", args=[self.pk])

    @property
    def member_names(self):
        people = self.branch_members.all() if self.kind == "branch" else self.members.all()
        return "、".join(p.name for p in people)


class Person(ScopedModel):
    GENDER_CHOICES = [("M", "男"), ("F", "女")]
    POLITICAL_CHOICES = [
        ("cpc", "中共党员"),
        ("probationary", "中共预备党员"),
        ("league", "共青团员"),
        ("democratic", "民主党派"),
        ("masses", "群众"),
    ]
    PARTY_STATUSES = ("cpc", "probationary")

    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=1, choices=GENDER_CHOICES)
    org = models.ForeignKey(Org, verbose_name="所在单位/股室", on_delete=models.PROTECT)
    position = models.CharField("职务", max_length=60, blank=True)
    staff_no = models.CharField("工号", max_length=30, blank=True)
    app_user_id = models.CharField(
        "办公平台用户ID", max_length=60, blank=True, help_text="用于匹配考勤打卡记录"
    )
    phone = models.CharField(
        "手机号",
        max_length=20,
        blank=True,
        validators=[validate_phone],
    )
    political_status = models.CharField(
        "政治面貌", max_length=20, choices=POLITICAL_CHOICES, default="masses"
    )
    branch = models.ForeignKey(
        PartyOrg, verbose_name="所在党支部", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="branch_members",
    )
    joined_on = models.DateField("入职日期", null=True, blank=True)
    left_on = models.DateField("离职日期", null=True, blank=True)
    sort = models.PositiveIntegerField("排序", default=0)

    scope = Scope(org="org", people=("id",))

    class Meta:
        ordering = ["org__path", "sort", "id"]
        verbose_name = verbose_name_plural = "人员"
        constraints = [
            models.UniqueConstraint(
                fields=["org", "staff_no"],
                condition=~models.Q(staff_no=""),
                name="person_unique_staff_no_per_org",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("orgs:person_detail", args=[self.pk])

    @property
    def phone_masked(self):
        return mask_phone(self.phone)

    @property
    def is_party_member(self):
        return self.political_status in self.PARTY_STATUSES


def _organ_read_q(user, path):
    """A 负责人 reads his organ's campaign (its plan, group and duty list: the work his
    section answers for), whatever section he heads. ``path`` leads to the campaign's org."""
    if getattr(user, "role", None) != HEAD or not user.is_active or not user.org_id:
        return None
    return Q(**{path: organ_of(user.org).pk})


class CampaignQuerySet(ScopedQuerySet):
    """A campaign is kept by its organ's 单位管理员 only; the 机关工委 and the organ's
    负责人 read it."""

    def visible_to(self, user):
        extra = _organ_read_q(user, "org_id")
        return super().visible_to(user) if extra is None else self.filter(
            self._scope().view_q(user) | extra)

    def editable_by(self, user):
        if getattr(user, "role", None) != ORG_ADMIN:
            return self.none()
        return super().editable_by(user)


class CampaignPartQuerySet(ScopedQuerySet):
    """A 领导小组 seat or a 责任清单 row is read with its campaign and edited by whoever
    may edit its campaign — not by the section or leader it names."""

    def visible_to(self, user):
        extra = _organ_read_q(user, "campaign__org_id")
        return super().visible_to(user) if extra is None else self.filter(
            self._scope().view_q(user) | extra)

    def editable_by(self, user):
        return self.filter(campaign__in=Campaign.objects.editable_by(user).values("pk"))


def organ_of(org):
    """The organ an org belongs to (the organ itself for an organ)."""
    return org.organ if org.organ_id else org


PLAN_FILE_TYPES = (*DOCUMENTS, "doc")


class Campaign(ScopedModel):
    """The organ's 模范机关创建 of one year: its 实施方案, 动员部署会, 领导小组 and 责任清单."""

    org = models.ForeignKey(Org, verbose_name="机关", on_delete=models.PROTECT)
    year = models.PositiveIntegerField("年度")
    plan_title = models.CharField("实施方案标题", max_length=200)
    plan_doc_no = models.CharField("文号", max_length=60, blank=True)
    plan_issued_on = models.DateField("印发日期", null=True, blank=True,
                                      help_text="方案尚未印发时留空")
    plan_file = models.FileField(
        "实施方案文件", upload_to=GeneratedName("campaigns"), blank=True,
        validators=[UploadCheck(PLAN_FILE_TYPES)],
        help_text="PDF、Word（doc/docx）或图片，不超过 10 MB；重新选择文件将替换已上传的文件")
    mobilized_on = models.DateField("动员部署会日期", null=True, blank=True)
    approach = models.TextField("工作思路", blank=True)
    measures = models.TextField("主要措施", blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "org__path"]
        verbose_name = verbose_name_plural = "创建活动"
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="campaign_one_per_org_year")
        ]

    def __str__(self):
        return f"{self.year}年 {self.plan_title}"

    def get_absolute_url(self):
        return reverse("orgs:campaign_detail", args=[self.pk])

    @staticmethod
    def may_create(user) -> bool:
        """Only an organ's 单位管理员 (an account of the organ itself, who then keeps the
        campaign) starts its campaigns: the 新增 button and the form ask this."""
        return (getattr(user, "role", None) == ORG_ADMIN and bool(user.org_id)
                and user.org.kind == Org.ORGAN)

    @classmethod
    def of_year(cls, org, year):
        """The campaign of ``org``'s organ for ``year`` (None when there is none)."""
        return cls.objects.filter(org=organ_of(org), year=year).first()

    def clean(self):
        if self.year is not None and not 2000 <= self.year <= 2100:
            raise ValidationError({"year": "年度应在 2000 到 2100 之间"})
        if (self.org_id and self.year
                and Campaign.objects.filter(org_id=self.org_id, year=self.year)
                .exclude(pk=self.pk).exists()):
            raise ValidationError({"year": f"本机关 {self.year} 年的创建活动已存在"})

    @property
    def file_download_name(self):
        ext = self.plan_file.name.rsplit(".", 1)[-1] if "." in self.plan_file.name else "bin"
        title = "".join("_" if c in '\\/:*?"<>|' else c for c in self.plan_title)
        return f"{title}.{ext}"


class GroupMember(ScopedModel):
    """A seat on the creation 领导小组. The 组长 is the 第一责任人."""

    ROLE_CHOICES = [
        ("leader", "组长"),
        ("deputy", "副组长"),
        ("member", "成员"),
        ("office_head", "办公室主任"),
        ("office", "办公室成员"),
    ]
    campaign = models.ForeignKey(
        Campaign, verbose_name="创建活动", on_delete=models.CASCADE, related_name="group"
    )
    org = models.ForeignKey(Org, verbose_name="机关", on_delete=models.PROTECT, editable=False)
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT)
    role = models.CharField("小组职务", max_length=20, choices=ROLE_CHOICES)
    duty = models.CharField("分工", max_length=200, blank=True)
    sort = models.PositiveIntegerField("排序", default=0)

    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "sort", "id"]
        verbose_name = verbose_name_plural = "领导小组成员"
        constraints = [
            models.UniqueConstraint(fields=["campaign"], condition=models.Q(role="leader"),
                                    name="group_one_leader"),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.person}"

    def clean(self):
        if not self.campaign_id:
            return
        errors = {}
        if self.person_id and organ_of(self.person.org).pk != self.campaign.org_id:
            errors["person"] = "领导小组成员应为本机关人员"
        elif self.person_id and (GroupMember.objects.filter(
                campaign_id=self.campaign_id, person_id=self.person_id, role=self.role)
                .exclude(pk=self.pk).exists()):
            errors["person"] = f"{self.person.name}已是本年度领导小组的{self.get_role_display()}"
        if self.role == "leader" and (GroupMember.objects.filter(campaign_id=self.campaign_id,
                                                                 role="leader")
                                      .exclude(pk=self.pk).exists()):
            errors["role"] = "领导小组只能有一名组长（第一责任人）"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.org_id = self.campaign.org_id
        super().save(*args, **kwargs)

    @property
    def is_first_responsible(self):
        return self.role == "leader"


class Responsibility(ScopedModel):
    """A 责任主体: a leader, unit or section answering for named parts of the work."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="创建活动", on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    org = models.ForeignKey(
        Org, verbose_name="责任单位/股室", on_delete=models.PROTECT,
        help_text="责任单位或股室；领导个人责任填所在机关",
    )
    leader = models.ForeignKey(
        Person, verbose_name="责任领导", null=True, blank=True, on_delete=models.PROTECT
    )
    work = models.TextField("责任内容")
    sort = models.PositiveIntegerField("排序", default=0)

    scope = Scope(org="org", people=("leader",))
    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "sort", "id"]
        verbose_name = verbose_name_plural = "责任清单"

    def __str__(self):
        return f"{self.leader or self.org}：{self.work[:20]}"

    def clean(self):
        if not self.campaign_id:
            return
        errors = {}
        if self.org_id and organ_of(self.org).pk != self.campaign.org_id:
            errors["org"] = "责任单位应为本机关或其股室、下属单位"
        if self.leader_id and organ_of(self.leader.org).pk != self.campaign.org_id:
            errors["leader"] = "责任领导应为本机关人员"
        if errors:
            raise ValidationError(errors)
