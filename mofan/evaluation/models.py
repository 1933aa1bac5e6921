"""考评: the committee's criteria for a year, in versions.

A ``CriteriaSet`` is one version of one committee's criteria for one year: groups with
weights, each holding items scored from an indicator or by hand. A draft is edited freely;
once published it is fixed — a change is a new version (a copy), and every score says the
version it was computed by. Manual scores (with a reason) belong to one version's item.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from mofan.core.scoping import Scope, ScopedModel


class CriteriaSet(ScopedModel):
    DRAFT, PUBLISHED = "draft", "published"
    STATUS_CHOICES = [(DRAFT, "草稿"), (PUBLISHED, "已发布")]

    org = models.ForeignKey("orgs.Org", verbose_name="机关工委", on_delete=models.PROTECT,
                            related_name="+", editable=False)
    year = models.PositiveSmallIntegerField("年度")
    version = models.PositiveSmallIntegerField("版本", default=1, editable=False)
    title = models.CharField("方案名称", max_length=200)
    notes = models.TextField("说明", blank=True)
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=DRAFT,
                              editable=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    based_on = models.ForeignKey("self", verbose_name="修订自", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+", editable=False)

    scope = Scope(org="org")

    class Meta:
        verbose_name = "考评方案"
        ordering = ["-year", "-version"]
        constraints = [models.UniqueConstraint(fields=["org", "year", "version"],
                                               name="evaluation_set_version_unique")]

    def __str__(self):
        return f"{self.title}（{self.year}年第{self.version}版）"

    @property
    def is_published(self):
        return self.status == self.PUBLISHED

    def write_refusal(self, user, original):
        if original is not None and original.status == self.PUBLISHED:
            return "考评方案已发布，不能修改；请“修订为新版本”"
        return ""

    def delete_refusal(self, user):
        return "已发布的考评方案不能删除" if self.is_published else ""


class CriteriaGroup(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, verbose_name="考评方案",
                                     on_delete=models.CASCADE, related_name="groups")
    name = models.CharField("类别", max_length=100)
    weight = models.DecimalField("权重（分）", max_digits=6, decimal_places=2,
                                 validators=[MinValueValidator(Decimal(0))])
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "考评类别"
        ordering = ["sort", "id"]

    def __str__(self):
        return f"{self.name}（{self.weight}分）"


class CriteriaItem(models.Model):
    THRESHOLD, PER_UNIT, RATE, MANUAL = "threshold", "per_unit", "rate", "manual"
    METHOD_CHOICES = [
        (THRESHOLD, "达到标准得满分"),
        (PER_UNIT, "按次计分（封顶）"),
        (RATE, "按比率计分"),
        (MANUAL, "人工评分"),
    ]
    group = models.ForeignKey(CriteriaGroup, verbose_name="类别", on_delete=models.CASCADE,
                              related_name="items")
    name = models.CharField("考评内容", max_length=200)
    method = models.CharField("计分方式", max_length=10, choices=METHOD_CHOICES)
    indicator = models.CharField("依据指标", max_length=100, blank=True)
    points = models.DecimalField("分值", max_digits=6, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    threshold = models.DecimalField(
        "标准", max_digits=12, decimal_places=2, null=True, blank=True,
        help_text="达到标准：指标达到（或“越低越好”时不超过）此值得满分；按比率：达到此比率得满分（空为 100%）")
    per_unit = models.DecimalField("每次分值", max_digits=6, decimal_places=2, null=True,
                                   blank=True, help_text="按次计分：每一次（个、件……）得（或扣）的分")
    lower_is_better = models.BooleanField(
        "越低越好", default=False, help_text="按次计分时为扣分项：从分值中每次扣减，扣完为止")
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "考评内容"
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name


class ManualScore(ScopedModel):
    """A hand-given score of one item for one organ, with its reason (audited)."""

    item = models.ForeignKey(CriteriaItem, verbose_name="考评内容", on_delete=models.CASCADE,
                             related_name="manual_scores")
    org = models.ForeignKey("orgs.Org", verbose_name="机关", on_delete=models.PROTECT,
                            related_name="+")
    points = models.DecimalField("得分", max_digits=6, decimal_places=2)
    reason = models.TextField("评分理由")
    scored_by = models.ForeignKey("accounts.User", verbose_name="评分人", null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    scored_at = models.DateTimeField("评分时间", auto_now=True)

    scope = Scope(org="org")

    class Meta:
        verbose_name = "人工评分"
        constraints = [models.UniqueConstraint(fields=["item", "org"],
                                               name="evaluation_manual_once")]

    def __str__(self):
        return f"{self.item}·{self.org}：{self.points}分"
