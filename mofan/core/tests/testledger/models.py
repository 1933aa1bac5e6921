from django.db import models
from django.urls import reverse

from mofan.core.ledger.models import LedgerItem


class Errand(LedgerItem):
    """跑腿事项: an item with one extra step, 验收, after it is closed."""

    place = models.CharField("地点", max_length=60, blank=True)
    express = models.BooleanField("加急", default=False)
    inspected_by = models.CharField("验收人", max_length=40, blank=True, editable=False)

    class Meta(LedgerItem.Meta):
        verbose_name = verbose_name_plural = "跑腿事项"

    def get_absolute_url(self):
        return reverse("testledger:errand_detail", args=[self.pk])

    def deadline_kind(self):
        return "express" if self.express else ""
