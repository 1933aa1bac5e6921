"""服务型·文化惠民: cultural events taken to the people (送戏下乡, 送电影下乡, training ...).

One row is one event: a single 送戏下乡 performance, one evening's screenings in a village,
a training course. ``shows`` is how many 场 it counts for (the reference sums 场 over
events), ``audience`` how many people came, marked exact or estimated.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from mofan.core.scoping import Scope, ScopedModel


class Event(ScopedModel):
    LARGE = "large"
    OPERA = "opera"
    FILM = "film"
    TRAINING = "training"
    GUIDED = "guided"
    VILLAGE_GALA = "village_gala"
    EXHIBITION = "exhibition"
    OTHER = "other"
    KIND_CHOICES = [
        (LARGE, "大型活动"),
        (OPERA, "送戏下乡"),
        (FILM, "送电影下乡"),
        (TRAINING, "免费开放培训"),
        (GUIDED, "指导乡镇文体活动"),
        (VILLAGE_GALA, "村晚"),
        (EXHIBITION, "展览"),
        (OTHER, "其他"),
    ]
    EXACT, ESTIMATE = "exact", "estimate"
    BASIS_CHOICES = [(EXACT, "实数"), (ESTIMATE, "估算")]

    org = models.ForeignKey("orgs.Org", verbose_name="登记单位", on_delete=models.PROTECT,
                            related_name="+")
    kind = models.CharField("类型", max_length=20, choices=KIND_CHOICES)
    title = models.CharField("活动名称", max_length=200)
    date = models.DateField("日期")
    end_date = models.DateField("结束日期", null=True, blank=True,
                                help_text="培训、展览等持续多日的活动填写")
    township = models.CharField("乡镇", max_length=40, blank=True)
    village = models.CharField("村（社区）", max_length=40, blank=True)
    venue = models.CharField("地点", max_length=100, blank=True)
    organiser = models.CharField("承办单位", max_length=100, blank=True,
                                 help_text="如：县采茶剧团、县电影放映队、县文化馆")
    programme = models.CharField("剧目/影片/内容", max_length=200, blank=True)
    shows = models.PositiveIntegerField("场次", default=1,
                                        help_text="演出或放映场次；一次培训、展览记 1 场")
    audience = models.PositiveIntegerField("观众/参与人数", null=True, blank=True)
    audience_basis = models.CharField("人数口径", max_length=10, choices=BASIS_CHOICES,
                                      default=EXACT)
    notes = models.TextField("备注", blank=True)

    scope = Scope(org="org")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "文化惠民活动"
        indexes = [models.Index(fields=["org", "kind", "date"])]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}：{self.title}"

    def get_absolute_url(self):
        return reverse("culture:event_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.shows is not None and self.shows < 1:
            errors["shows"] = "场次至少为 1"
        if self.end_date and self.date and self.end_date < self.date:
            errors["end_date"] = "结束日期不能早于开始日期"
        if self.kind == self.FILM and not self.village and not self.township:
            errors["village"] = "送电影下乡须填写放映的乡镇或村（社区）"
        if errors:
            raise ValidationError(errors)

    @property
    def place_label(self):
        return "".join(p for p in (self.township, self.village) if p) or self.venue

    @property
    def audience_label(self):
        """“约 300 人” for an estimate, “300 人” when counted, "" when not recorded."""
        if self.audience is None:
            return ""
        prefix = "约 " if self.audience_basis == self.ESTIMATE else ""
        return f"{prefix}{self.audience} 人"
