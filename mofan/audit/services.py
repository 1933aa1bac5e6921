"""Writing and verifying the audit chain."""

import datetime as dt
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.utils import timezone

from .context import Actor, actor_for, current_actor
from .models import AuditLog

GENESIS = "0" * 64
_LOCK_KEY = 7_340_261  # PostgreSQL advisory lock id serialising chain appends


def snapshot(obj) -> dict:
    """A JSON-safe copy of a model's editable fields (files as their stored names)."""
    data = {}
    for key, value in model_to_dict(obj).items():
        if isinstance(value, FieldFile):
            value = value.name or ""
        elif isinstance(value, list):
            value = [getattr(v, "pk", v) for v in value]
        data[key] = value
    return _jsonable(data)


def record(action, obj=None, *, before=None, after=None, success=True, label="",
           object_type="", object_id="", actor: Actor | None = None, user=None) -> AuditLog:
    """Append one audit row, chained to the last one."""
    if user is not None:
        actor = actor_for(user, current_actor.get().ip)
    actor = actor or current_actor.get()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk or "")
        label = label or str(obj)[:200]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        last = AuditLog.objects.order_by("-id").values_list("hash", flat=True).first()
        now = timezone.now()
        row = AuditLog(
            # Millisecond precision: what Django's JSON serializer keeps, so a restored
            # backup hashes the same.
            at=now.replace(microsecond=now.microsecond // 1000 * 1000),
            user_id_copy=actor.user_id,
            user_name=actor.user_name[:150],
            ip=actor.ip,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_label=label[:200],
            success=success,
            before=before,
            after=after,
            prev_hash=last or GENESIS,
        )
        # Round-trip through JSON so the hash covers exactly what the database stores.
        row.before, row.after = _jsonable(before), _jsonable(after)
        row.hash = row.compute_hash()
        row.save()
    return row


def _jsonable(value):
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def purge_before(day, *, user):
    """Remove rows older than ``day`` (retention ≥ MOFAN_AUDIT_RETENTION_DAYS), auditor only.

    The purge is itself a row that keeps the last removed hash, so the chain still
    verifies from the first kept row.
    """
    from django.conf import settings
    from django.core.exceptions import PermissionDenied

    from mofan.core.scoping import AUDITOR

    if user.role != AUDITOR:
        raise PermissionDenied("只有审计员可以清理审计日志")
    keep_from = timezone.localdate() - dt.timedelta(days=settings.MOFAN_AUDIT_RETENTION_DAYS)
    if day > keep_from:
        raise ValueError(f"审计日志至少保留 {settings.MOFAN_AUDIT_RETENTION_DAYS} 天，"
                         f"只能清理 {keep_from:%Y-%m-%d} 之前的记录")
    with transaction.atomic():
        old = AuditLog.objects.filter(at__date__lt=day).order_by("id")
        last = old.last()
        if last is None:
            return 0
        count = old.count()
        # The queryset refuses delete() so the application cannot erase rows by accident.
        old._raw_delete(old.db)
        record("audit_purge", user=user, object_type="audit.auditlog",
               label=f"清理 {day:%Y-%m-%d} 之前的审计日志 {count} 条",
               after={"count": count, "up_to_id": last.pk, "last_hash": last.hash})
    return count


def _purge_anchors():
    """Hashes at which a purge legitimately cut the chain."""
    return {
        (row.after or {}).get("last_hash")
        for row in AuditLog.objects.filter(action="audit_purge").only("after")
    }


def verify_chain():
    """Return (ok, first_broken_row_id_or_None, reason, rows_checked)."""
    prev = None
    checked = 0
    # Ids may have gaps (a rolled-back transaction consumes one); the chain itself tells
    # a removed row, because the next row's prev_hash no longer matches.
    for row in AuditLog.objects.order_by("id").iterator(chunk_size=2000):
        if prev is None:  # the first kept row starts the chain, or follows a recorded purge
            prev = row.prev_hash if row.prev_hash in _purge_anchors() else GENESIS
        if row.prev_hash != prev:
            return False, row.pk, f"第 {row.pk} 行的前序哈希与上一行不符（上一行被删除或改动）", checked
        if row.compute_hash() != row.hash:
            return False, row.pk, f"第 {row.pk} 行内容与哈希不符（被改动）", checked
        prev = row.hash
        checked += 1
    return True, None, "", checked
