"""Writing and verifying the audit chain."""

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict

from . import anchors as anchor_file
from .chain import GENESIS, KEYED, LEGACY, audit_key, jsonable, row_hash, stamp
from .context import Actor, actor_for, current_actor
from .models import AuditLog

_LOCK_KEY = 7_340_261  # PostgreSQL advisory lock id serialising chain appends

# Secrets never enter before/after (specs/security.md): by field name, at any depth...
SECRET_FIELDS = frozenset({
    "password", "password_hash", "totp_secret", "otp_secret", "secret", "secret_key",
    "session_key", "session_data", "token", "api_key", "access_token", "refresh_token",
    "private_key",
})
SECRET_SUFFIXES = ("_secret", "_token", "_password")
# ... and by value: anything shaped like a Django / crypt password hash, whatever its key.
PASSWORD_HASH = re.compile(
    r"^(?:(?:pbkdf2_sha256|pbkdf2_sha1|argon2|bcrypt_sha256|bcrypt|scrypt|md5|sha1|"
    r"unsalted_sha1|unsalted_md5|crypt)\$|\$(?:argon2(?:id|i|d)|2[aby]?|[156])\$)"
)
REDACTED = "（已隐去）"


def _secret_name(name) -> bool:
    name = str(name).lower()
    return name in SECRET_FIELDS or name.endswith(SECRET_SUFFIXES)


def redact(value):
    """``value`` with every secret replaced by REDACTED (empty values stay empty, so
    "no TOTP bound yet" still reads as such)."""
    if isinstance(value, dict):
        return {
            k: REDACTED if _secret_name(k) and isinstance(v, str | bytes) and v else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str) and PASSWORD_HASH.match(value):
        return REDACTED
    return value


def snapshot(obj) -> dict:
    """A JSON-safe copy of a model's editable fields (files as their stored names),
    without secrets."""
    data = {}
    for key, value in model_to_dict(obj).items():
        if isinstance(value, FieldFile):
            value = value.name or ""
        elif isinstance(value, list):
            value = [getattr(v, "pk", v) for v in value]
        data[key] = value
    return redact(jsonable(data))


def record(action, obj=None, *, before=None, after=None, success=True, label="",
           object_type="", object_id="", actor: Actor | None = None, user=None) -> AuditLog:
    """Append one audit row, chained to the last one (secrets in before/after redacted)."""
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
        row = AuditLog(
            at=stamp(),
            user_id_copy=actor.user_id,
            user_name=actor.user_name[:150],
            ip=actor.ip,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_label=label[:200],
            success=success,
            # Round-trip through JSON so the hash covers exactly what the database stores.
            before=redact(jsonable(before)),
            after=redact(jsonable(after)),
            prev_hash=last or GENESIS,
            hash_version=KEYED,
        )
        row.hash = row.compute_hash()
        row.save()
    return row


def purge_before(day, *, user):
    """Remove rows older than ``day`` (retention ≥ MOFAN_AUDIT_RETENTION_DAYS), auditor only.

    The purge is itself a row that keeps the last removed hash, so the chain still
    verifies from the first kept row; the new head is anchored at once.
    """
    from django.conf import settings
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

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
    # The purge stands even if the file cannot be written: the audit page the auditor
    # returns to anchors again and says why it cannot.
    with contextlib.suppress(OSError):
        anchor_file.write_anchor("purge")
    return count


def _purges():
    """(hashes at which a purge legitimately cut the chain, highest purged id)."""
    hashes, up_to = set(), 0
    for row in AuditLog.objects.filter(action="audit_purge").only("after"):
        after = row.after or {}
        hashes.add(after.get("last_hash"))
        up_to = max(up_to, int(after.get("up_to_id") or 0))
    return hashes, up_to


def verify_chain():
    """Check every row's hash and link. Return (ok, first_broken_row_id_or_None, reason,
    rows_checked)."""
    key = audit_key()
    purge_hashes = None
    prev = None
    checked = 0
    legacy_ids = []
    first_keyed = None
    # Ids may have gaps (a rolled-back transaction consumes one); the chain itself tells
    # a removed row, because the next row's prev_hash no longer matches.
    for row in AuditLog.objects.order_by("id").iterator(chunk_size=2000):
        if prev is None:  # the first kept row starts the chain, or follows a recorded purge
            purge_hashes = _purges()[0]
            prev = row.prev_hash if row.prev_hash in purge_hashes else GENESIS
        if row.prev_hash != prev:
            return False, row.pk, f"第 {row.pk} 行的前序哈希与上一行不符（上一行被删除或改动）", checked
        if row.hash_version == LEGACY:
            if first_keyed is not None:
                return False, row.pk, (f"第 {row.pk} 行使用未加密钥的旧版哈希，却排在已加密钥的"
                                       f"第 {first_keyed} 行之后（被改写）"), checked
            legacy_ids.append(row.pk)
        elif row.hash_version == KEYED:
            first_keyed = first_keyed or row.pk
        else:
            return False, row.pk, f"第 {row.pk} 行的哈希算法版本 {row.hash_version} 未知（被改动）", checked
        if row_hash(row, key) != row.hash:
            hint = ""
            if row.pk == first_keyed:
                hint = "；若其后每一行都不符，请确认审计密钥 MOFAN_AUDIT_KEY 与写入时相同"
            return False, row.pk, f"第 {row.pk} 行内容与哈希不符（被改动{hint}）", checked
        prev = row.hash
        checked += 1
    if legacy_ids and first_keyed is None:
        # Unkeyed rows can be recomputed by anyone; only a keyed row after them seals them.
        return False, legacy_ids[0], (f"第 {legacy_ids[0]}–{legacy_ids[-1]} 行是未加密钥的旧版记录，"
                                      "其后没有加密钥的封存行（可能整表被改写）"), checked
    return True, None, "", checked


@dataclass
class Verdict:
    ok: bool
    row_id: int | None = None
    reason: str = ""
    rows_checked: int = 0
    anchors_checked: int = 0
    newest_anchor: anchor_file.Anchor | None = None
    warnings: list = field(default_factory=list)
    legacy_rows: int = 0  # unkeyed rows from before the key, sealed by a keyed row


def check_anchors() -> Verdict:
    """Compare the table with every anchor since the last restore (cheap: one query)."""
    anchors = anchor_file.read_anchors()
    if not anchors:
        return Verdict(True, warnings=[f"尚无锚点（{anchor_file.anchor_path()}），无法检查末尾是否被截断；"
                                       "请每日运行 audit_anchor"])
    for anchor in anchors:
        if not anchor.intact:
            return Verdict(False, reason=(
                f"锚点文件第 {anchor.lineno} 行校验码不符：该行或其前一行被改动、删除，"
                "或审计密钥与写入时不同"))
    current = anchor_file.current_anchors(anchors)
    newest = anchors[-1]
    max_id = AuditLog.objects.aggregate(m=Max("id"))["m"] or 0
    top = max(current, key=lambda a: a.last_id)
    if top.last_id > max_id:
        have = f"表中只到第 {max_id} 行" if max_id else "表中已没有任何记录"
        return Verdict(False, row_id=max_id or None, newest_anchor=newest,
                       reason=f"末尾被截断：锚点记录到第 {top.last_id} 行，{have}（锚点时间 {top.at}）")
    stored = dict(AuditLog.objects.filter(id__in={a.last_id for a in current})
                  .values_list("id", "hash"))
    purged_up_to = _purges()[1]
    for anchor in current:
        if not anchor.last_id:
            continue
        if anchor.last_id in stored:
            if stored[anchor.last_id] != anchor.hash:
                return Verdict(False, row_id=anchor.last_id, newest_anchor=newest, reason=(
                    f"第 {anchor.last_id} 行与锚点（{anchor.at}）记录的哈希不符：该行或其之前的行被改写"))
        elif anchor.last_id > purged_up_to:
            return Verdict(False, row_id=anchor.last_id, newest_anchor=newest, reason=(
                f"第 {anchor.last_id} 行已被删除（锚点 {anchor.at} 记录过它，且不在清理范围内）"))
    return Verdict(True, anchors_checked=len(current), newest_anchor=newest)


def verify_audit() -> Verdict:
    """The whole check: the keyed chain row by row, then the table against the anchors."""
    ok, row_id, reason, checked = verify_chain()
    if not ok:
        return Verdict(False, row_id, reason, checked)
    verdict = check_anchors()
    verdict.rows_checked = checked
    verdict.legacy_rows = AuditLog.objects.filter(hash_version=LEGACY).count()
    return verdict
