"""One consistent backup (database rows + uploaded files) in a single .zip, and its restore.

The rows are dumped in the format of Django's python serializer inside one REPEATABLE READ transaction on
PostgreSQL (SQLite serialises readers against writers anyway), so the file is a snapshot.
A county year is millions of rows (punches, 日统计): each table is streamed in chunks into
its own JSON-lines member and restored in chunks with bulk inserts, so memory stays
bounded whatever the size. Backups of the first format (one data.json) still restore.
A backup holds every account and record: it is written 0600 in a 0700 folder. The audit
key is not in it (it lives outside the database), so a restore verifies only with the key
the rows were written with.
"""

import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from itertools import islice
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from mofan.audit.chain import LEGACY, seal_legacy_rows

FORMAT_VERSION = 2  # 1: every row in one data.json; 2: data/<app.model>.jsonl per table
CHUNK = 2000  # rows read, serialised and inserted at a time
# Derived or transient tables are not backed up.
# The data version belongs to its database (core.freshness): a restore must raise it, not reset it.
EXCLUDED = {"contenttypes", "sessions", "auth.permission", "accounts.loginattempt",
            "core.dataversion"}


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


class ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; a backup keeps them to the microsecond
    (a restored row must equal the row backed up)."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def _chunks(iterable, size=CHUNK):
    it = iter(iterable)
    while chunk := list(islice(it, size)):
        yield chunk


def _serialised(model):
    """The rows of ``model`` in chunks, each row as Django's python serializer writes it
    ({"model", "pk", "fields"}: foreign keys as the key, many-to-many as lists of keys),
    read as plain values: building model instances cost minutes on a county year."""
    opts = model._meta
    fields = [f for f in opts.concrete_fields if f.serialize]
    m2m = [f for f in opts.many_to_many if f.serialize and f.remote_field.through._meta.auto_created]
    values = model._default_manager.order_by("pk").values_list("pk", *[f.attname for f in fields])
    for chunk in _chunks(values.iterator(chunk_size=CHUNK)):
        links = {f.name: _links(f, [row[0] for row in chunk]) for f in m2m}
        out = []
        for pk, *row in chunk:
            data = dict(zip((f.name for f in fields), row, strict=True))
            for name, targets in links.items():
                data[name] = targets.get(pk, [])
            out.append({"model": opts.label_lower, "pk": pk, "fields": data})
        yield out


def _links(m2m, pks) -> dict:
    through = m2m.remote_field.through
    src = through._meta.get_field(m2m.m2m_field_name()).attname
    dst = through._meta.get_field(m2m.m2m_reverse_field_name()).attname
    found = {}
    for a, b in through.objects.filter(**{f"{src}__in": pks}).order_by("pk").values_list(src, dst):
        found.setdefault(a, []).append(b)
    return found


def write_backup(path: Path, progress=None) -> dict:
    """``progress(label, rows)`` is told each table as it is written."""
    media = Path(settings.MEDIA_ROOT)
    # Inside an outer transaction (tests) the snapshot is that transaction's own.
    outermost = not connection.in_atomic_block
    counts = {}
    with _open_private(Path(path)) as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zf:
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cur:
                    cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for model in _models():
                label = model._meta.label_lower
                n = 0
                with zf.open(f"data/{label}.jsonl", "w") as member:
                    for chunk in _serialised(model):
                        lines = [json.dumps(obj, cls=ExactEncoder, ensure_ascii=False)
                                 for obj in chunk]
                        member.write(("\n".join(lines) + "\n").encode())
                        n += len(chunk)
                counts[label] = n
                if progress:
                    progress(label, n)
        manifest = {"format": FORMAT_VERSION, "created_at": timezone.now().isoformat(),
                    "database": connection.vendor, "counts": counts,
                    # Content types are made anew by migrate, with ids in whatever order
                    # the target's migrations ran: rows pointing at one are mapped by name.
                    "content_types": {str(pk): [app, model] for pk, app, model in
                                      ContentType.objects.values_list("pk", "app_label", "model")}}
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        if media.exists():
            for f in sorted(media.rglob("*")):
                if f.is_file():
                    zf.write(f, f"media/{f.relative_to(media)}")
    return manifest


class RestoreError(Exception):
    pass


def database_is_empty() -> bool:
    return not any(m._default_manager.exists() for m in _models())


def read_backup(path: Path, progress=None) -> dict:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, FileNotFoundError) as exc:
        raise RestoreError(f"{path} 不是 mofan 备份文件") from exc
    with zf:
        names = set(zf.namelist())
        if "manifest.json" not in names:
            raise RestoreError(f"{path} 不是 mofan 备份文件（缺少 manifest.json）")
        manifest = json.loads(zf.read("manifest.json"))
        version = manifest.get("format")
        if version not in (1, FORMAT_VERSION):
            raise RestoreError(f"备份格式版本 {version} 与本系统不符")
        if version == 1 and "data.json" not in names:
            raise RestoreError(f"{path} 不是 mofan 备份文件（缺少 data.json）")
        if not database_is_empty():
            raise RestoreError("目标数据库不是空库；恢复只能写入空数据库，以免覆盖现有数据")
        with transaction.atomic():
            remap = _content_types_here(manifest.get("content_types", {}))
            # Rows arrive in model order, not dependency order: check keys once at the end.
            with connection.constraint_checks_disabled():
                if version == 1:
                    for chunk in _chunks(json.loads(zf.read("data.json"))):
                        _insert(chunk, remap)
                else:
                    for label in manifest["counts"]:
                        with zf.open(f"data/{label}.jsonl") as member:
                            lines = io.TextIOWrapper(member, encoding="utf-8")
                            for chunk in _chunks(json.loads(line) for line in lines):
                                _insert(chunk, remap)
                        if progress:
                            progress(label, manifest["counts"][label])
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


def _content_types_here(names: dict) -> dict:
    """{content type id in the backup: the id of the same model here}."""
    here = {(app, model): pk for pk, app, model in
            ContentType.objects.values_list("pk", "app_label", "model")}
    remap = {}
    for old, (app, model) in names.items():
        if (app, model) not in here:  # a model since removed: keep its rows pointing somewhere
            here[(app, model)] = ContentType.objects.create(app_label=app, model=model).pk
        remap[int(old)] = here[(app, model)]
    return remap


def _insert(chunk: list, remap: dict) -> None:
    """Serialised rows (several models possible) inserted as they were, keys included, then
    the rows of their many-to-many fields. Each value goes through its field's own
    ``to_python`` (what the deserializer does) and database preparation; building model
    instances on the way cost ~100 µs a row, minutes for a county year. Like loaddata's
    raw save, no model's save() or signals run: the rows are restored, not created anew."""
    by_model = {}
    for obj in _compatible(chunk):
        by_model.setdefault(obj["model"], []).append(obj)
    for label, objects in by_model.items():
        model = apps.get_model(label)
        fields = model._meta.concrete_fields
        convert = [_converter(f, remap) for f in fields]
        rows = [[c(obj["pk"] if f.primary_key else obj["fields"].get(f.name, _MISSING))
                 for f, c in zip(fields, convert, strict=True)] for obj in objects]
        _executemany(model._meta.db_table, [f.column for f in fields], rows)
        for m2m in model._meta.many_to_many:
            through = m2m.remote_field.through
            if not through._meta.auto_created:
                continue  # its own model, restored as a table of its own
            links = [[obj["pk"], target] for obj in objects
                     for target in obj["fields"].get(m2m.name, [])]
            columns = [through._meta.get_field(m2m.m2m_field_name()).column,
                       through._meta.get_field(m2m.m2m_reverse_field_name()).column]
            _executemany(through._meta.db_table, columns, links)


_MISSING = object()


# Values JSON gives as the database takes them; dates and times parsed directly (a county
# year is millions of them; the generic path below cost ~75 µs a row).
_AS_IS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
          "SmallIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
          "PositiveBigIntegerField", "CharField", "TextField", "BooleanField", "SlugField",
          "FileField"}


def _converter(field, remap):
    """A function from a serialised value to the value the database is given."""
    if field.is_relation and field.related_model is ContentType and remap:
        return lambda raw: None if raw is None else remap.get(raw, raw)
    target = field.target_field if field.is_relation else field
    kind, ops = target.get_internal_type(), connection.ops
    parse = {"DateField": (dt.date.fromisoformat, ops.adapt_datefield_value),
             "DateTimeField": (dt.datetime.fromisoformat, ops.adapt_datetimefield_value),
             "TimeField": (dt.time.fromisoformat, ops.adapt_timefield_value)}.get(kind)

    def convert(raw):
        if raw is _MISSING:  # not serialised (serialize=False): what a new row would get
            return field.get_db_prep_save(field.get_default(), connection)
        if raw is None or kind in _AS_IS:
            return raw
        if parse:
            return parse[1](parse[0](raw))
        return target.get_db_prep_save(target.to_python(raw), connection)
    return convert


def _executemany(table: str, columns: list, rows: list) -> None:
    if not rows:
        return
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    with connection.cursor() as cur:
        cur.executemany(sql, rows)


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


def table_fingerprints() -> dict:
    """{table label: (rows, SHA-256 of its rows in key order)} for every backed-up table,
    read bare (fast enough for a county year); a content type counts by its name, since
    its id is whatever the database's migrations gave it. Two databases holding the same
    rows have the same fingerprints (the restore drill and its test compare them)."""
    names = {pk: (app, model) for pk, app, model in
             ContentType.objects.values_list("pk", "app_label", "model")}
    out = {}
    with connection.cursor() as cur:
        for m in _models():
            by_name = {f.column for f in m._meta.concrete_fields
                       if f.is_relation and f.related_model is ContentType}
            h, n = hashlib.sha256(), 0
            cur.execute(f'SELECT * FROM "{m._meta.db_table}" ORDER BY "{m._meta.pk.column}"')  # noqa: S608
            columns = [c[0] for c in cur.description]
            while rows := cur.fetchmany(5000):
                n += len(rows)
                h.update(repr([tuple(names.get(v, v) if c in by_name else v
                                     for c, v in zip(columns, row, strict=True))
                               for row in rows]).encode())
            out[m._meta.label_lower] = (n, h.hexdigest())
    return out


def migrate_quietly():
    call_command("migrate", verbosity=0, interactive=False)
