from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from . import chain


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("审计记录只能追加，不能修改")

    def delete(self):
        raise PermissionDenied("审计记录只能追加，不能删除")


class AuditLog(models.Model):
    """Append-only, hash-chained audit row (specs/security.md 安全审计); see chain.py."""

    HASH_VERSIONS = [(chain.LEGACY, "SHA-256（未加密钥，旧版）"), (chain.KEYED, "HMAC-SHA256")]

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
    hash_version = models.PositiveSmallIntegerField(
        "哈希算法", choices=HASH_VERSIONS, default=chain.KEYED)

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
        return chain.payload(self)

    def compute_hash(self, key: bytes | None = None) -> str:
        return chain.row_hash(self, key)
