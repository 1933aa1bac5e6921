from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from mofan.core.ledger.models import LedgerItem
from mofan.core.masking import mask_phone, validate_phone
from mofan.core.scoping import DOMAIN_ROLES, WRITER_ROLES, Scope, ScopedModel

from .money import yuan


class Enterprise(ScopedModel):
    org = models.ForeignKey("orgs.Org", verbose_name="联系单位", on_delete=models.PROTECT,
                            related_name="+")
    name = models.CharField("企业名称", max_length=120)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    industry = models.CharField("行业", max_length=60, blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True,
                             validators=[validate_phone])

    scope = Scope(org="org")

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "企业"

    def __str__(self):
        return self.name

    @property
    def phone_masked(self):
        return mask_phone(self.phone)


class Meeting(ScopedModel):
    """A 座谈会 or 政企夜谈 where enterprises raised demands."""

    KIND_CHOICES = [("forum", "座谈会"), ("night", "政企夜谈"), ("other", "其他")]
    org = models.ForeignKey("orgs.Org", verbose_name="主办单位", on_delete=models.PROTECT,
                            related_name="+")
    kind = models.CharField("形式", max_length=10, choices=KIND_CHOICES)
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    host = models.ForeignKey("orgs.Person", verbose_name="主持领导", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    topic = models.CharField("主题", max_length=200)
    enterprises = models.ManyToManyField(Enterprise, verbose_name="参会企业", blank=True)
    minutes = models.TextField("会议纪要", blank=True)

    scope = Scope(org="org")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = verbose_name_plural = "政企座谈"

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"


class Demand(LedgerItem):
    """纾困解难诉求: a demand an enterprise raised, assigned and closed out."""

    TYPE_CHOICES = [("funds", "资金"), ("land", "用地"), ("labour", "用工"),
                    ("approval", "审批"), ("other", "其他")]
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="demands")
    meeting = models.ForeignKey(Meeting, verbose_name="提出场合", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="demands")
    demand_type = models.CharField("诉求类型", max_length=20, choices=TYPE_CHOICES)
    content = models.TextField("诉求内容")

    class Meta(LedgerItem.Meta):
        verbose_name = verbose_name_plural = "纾困解难诉求"

    def get_absolute_url(self):
        return reverse("enterprise:demand_detail", args=[self.pk])


# ------------------------------------------------------------------ support for enterprises


class SupportKindQuerySet(models.QuerySet):
    """The list of support kinds is one list for the whole county (no row of it belongs to
    an organ): every domain user reads it, and whoever records support may choose any
    kind (``editable_by`` is what forms offer). The list itself is kept by the 机关工委
    only (``views.support_kinds``)."""

    def visible_to(self, user):
        return self if getattr(user, "role", None) in DOMAIN_ROLES else self.none()

    def editable_by(self, user):
        return self if getattr(user, "role", None) in WRITER_ROLES else self.none()


class SupportKind(models.Model):
    """设备贷款 / 财园信贷通 / 金融支持 / 电费补贴 / 文旅消费券 / 其他, and any kind the committee
    adds. ``code`` names the kinds that have their own indicator; ``financing`` marks the
    kinds summed as 融资 (the reference: 设备贷款、财园信贷通、金融支持)."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)
    financing = models.BooleanField("计入融资金额", default=False,
                                    help_text="设备贷款、财园信贷通、金融支持等为企业争取的融资")
    sort = models.PositiveIntegerField("排序", default=0)

    # The kinds the reference year-end summary names. Written on first use rather than by
    # a data migration: a freshly migrated database stays empty, as a restore needs it.
    DEFAULTS = [
        ("equipment_loan", "设备贷款", True),
        ("caiyuan_credit", "财园信贷通", True),
        ("finance", "金融支持", True),
        ("power_subsidy", "电费补贴", False),
        ("voucher", "文旅消费券", False),
        ("other", "其他", False),
    ]

    objects = SupportKindQuerySet.as_manager()

    class Meta:
        ordering = ["sort", "id"]
        verbose_name = verbose_name_plural = "支持类别"

    def __str__(self):
        return self.name

    @classmethod
    def ensure_defaults(cls):
        """Create the default kinds if the list was never started (one query once it was)."""
        if not cls.objects.exists():
            cls.objects.bulk_create(
                [cls(code=code, name=name, financing=financing, sort=10 * i)
                 for i, (code, name, financing) in enumerate(cls.DEFAULTS, 1)],
                ignore_conflicts=True)


class SupportRecord(ScopedModel):
    """Money an enterprise received through the organ's work: a loan, credit, a subsidy,
    vouchers. The amount is in 元, exactly (a decimal, never a float)."""

    org = models.ForeignKey("orgs.Org", verbose_name="登记单位", on_delete=models.PROTECT,
                            related_name="+")
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="support")
    kind = models.ForeignKey(SupportKind, verbose_name="支持类别", on_delete=models.PROTECT,
                             related_name="+")
    amount = models.DecimalField("金额（元）", max_digits=15, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"), "金额须大于 0")])
    date = models.DateField("日期")
    demand = models.ForeignKey("Demand", verbose_name="回应的诉求", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="support")
    content = models.CharField("内容", max_length=200, blank=True,
                               help_text="如：协调县农商银行发放设备贷款")

    scope = Scope(org="org")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "企业支持"

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.enterprise}：{self.kind} {yuan(self.amount)}"

    @property
    def amount_label(self):
        return yuan(self.amount)

    @property
    def amount_yuan(self):
        """A number cell for the export (an amount to the 分 round-trips through a float)."""
        return float(self.amount)


class VoucherBatch(ScopedModel):
    """A batch of 文旅消费券 issued (and, once known, the amount redeemed)."""

    org = models.ForeignKey("orgs.Org", verbose_name="发放单位", on_delete=models.PROTECT,
                            related_name="+")
    title = models.CharField("批次名称", max_length=100)
    issued_on = models.DateField("发放日期")
    amount_issued = models.DecimalField(
        "发放金额（元）", max_digits=15, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), "金额须大于 0")])
    amount_redeemed = models.DecimalField(
        "核销金额（元）", max_digits=15, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"), "金额不能为负")],
        help_text="尚未统计可不填")
    channel = models.CharField("发放渠道", max_length=60, blank=True, help_text="如：云闪付、微信小程序")
    note = models.CharField("备注", max_length=200, blank=True)

    scope = Scope(org="org")

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = verbose_name_plural = "文旅消费券"

    def __str__(self):
        return f"{self.issued_on:%Y-%m-%d} {self.title}"

    def clean(self):
        if (self.amount_redeemed is not None and self.amount_issued is not None
                and self.amount_redeemed > self.amount_issued):
            raise ValidationError({"amount_redeemed": "核销金额不能大于发放金额"})

    @property
    def issued_label(self):
        return yuan(self.amount_issued)

    @property
    def issued_yuan(self):
        return float(self.amount_issued)

    @property
    def redeemed_yuan(self):
        return None if self.amount_redeemed is None else float(self.amount_redeemed)

    @property
    def redeemed_label(self):
        return "未统计" if self.amount_redeemed is None else yuan(self.amount_redeemed)

    @property
    def redeemed_rate(self):
        if self.amount_redeemed is None or not self.amount_issued:
            return None
        return float((100 * self.amount_redeemed / self.amount_issued).quantize(Decimal("0.1")))


# ------------------------------------------------------------------ industry-chain party work


class ChainCommittee(ScopedModel):
    """产业链联合党委: the organ's party committee built on an industry chain, with its member
    organisations (departments, banks, associations) and member enterprises."""

    org = models.ForeignKey("orgs.Org", verbose_name="牵头单位", on_delete=models.PROTECT,
                            related_name="+")
    name = models.CharField("名称", max_length=100)
    founded_on = models.DateField("成立日期", help_text="此前的月份不判定调度缺项")
    secretary = models.CharField("书记", max_length=60, blank=True)
    member_units = models.TextField("成员单位", blank=True,
                                    help_text="每行一个：党组织或单位名称，可注明职务，如“县农商银行党委（副书记单位）”")
    enterprises = models.ManyToManyField(Enterprise, verbose_name="成员企业", blank=True,
                                         related_name="chain_committees")

    scope = Scope(org="org")

    class Meta:
        ordering = ["org__path", "id"]
        verbose_name = verbose_name_plural = "产业链联合党委"

    def __str__(self):
        return self.name

    @property
    def member_unit_list(self):
        return [line.strip() for line in self.member_units.splitlines() if line.strip()]


class ChainMeeting(ScopedModel):
    """A meeting of the joint committee: 调度 every month, 总结 every quarter, 考核 every
    year. The meeting counts for the month / quarter / year of its date."""

    DISPATCH, SUMMARY, REVIEW = "dispatch", "summary", "review"
    KIND_CHOICES = [(DISPATCH, "调度"), (SUMMARY, "总结"), (REVIEW, "考核")]
    CADENCE = {DISPATCH: "每月一调度", SUMMARY: "每季一总结", REVIEW: "每年一考核"}

    committee = models.ForeignKey(ChainCommittee, verbose_name="联合党委",
                                  on_delete=models.PROTECT, related_name="meetings")
    org = models.ForeignKey("orgs.Org", verbose_name="牵头单位", on_delete=models.PROTECT,
                            related_name="+", editable=False)
    kind = models.CharField("类型", max_length=10, choices=KIND_CHOICES)
    held_on = models.DateField("日期")
    topic = models.CharField("主题", max_length=200)
    place = models.CharField("地点", max_length=100, blank=True)
    host = models.CharField("主持人", max_length=60, blank=True)
    attendees = models.CharField("参会单位和企业", max_length=500, blank=True)
    minutes = models.TextField("会议纪要", blank=True)
    decisions = models.TextField("议定事项", blank=True, help_text="每行一项")

    scope = Scope(org="org")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = verbose_name_plural = "联合党委会议"

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"

    def save(self, *args, **kwargs):
        if self.committee_id:
            self.org_id = self.committee.org_id  # the meeting belongs where its committee does
        super().save(*args, **kwargs)

    @property
    def decision_list(self):
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]
