from django.db import models
from django.urls import reverse

from mofan.core.ledger.models import LedgerItem


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

    campaign = models.ForeignKey("orgs.Campaign", verbose_name="创建活动",
                                 on_delete=models.PROTECT, related_name="tasks")
    pillar = models.CharField("目标", max_length=20, choices=PILLAR_CHOICES)
    measure = models.CharField("措施", max_length=20, choices=MEASURE_CHOICES, default="other")
    content = models.TextField("任务内容", blank=True)
    leader = models.ForeignKey("orgs.Person", verbose_name="责任领导", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")

    class Meta(LedgerItem.Meta):
        verbose_name = verbose_name_plural = "创建任务"

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.pk])
