from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from mofan.core.scoping import ORG_ADMIN, ScopedModel, ScopedQuerySet
from mofan.orgs.models import Org


class OrganQuerySet(ScopedQuerySet):
    """Rows kept by an organ's 单位管理员 for the whole organ; the 机关工委 reads them."""

    def editable_by(self, user):
        if getattr(user, "role", None) != ORG_ADMIN:
            return self.none()
        return super().editable_by(user)


class SummaryTemplate(ScopedModel):
    """An organ's 年度工作总结 for one year: prose with fields (language.py), written by
    its office; figures and facts are filled in from the records when it is shown."""

    org = models.ForeignKey(Org, verbose_name="机关", on_delete=models.PROTECT,
                            limit_choices_to={"kind": Org.ORGAN}, related_name="+")
    year = models.PositiveIntegerField("年度")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", help_text="一行一段；以“一、”“（一）”“1.”“（1）”开头的行为各级标题")
    signature = models.CharField("署名", max_length=100, blank=True, help_text="留空则署本机关名称")
    signed_on = models.DateField("成文日期", null=True, blank=True, help_text="留空则为生成当天")
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = OrganQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "org__path"]
        verbose_name = verbose_name_plural = "年度工作总结"
        constraints = [models.UniqueConstraint(fields=["org", "year"],
                                               name="summary_one_per_organ_year")]

    def __str__(self):
        return f"{self.org}{self.year}年度工作总结"

    def get_absolute_url(self):
        return reverse("reports:summary") + f"?organ={self.org_id}&year={self.year}"

    @staticmethod
    def may_write(user, organ) -> bool:
        """The rule of ``editable_by`` for one organ, asked without a row: its own
        单位管理员 (the 编辑 button and the editor ask this)."""
        return getattr(user, "role", None) == ORG_ADMIN and user.org_id == organ.pk

    def clean(self):
        if self.year is not None and not 2000 <= self.year <= 2100:
            raise ValidationError({"year": "年度应在 2000 到 2100 之间"})


class PlaceName(ScopedModel):
    """A name the public (脱敏) version of the organ's documents masks, character by
    character. Seeded from the names the system knows (core/facts.py); the office adds
    names and switches off those it wants kept."""

    org = models.ForeignKey(Org, verbose_name="机关", on_delete=models.PROTECT,
                            limit_choices_to={"kind": Org.ORGAN}, related_name="+",
                            editable=False)
    name = models.CharField("名称", max_length=100,
                            help_text="每个字都替换为 *；如“示例”使“示例县”成为“**县”")
    source = models.CharField("来源", max_length=60, blank=True, editable=False,
                              help_text="系统中的哪类名称；手工添加的为空")
    masked = models.BooleanField("脱敏", default=True, help_text="取消勾选则公开版保留此名称")

    objects = OrganQuerySet.as_manager()

    class Meta:
        ordering = ["org", "-masked", "name"]
        verbose_name = verbose_name_plural = "脱敏地名"
        constraints = [models.UniqueConstraint(fields=["org", "name"],
                                               name="placename_unique_per_organ")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reports:placename_detail", args=[self.pk])

    @property
    def masked_label(self):
        return "替换为 *" if self.masked else "保留"

    def clean(self):
        self.name = (self.name or "").strip()
        if self.org_id and PlaceName.objects.filter(org_id=self.org_id, name=self.name).exclude(
                pk=self.pk).exists():
            raise ValidationError({"name": f"“{self.name}”已在本机关的脱敏名单中"})
