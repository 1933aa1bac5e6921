"""One consistent backup (database rows + uploaded files) in a single .zip, and its restore.

The rows are dumped with Django's serializers inside one REPEATABLE READ transaction on
PostgreSQL (SQLite serialises readers against writers anyway), so the file is a snapshot.
A backup holds every account and record: it is written 0600 in a 0700 folder. The audit
key is not in it (it lives outside the database), so a restore verifies only with the key
the rows were written with.
"""

import json
import os
import zipfile
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from mofan.audit.chain import LEGACY, seal_legacy_rows

FORMAT_VERSION = 1
# Derived or transient tables are not backed up.
EXCLUDED = {"contenttypes", "sessions", "auth.permission", "accounts.loginattempt"}


def _models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in EXCLUDED or label in EXCLUDED or model._meta.proxy:
            continue
        yield model


def backup_folder() -> Path:
    """``var/backups``, readable by the service account only."""
    return private_folder(Path(settings.VAR_DIR) / "backups")


def private_folder(folder: Path) -> Path:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)  # mkdir's mode is masked by the umask, and the folder may be old
    return folder


def _open_private(path: Path):
    """Open ``path`` for writing, created (or truncated) with mode 0600 whatever the umask."""
    if not path.parent.exists():
        private_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode through O_CREAT
    return os.fdopen(fd, "wb")


def write_backup(path: Path) -> dict:
    media = Path(settings.MEDIA_ROOT)
    # Inside an outer transaction (tests) the snapshot is that transaction's own.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        counts, out = {}, StringIO()
        objects = []
        for model in _models():
            rows = list(model._default_manager.order_by("pk"))
            counts[model._meta.label_lower] = len(rows)
            objects.extend(rows)
        serializers.serialize("json", objects, stream=out)
    manifest = {"format": FORMAT_VERSION, "created_at": timezone.now().isoformat(),
                "database": connection.vendor, "counts": counts}
    with _open_private(Path(path)) as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        zf.writestr("data.json", out.getvalue())
        if media.exists():
            for f in sorted(media.rglob("*")):
                if f.is_file():
                    zf.write(f, f"media/{f.relative_to(media)}")
    return manifest


class RestoreError(Exception):
    pass


def database_is_empty() -> bool:
    return not any(m._default_manager.exists() for m in _models())


def read_backup(path: Path) -> dict:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, FileNotFoundError) as exc:
        raise RestoreError(f"{path} 不是 mofan 备份文件") from exc
    with zf:
        names = set(zf.namelist())
        if not {"manifest.json", "data.json"} <= names:
            raise RestoreError(f"{path} 不是 mofan 备份文件（缺少 manifest.json 或 data.json）")
        manifest = json.loads(zf.read("manifest.json"))
        if manifest.get("format") != FORMAT_VERSION:
            raise RestoreError(f"备份格式版本 {manifest.get('format')} 与本系统不符")
        if not database_is_empty():
            raise RestoreError("目标数据库不是空库；恢复只能写入空数据库，以免覆盖现有数据")
        data = _compatible(json.loads(zf.read("data.json")))
        with transaction.atomic():
            # Rows arrive in model order, not dependency order: check keys once at the end.
            with connection.constraint_checks_disabled():
                for obj in serializers.deserialize("python", data):
                    obj.save()
            connection.check_constraints()
            _reset_sequences()
            # A backup from before the keyed audit chain: seal its unkeyed rows, as the
            # migration did on the live database.
            seal_legacy_rows(apps.get_model("audit", "AuditLog"))
        media = Path(settings.MEDIA_ROOT).resolve()
        for name in names:
            if name.startswith("media/") and not name.endswith("/"):
                target = (media / name[len("media/"):]).resolve()
                if media not in target.parents:  # a crafted archive cannot write elsewhere
                    raise RestoreError(f"备份中的文件路径不安全：{name}")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(name))
    return manifest


def _compatible(objects: list) -> list:
    """Audit rows written before hash versions existed are version 1 (unkeyed SHA-256)."""
    for obj in objects:
        if obj.get("model") == "audit.auditlog":
            obj["fields"].setdefault("hash_version", LEGACY)
    return objects


def _reset_sequences():
    models = list(_models())
    sql = connection.ops.sequence_reset_sql(no_style(), models)
    if sql:
        with connection.cursor() as cur:
            for statement in sql:
                cur.execute(statement)


def migrate_quietly():
    call_command("migrate", verbosity=0, interactive=False)
