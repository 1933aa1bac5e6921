from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from mofan.core.ledger.models import LedgerItem
from mofan.orgs.models import Campaign


class Task(LedgerItem):
    """责任分工 / 创建任务: one task of the organ's 实施方案, with its leader and unit."""


    PILLAR_CHOICES = [
        ("party", "强党建"),
        ("ethos", "树新风"),
        ("service", "办实事"),
        ("reform", "促改革"),
        ("mindset", "转观念"),
        ("results", "求实效"),
    ]
    MEASURE_CHOICES = [
        ("review", "专项查摆"),
        ("culture", "模范机关文化"),
        ("branches", "基层党组织建设"),
        ("rules", "制度建设"),
        ("other", "其他"),
    ]

    # Never typed: the campaign of the organ for the year the task is registered in.
    campaign = models.ForeignKey("orgs.Campaign", verbose_name="创建活动",
                                 on_delete=models.PROTECT, related_name="tasks", editable=False)
    pillar = models.CharField("目标", max_length=20, choices=PILLAR_CHOICES)
    measure = models.CharField("措施", max_length=20, choices=MEASURE_CHOICES, default="other")
    content = models.TextField("任务内容", blank=True)
    leader = models.ForeignKey("orgs.Person", verbose_name="责任领导", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")

    class Meta(LedgerItem.Meta):
        verbose_name = verbose_name_plural = "创建任务"

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.pk])

    def clean(self):
        """A task joins its organ's campaign of the year it is registered in."""
        super().clean()
        if self.org_id and self.registered_on:
            year = self.registered_on.year
            campaign = Campaign.of_year(self.org, year)
            if campaign is None:
                raise ValidationError({"registered_on": (
                    f"本机关没有 {year} 年的创建活动，请先在“创建活动”中新增"
                    "（或从上一年度的创建活动开始下一年度）")})
            self.campaign = campaign
