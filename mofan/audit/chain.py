"""How one audit row is hashed, for the live model and for migrations alike.

Version 2 (KEYED): ``HMAC-SHA256(key, prev_hash + payload)`` with the key kept outside
the database (``settings.MOFAN_AUDIT_KEY``: the environment, or ``var/audit_key``). Whoever
can write the table but lacks the key cannot recompute a hash after changing a row.

Version 1 (LEGACY): ``SHA-256(prev_hash + payload)``, what rows written before the key
existed carry. They are kept as they were written (not re-hashed, which would launder
any earlier tampering) and are accepted only as the chain's prefix that a keyed row
seals: the first keyed row covers the last legacy hash, so changing any legacy row
breaks the first keyed row, which cannot be recomputed without the key.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

GENESIS = "0" * 64
LEGACY = 1
KEYED = 2


def audit_key() -> bytes:
    return settings.MOFAN_AUDIT_KEY.encode()


def payload(row) -> str:
    """Canonical text the hash covers: every field but the hashes themselves."""
    data = {
        "at": row.at.isoformat(timespec="microseconds"),
        "user_id": row.user_id_copy,
        "user_name": row.user_name,
        "ip": row.ip,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "object_label": row.object_label,
        "success": row.success,
        "before": row.before,
        "after": row.after,
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def row_hash(row, key: bytes | None = None) -> str:
    message = (row.prev_hash + payload(row)).encode()
    if row.hash_version == LEGACY:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key if key is not None else audit_key(), message, hashlib.sha256).hexdigest()


def mac(text: str, key: bytes | None = None) -> str:
    """HMAC of a line kept outside the table (the anchors file)."""
    key = key if key is not None else audit_key()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def jsonable(value):
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def stamp():
    """Now, at the millisecond precision Django's JSON serializer keeps, so a restored
    backup hashes the same."""
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def seal_legacy_rows(model):
    """Append one keyed row that seals the unkeyed (version 1) rows, if they are not
    sealed yet. Used by the migration that introduced the key and by a restore of a
    backup written before it. ``model`` may be the historical model of a migration.
    Returns the sealing row or None.
    """
    last = model.objects.order_by("-id").first()
    if last is None or last.hash_version != LEGACY:
        return None  # empty, or the newest row is keyed already
    legacy = model.objects.filter(hash_version=LEGACY).order_by("id")
    first = legacy.first()
    # Record, not repair: whether the unkeyed prefix verified when it was sealed.
    purged = {(p.after or {}).get("last_hash") for p in model.objects.filter(action="audit_purge")}
    prev = first.prev_hash if first.prev_hash in purged else GENESIS
    intact = True
    for row in legacy.iterator(chunk_size=2000):
        if row.prev_hash != prev or row_hash(row) != row.hash:
            intact = False
            break
        prev = row.hash
    count = legacy.count()
    seal = model(
        at=stamp(), user_id_copy=None, user_name="系统", ip=None, action="audit_rekey",
        object_type="audit.auditlog", object_id="",
        object_label=f"启用密钥哈希（HMAC-SHA256），封存此前 {count} 条未加密钥的记录"[:200],
        success=True, before=None,
        after=jsonable({"legacy_rows": count, "first_id": first.pk, "last_id": last.pk,
                        "last_hash": last.hash, "legacy_chain_intact": intact}),
        prev_hash=last.hash, hash_version=KEYED,
    )
    seal.hash = row_hash(seal)
    # The historical model has no append-only save(); a plain insert is what is wanted.
    model.objects.bulk_create([seal])
    return seal
