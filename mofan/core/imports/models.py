"""``ImportJob``: one Excel import run by the background worker (a sheet too big to be
read within a web request), with its progress and outcome for the user who started it."""

from django.conf import settings
from django.db import models

from mofan.core.files import GeneratedName


class ImportJob(models.Model):
    PENDING, RUNNING, DONE, REJECTED, FAILED = "pending", "running", "done", "rejected", "failed"
    STATUS_CHOICES = [(PENDING, "排队中"), (RUNNING, "处理中"), (DONE, "已完成"),
                      (REJECTED, "有错误未导入"), (FAILED, "失败")]
    UNFINISHED = (PENDING, RUNNING)

    # The registry key of the import screen (``core.imports.jobs``), never a code path.
    importer = models.CharField("导入类型", max_length=100)
    label = models.CharField("记录类型", max_length=100)  # the screen's label, for the page
    list_url = models.CharField("列表地址", max_length=200, blank=True)
    org = models.ForeignKey("orgs.Org", verbose_name="所在单位", null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)  # for its audit rows
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    filename = models.CharField("文件名", max_length=200)
    file = models.FileField(upload_to=GeneratedName("imports"), blank=True)
    dry_run = models.BooleanField("仅检查", default=True)
    status = models.CharField("状态", max_length=10, choices=STATUS_CHOICES, default=PENDING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    total = models.PositiveIntegerField("数据行数", default=0)  # counted in the request
    checked = models.PositiveIntegerField("已检查行数", default=0)
    saved = models.PositiveIntegerField("已写入行数", default=0)
    rows_read = models.PositiveIntegerField("读取行数", default=0)
    imported = models.PositiveIntegerField("导入条数", default=0)
    error_count = models.PositiveIntegerField("问题数", default=0)
    errors = models.JSONField("问题", default=list)  # [[row, column, reason]], the first 1,000
    reason = models.TextField("失败原因", blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "后台导入"

    def __str__(self):
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def import_url(self):
        return f"{self.list_url}import/" if self.list_url else ""  # Screens.urls: <list>/import/

    @property
    def finished(self):
        return self.status not in self.UNFINISHED
