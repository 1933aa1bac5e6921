from django.db import models
from django.urls import reverse

from mofan.core.ledger.models import LedgerItem
from mofan.core.masking import mask_phone, validate_phone


class Appeal(LedgerItem):
    """民情台账: one citizen's appeal, from 察民情·访民意·听民声 or a 12345 transfer."""


    SOURCE_CHOICES = [
        ("observe", "察民情"),
        ("visit", "访民意"),
        ("listen", "听民声"),
        ("hotline", "12345转办"),
        ("other", "其他"),
    ]
    CATEGORY_CHOICES = [
        ("consult", "咨询"),
        ("help", "求助"),
        ("complaint", "投诉"),
        ("suggestion", "建议"),
    ]
    SATISFIED, BASIC, UNSATISFIED = "satisfied", "basic", "unsatisfied"
    VISIT_CHOICES = [(SATISFIED, "满意"), (BASIC, "基本满意"), (UNSATISFIED, "不满意")]
    CAUSE_CHOICES = [("own", "本单位办理原因"), ("objective", "政策或客观条件限制")]

    source = models.CharField("来源", max_length=20, choices=SOURCE_CHOICES)
    category = models.CharField("类别", max_length=20, choices=CATEGORY_CHOICES)
    urgent = models.BooleanField("紧急", default=False, help_text="紧急诉求当日办结")
    words = models.TextField("群众诉求", help_text="尽量记录群众原话")
    place = models.CharField("地点（社区/村）", max_length=100, blank=True)
    citizen = models.CharField("反映人", max_length=40, blank=True)
    contact = models.CharField(
        "联系电话", max_length=20, blank=True,
        validators=[validate_phone])
    visit_result = models.CharField("回访结果", max_length=20, choices=VISIT_CHOICES,
                                    blank=True, editable=False)
    visit_cause = models.CharField("不满意原因", max_length=20, choices=CAUSE_CHOICES,
                                   blank=True, editable=False)
    visited_at = models.DateTimeField("回访时间", null=True, blank=True, editable=False)

    class Meta(LedgerItem.Meta):
        verbose_name = verbose_name_plural = "民情台账"

    def get_absolute_url(self):
        return reverse("appeals:appeal_detail", args=[self.pk])

    @property
    def urgent_label(self):
        return "是" if self.urgent else "否"

    @property
    def contact_masked(self):
        return mask_phone(self.contact)

    def deadline_kind(self):
        return "urgent" if self.urgent else self.category
