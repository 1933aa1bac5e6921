"""服务型·全域旅游: monthly visitor and revenue figures (the county's and, optionally, each
scenic area's), and the honours and placings the county and its places receive.

A month's figure is stored once per organ: the county total (no scenic area) or one scenic
area's. ``organ`` is derived from ``org`` on save, so a section's head and the organ's
office cannot both enter the county total for the same month.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from mofan.core.scoping import Scope, ScopedModel


class ScenicArea(ScopedModel):
    GRADE_CHOICES = [("5A", "国家5A级"), ("4A", "国家4A级"), ("3A", "国家3A级"), ("2A", "国家2A级"),
                     ("A", "国家A级"), ("", "未评级")]
    org = models.ForeignKey("orgs.Org", verbose_name="登记单位", on_delete=models.PROTECT,
                            related_name="+")
    name = models.CharField("景区名称", max_length=100)
    grade = models.CharField("等级", max_length=2, choices=GRADE_CHOICES, blank=True)
    township = models.CharField("所在乡镇", max_length=40, blank=True)
    notes = models.TextField("备注", blank=True)

    scope = Scope(org="org", organ_reads=True)  # the county's scenic areas, read by all

    class Meta:
        ordering = ["name", "id"]
        verbose_name = verbose_name_plural = "景区"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tourism:scenicarea_detail", args=[self.pk])


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


class MonthlyFigure(ScopedModel):
    COUNTY_LABEL = "全县"

    org = models.ForeignKey("orgs.Org", verbose_name="登记单位", on_delete=models.PROTECT,
                            related_name="+")
    organ = models.ForeignKey("orgs.Org", verbose_name="机关", on_delete=models.PROTECT,
                              editable=False, related_name="+")
    month = models.DateField("月份", help_text="该月任意一天，保存为当月 1 日")
    scenic_area = models.ForeignKey(ScenicArea, verbose_name="景区", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="figures",
                                    help_text="空着表示全县合计")
    visitors = models.PositiveBigIntegerField("接待游客（人次）")
    revenue = models.DecimalField("旅游收入（元）", max_digits=16, decimal_places=2, null=True,
                                  blank=True)
    source = models.CharField("数据来源", max_length=60, blank=True,
                              help_text="如：县统计局月报")
    notes = models.CharField("备注", max_length=200, blank=True)

    scope = Scope(org="org")

    class Meta:
        ordering = ["-month", "scenic_area__name", "id"]
        verbose_name = verbose_name_plural = "旅游月度数据"
        constraints = [
            models.UniqueConstraint(fields=["organ", "month"],
                                    condition=Q(scenic_area__isnull=True),
                                    name="tourism_county_month_once"),
            models.UniqueConstraint(fields=["scenic_area", "month"],
                                    condition=Q(scenic_area__isnull=False),
                                    name="tourism_area_month_once"),
        ]
        indexes = [models.Index(fields=["organ", "month"])]

    def __str__(self):
        return f"{self.month_label} {self.area_label}"

    def get_absolute_url(self):
        return reverse("tourism:monthlyfigure_detail", args=[self.pk])

    @property
    def month_label(self):
        return f"{self.month.year}年{self.month.month}月" if self.month else ""

    @property
    def area_label(self):
        return self.scenic_area.name if self.scenic_area_id else self.COUNTY_LABEL

    @property
    def revenue_wan(self):
        """收入（万元），for lists; the stored figure stays exact in 元."""
        return None if self.revenue is None else round(self.revenue / 10000, 2)

    def derive(self):
        if self.month:
            self.month = month_start(self.month)
        if self.org_id:
            self.organ_id = self.org.organ_id or self.org_id

    def duplicate(self):
        """The row already stored for the same month and area (county total or area)."""
        same = MonthlyFigure.objects.filter(month=self.month)
        if self.scenic_area_id:
            same = same.filter(scenic_area_id=self.scenic_area_id)
        else:
            same = same.filter(organ_id=self.organ_id, scenic_area__isnull=True)
        return same.exclude(pk=self.pk).first()

    def clean(self):
        self.derive()
        if self.month and self.organ_id and self.duplicate():
            raise ValidationError(
                {"month": f"{self.month_label}{self.area_label}的数据已经录入，请修改原记录"})
        if self.scenic_area_id and self.organ_id and (
                self.scenic_area.org.organ_id or self.scenic_area.org_id) != self.organ_id:
            raise ValidationError({"scenic_area": "该景区不属于本单位"})
        if self.revenue is not None and self.revenue < 0:
            raise ValidationError({"revenue": "收入不能为负数"})

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)


class Honour(ScopedModel):
    NATIONAL, PROVINCIAL, CITY, COUNTY = "national", "provincial", "city", "county"
    LEVEL_CHOICES = [(NATIONAL, "国家级"), (PROVINCIAL, "省级"), (CITY, "市级"), (COUNTY, "县级")]
    RECIPIENT_CHOICES = [("county", "本县"), ("village", "村"), ("scenic_area", "景区"),
                         ("enterprise", "企业"), ("route", "旅游线路"), ("other", "其他")]
    PROVINCE, CITY_RANK = "province", "city"
    RANK_SCOPE_CHOICES = [("", "无名次"), (PROVINCE, "全省"), (CITY_RANK, "全市")]

    org = models.ForeignKey("orgs.Org", verbose_name="登记单位", on_delete=models.PROTECT,
                            related_name="+")
    level = models.CharField("级别", max_length=12, choices=LEVEL_CHOICES)
    title = models.CharField("荣誉名称", max_length=200,
                             help_text="如：国家工业旅游示范基地、全国乡村旅游重点村")
    recipient_kind = models.CharField("获得者类别", max_length=12, choices=RECIPIENT_CHOICES)
    recipient = models.CharField("获得者", max_length=100, help_text="如：面包产业城、法水村")
    awarding_body = models.CharField("授予单位", max_length=100, blank=True)
    awarded_on = models.DateField("获得日期")
    rank_scope = models.CharField("名次范围", max_length=10, choices=RANK_SCOPE_CHOICES,
                                  blank=True)
    rank = models.PositiveSmallIntegerField("名次", null=True, blank=True,
                                            help_text="全省第 N 名、全市第 N 名的 N")
    notes = models.TextField("备注", blank=True)

    scope = Scope(org="org")

    class Meta:
        ordering = ["-awarded_on", "-id"]
        verbose_name = verbose_name_plural = "文旅荣誉"

    def __str__(self):
        return f"{self.recipient}：{self.title}"

    def get_absolute_url(self):
        return reverse("tourism:honour_detail", args=[self.pk])

    def clean(self):
        if self.rank_scope and not self.rank:
            raise ValidationError({"rank": "选择了名次范围，请填写名次"})
        if self.rank is not None and not self.rank_scope:
            raise ValidationError({"rank_scope": "填写了名次，请选择全省或全市"})
        if self.rank is not None and self.rank < 1:
            raise ValidationError({"rank": "名次从 1 开始"})

    @property
    def placing(self):
        """“全省第 3 名”, or "" when the honour is not a placing."""
        if not self.rank_scope or not self.rank:
            return ""
        return f"{self.get_rank_scope_display()}第 {self.rank} 名"
