from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from mofan.core.ledger.models import LedgerItem
from mofan.core.masking import mask_phone
from mofan.core.scoping import Scope, ScopedModel


class Enterprise(ScopedModel):
    org = models.ForeignKey("orgs.Org", verbose_name="联系单位", on_delete=models.PROTECT,
                            related_name="+")
    name = models.CharField("企业名称", max_length=120)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    industry = models.CharField("行业", max_length=60, blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True,
                             validators=[RegexValidator(r"^[0-9-]{7,20}$", "电话格式不正确")])

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
