from django.db import models
from django.urls import reverse

from mofan.core.files import GeneratedName, UploadCheck
from mofan.core.ledger.models import LedgerItem
from mofan.core.scoping import Scope, ScopedModel


class InspectionRound(ScopedModel):
    """A 巡察 round whose feedback lists the problems to rectify."""

    org = models.ForeignKey("orgs.Org", verbose_name="被巡察机关", on_delete=models.PROTECT,
                            related_name="+")
    name = models.CharField("巡察轮次", max_length=120, help_text="如：县委第三轮巡察")
    inspector = models.CharField("巡察组", max_length=60, blank=True)
    feedback_on = models.DateField("反馈日期")
    rectify_by = models.DateField("整改期限", null=True, blank=True)

    scope = Scope(org="org")

    class Meta:
        ordering = ["-feedback_on", "-id"]
        verbose_name = verbose_name_plural = "巡察轮次"

    def __str__(self):
        return self.name


class Problem(LedgerItem):
    """巡察整改: one problem, its measures, and the rules it led to."""


    CATEGORY_CHOICES = [
        ("political", "政治建设"),
        ("party", "党的组织建设"),
        ("discipline", "全面从严治党"),
        ("style", "作风建设"),
        ("rules", "制度执行"),
        ("finance", "财务管理"),
        ("other", "其他"),
    ]
    RATING_CHOICES = [("good", "好"), ("fair_good", "较好"), ("average", "一般"), ("poor", "差")]
    SECOND_ROUND = ("average", "poor")

    inspection_round = models.ForeignKey(InspectionRound, verbose_name="巡察轮次",
                                         on_delete=models.PROTECT, related_name="problems")
    category = models.CharField("问题类别", max_length=20, choices=CATEGORY_CHOICES)
    description = models.TextField("问题描述")
    leader = models.ForeignKey("orgs.Person", verbose_name="责任领导", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    lead_section = models.ForeignKey("orgs.Org", verbose_name="牵头股室", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    measures = models.TextField("整改措施", blank=True)
    rating = models.CharField("整改评定", max_length=20, choices=RATING_CHOICES, blank=True,
                              editable=False)
    rated_at = models.DateTimeField("评定时间", null=True, blank=True, editable=False)
    round_no = models.PositiveSmallIntegerField("整改轮次", default=1, editable=False)
    parent = models.ForeignKey("self", verbose_name="上一轮问题", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="next_rounds",
                               editable=False)

    class Meta(LedgerItem.Meta):
        verbose_name = verbose_name_plural = "巡察整改"

    def get_absolute_url(self):
        return reverse("rectification:problem_detail", args=[self.pk])


class Rule(ScopedModel):
    """制度 registry: the rules an organ issued, and the problems they answer."""

    STATUS_CHOICES = [("current", "现行"), ("repealed", "废止")]
    CHANGE_CHOICES = [("created", "新建"), ("revised", "修订")]
    org = models.ForeignKey("orgs.Org", verbose_name="制定单位", on_delete=models.PROTECT,
                            related_name="+")
    title = models.CharField("制度名称", max_length=200)
    doc_no = models.CharField("文号", max_length=60, blank=True)
    issued_on = models.DateField("印发日期")
    status = models.CharField("状态", max_length=20, choices=STATUS_CHOICES, default="current")
    change = models.CharField("新建/修订", max_length=20, choices=CHANGE_CHOICES,
                              default="created")
    file = models.FileField("制度文件", upload_to=GeneratedName("rules"), blank=True,
                            validators=[UploadCheck()])
    problems = models.ManyToManyField(Problem, verbose_name="对应整改问题", blank=True,
                                      related_name="rules")

    scope = Scope(org="org", organ_reads=True)  # an organ's rules are for all in it to follow

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = verbose_name_plural = "制度"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("rectification:rule_detail", args=[self.pk])

    @property
    def problem_titles(self):
        return "；".join(p.title for p in self.problems.all())
