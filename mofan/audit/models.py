import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("审计记录只能追加，不能修改")

    def delete(self):
        raise PermissionDenied("审计记录只能追加，不能删除")


class AuditLog(models.Model):
    """Append-only, hash-chained audit row (specs/security.md 安全审计)."""

    at = models.DateTimeField("时间", db_index=True)
    user_id_copy = models.BigIntegerField("用户ID", null=True, blank=True)
    user_name = models.CharField("用户", max_length=150, blank=True)
    ip = models.GenericIPAddressField("来源IP", null=True, blank=True)
    action = models.CharField("操作", max_length=40, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True, db_index=True)
    object_id = models.CharField("对象ID", max_length=40, blank=True)
    object_label = models.CharField("对象", max_length=200, blank=True)
    success = models.BooleanField("成功", default=True)
    before = models.JSONField("变更前", null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField("变更后", null=True, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = "审计日志"

    def __str__(self):
        return f"#{self.pk} {self.at:%Y-%m-%d %H:%M:%S} {self.user_name} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("审计记录只能追加，不能删除")

    def payload(self) -> str:
        """Canonical text the hash covers: every field but the hashes themselves."""
        data = {
            "at": self.at.isoformat(timespec="microseconds"),
            "user_id": self.user_id_copy,
            "user_name": self.user_name,
            "ip": self.ip,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_label": self.object_label,
            "success": self.success,
            "before": self.before,
            "after": self.after,
        }
        return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.payload()).encode()).hexdigest()
