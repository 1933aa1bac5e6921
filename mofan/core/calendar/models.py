from django.core.exceptions import ValidationError
from django.db import models

from mofan.core.scoping import Scope, ScopedModel
from mofan.core.workcalendar import HOLIDAY, RESTDAY, WORKDAY


class CalendarYear(ScopedModel):
    """A year's official holiday schedule (国务院办公厅关于某年部分节假日安排的通知), entered
    by the 机关工委 for all its organs or by an organ for itself. Once entered, the year's
    dates are no longer provisional for the organs under ``org``."""

    org = models.ForeignKey("orgs.Org", verbose_name="录入单位", on_delete=models.CASCADE,
                            related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    notice = models.CharField("通知文号或标题", max_length=200, blank=True)
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    scope = Scope(org="org")

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "法定节假日安排"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="calendar_year_once")]

    def __str__(self):
        return f"{self.year} 年法定节假日安排"


class CalendarOverride(ScopedModel):
    """One day whose kind is entered rather than taken from the package: a day of an
    entered schedule (``schedule`` set) or an organ's own arrangement. It always wins."""

    KIND_CHOICES = [(WORKDAY, "工作日（含调休上班）"), (HOLIDAY, "法定节假日"), (RESTDAY, "休息日")]
    org = models.ForeignKey("orgs.Org", verbose_name="机关", on_delete=models.CASCADE,
                            related_name="+")
    date = models.DateField("日期")
    kind = models.CharField("类型", max_length=10, choices=KIND_CHOICES)
    note = models.CharField("说明", max_length=100, blank=True, help_text="如：2027年元旦调休上班")
    schedule = models.ForeignKey(CalendarYear, verbose_name="所属节假日安排", null=True,
                                 blank=True, on_delete=models.CASCADE, related_name="days",
                                 editable=False)

    scope = Scope(org="org")

    class Meta:
        ordering = ["-date"]
        verbose_name = verbose_name_plural = "工作日历"
        constraints = [
            models.UniqueConstraint(fields=["org", "date"], name="calendar_override_one_per_day")
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self):
        if self.org_id and self.org.kind not in ("organ", "committee"):
            raise ValidationError({"org": "工作日历按机关维护，请选择机关"})
