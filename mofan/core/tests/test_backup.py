import os
import zipfile
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.dateparse import parse_datetime

from mofan.audit.anchors import read_anchors, write_anchor
from mofan.audit.models import AuditLog
from mofan.audit.services import record, verify_audit, verify_chain
from mofan.core.backup import _models, table_fingerprints


def fingerprint():
    """Every backed-up row, as its serialised field values."""
    from django.core import serializers

    return {
        m._meta.label_lower: serializers.serialize("json", m._default_manager.order_by("pk"))
        for m in _models()
    }


def test_backup_restores_into_an_empty_database_identically(transactional_db, world, tmp_path,
                                                           settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "plans").mkdir(parents=True)
    (tmp_path / "media" / "plans" / "a.pdf").write_bytes(b"%PDF-1.4 plan")
    record("update", world.organ, after={"x": 1})
    before = fingerprint()
    target = tmp_path / "b.zip"
    call_command("backup", "--output", str(target), stdout=StringIO())
    call_command("flush", interactive=False, verbosity=0)
    (tmp_path / "media" / "plans" / "a.pdf").unlink()
    assert not apps.get_model("orgs", "Person").objects.exists()
    out = StringIO()
    call_command("restore", str(target), stdout=out)
    after = fingerprint()
    # The restore appends its own audit row; everything before it is identical.
    after_audit = after.pop("audit.auditlog")
    before_audit = before.pop("audit.auditlog")
    assert after == before
    assert after_audit.startswith(before_audit[:-1])
    assert (tmp_path / "media" / "plans" / "a.pdf").read_bytes() == b"%PDF-1.4 plan"
    assert verify_chain()[0]


def test_restore_refuses_a_non_empty_database(world, tmp_path):
    target = tmp_path / "b.zip"
    call_command("backup", "--output", str(target), stdout=StringIO())
    with pytest.raises(CommandError, match="不是空库"):
        call_command("restore", str(target), stdout=StringIO())


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"junk")
    with pytest.raises(CommandError, match="不是 mofan 备份文件"):
        call_command("restore", str(bad), stdout=StringIO())


def test_restore_refuses_paths_that_escape_the_media_folder(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("manifest.json", '{"format": 1, "counts": {}, "created_at": ""}')
        zf.writestr("data.json", "[]")
        zf.writestr("media/../../escaped.txt", "x")
    with pytest.raises(CommandError, match="不安全"):
        call_command("restore", str(evil), stdout=StringIO())
    assert not (tmp_path / "escaped.txt").exists()


def _mode(path):
    return os.stat(path).st_mode & 0o777


def test_backup_files_are_written_0600_in_a_0700_folder(db, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    old_umask = os.umask(0o022)  # the usual umask would make both world-readable
    try:
        call_command("backup", stdout=StringIO())
    finally:
        os.umask(old_umask)
    folder = tmp_path / "backups"
    (backup,) = folder.iterdir()
    assert _mode(folder) == 0o700
    assert _mode(backup) == 0o600


def test_a_backup_over_an_existing_world_readable_file_becomes_0600(db, tmp_path):
    target = tmp_path / "b.zip"
    target.write_bytes(b"old")
    target.chmod(0o644)
    call_command("backup", "--output", str(target), stdout=StringIO())
    assert _mode(target) == 0o600
    assert zipfile.is_zipfile(target)


def test_the_default_backup_folder_is_tightened_if_it_already_exists(db, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    (tmp_path / "backups").mkdir(mode=0o755)
    (tmp_path / "backups").chmod(0o755)
    call_command("backup", stdout=StringIO())
    assert _mode(tmp_path / "backups") == 0o700


def test_after_restoring_an_older_backup_verify_audit_passes_and_the_restore_row_names_the_rolled_back_anchor(
        transactional_db, world, tmp_path):
    record("update", world.organ, after={"x": 1})
    target = tmp_path / "b.zip"
    call_command("backup", "--output", str(target), stdout=StringIO())
    later = record("update", world.organ, after={"x": 2})  # not in the backup
    write_anchor("command")
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(target), stdout=StringIO())
    restore = AuditLog.objects.get(action="restore")
    assert restore.after["superseded_anchor"]["last_id"] == later.pk
    assert read_anchors()[-1].kind == "restore"
    verdict = verify_audit()
    assert verdict.ok, verdict.reason


def test_a_backup_written_before_the_keyed_chain_restores_sealed_and_verifies(
        transactional_db, world, tmp_path):
    """Audit rows in an old backup (the first format: every row in one data.json) have no
    hash_version and unkeyed SHA-256 hashes."""
    import hashlib
    import json

    from mofan.audit.chain import GENESIS

    record("update", world.organ, after={"x": 1})
    target = tmp_path / "b.zip"
    call_command("backup", "--output", str(target), stdout=StringIO())
    with zipfile.ZipFile(target) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        data = [json.loads(line) for label in manifest["counts"]
                for line in zf.read(f"data/{label}.jsonl").decode().splitlines()]
    manifest["format"] = 1
    prev = GENESIS
    for obj in data:
        if obj["model"] == "audit.auditlog":
            fields = obj["fields"]
            del fields["hash_version"]
            row = AuditLog(**{k: v for k, v in fields.items() if k not in ("prev_hash", "hash")})
            row.at = parse_datetime(fields["at"])
            row.prev_hash = prev
            fields["prev_hash"] = prev
            fields["hash"] = prev = hashlib.sha256((prev + row.payload()).encode()).hexdigest()
    old = tmp_path / "old.zip"
    with zipfile.ZipFile(old, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("data.json", json.dumps(data))
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(old), stdout=StringIO())
    seal = AuditLog.objects.get(action="audit_rekey")
    assert seal.after["legacy_chain_intact"] is True
    assert AuditLog.objects.filter(hash_version=1).count() == seal.after["legacy_rows"]
    assert verify_audit().ok


def test_backup_keep_days_removes_only_its_own_old_backups(db, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / "mofan-20250101-023000.zip"
    recent = folder / "mofan-20251101-023000.zip"
    other = folder / "notes-20250101.zip"
    for f in (old, recent, other):
        f.write_bytes(b"x")
    month_ago = __import__("time").time() - 40 * 86400
    os.utime(old, (month_ago, month_ago))
    os.utime(other, (month_ago, month_ago))
    out = StringIO()
    call_command("backup", "--output", str(folder / "mofan-20251127-023000.zip"),
                 "--keep-days", "30", stdout=out)
    assert sorted(p.name for p in folder.iterdir()) == [
        "mofan-20251101-023000.zip", "mofan-20251127-023000.zip", "notes-20250101.zip"]
    assert "删除旧备份 1 个" in out.getvalue()
    row = AuditLog.objects.filter(object_type="core.backup", action="delete").get()
    assert row.before == {"files": ["mofan-20250101-023000.zip"]}


def test_a_backup_streams_tables_in_chunks_and_restores_rows_and_links_identically(
        transactional_db, world, tmp_path, monkeypatch):
    """Tables larger than a chunk, a many-to-many table among them, come back row for row;
    the backup holds one JSON-lines member per table (a county year is millions of rows)."""
    from mofan.core import backup as mechanism
    from mofan.orgs.models import PartyOrg, Person

    monkeypatch.setattr(mechanism, "CHUNK", 3)
    people = Person.objects.bulk_create(
        [Person(name=f"测试{i}", gender="M", org=world.section) for i in range(8)])
    group = PartyOrg.objects.create(org=world.organ, name="党组", kind="leading_group")
    group.members.set(people[:7])
    before = fingerprint()
    target = tmp_path / "b.zip"
    out = StringIO()
    call_command("backup", "--output", str(target), "-v", "2", stdout=out)
    assert "orgs.person" in out.getvalue()  # progress, table by table
    with zipfile.ZipFile(target) as zf:
        assert len(zf.read("data/orgs.person.jsonl").decode().splitlines()) == 12
        assert "data.json" not in zf.namelist()
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(target), stdout=StringIO())
    after = fingerprint()
    after.pop("audit.auditlog"), before.pop("audit.auditlog")
    assert after == before
    assert set(PartyOrg.objects.get(pk=group.pk).members.values_list("pk", flat=True)) == {
        p.pk for p in people[:7]}


def test_a_restore_keeps_the_stored_timestamps_of_auto_now_fields(transactional_db, world,
                                                                 tmp_path):
    """A restore writes the rows as they were: a 提交时间 or 修改时间 set automatically when
    the row was made keeps its old value, not the moment of the restore, to the
    microsecond."""
    from mofan.accounts.models import PasswordHistory

    old = parse_datetime("2020-05-04T03:02:01.123456+00:00")
    row = PasswordHistory.objects.create(user=world.users["admin"], password="x")
    PasswordHistory.objects.filter(pk=row.pk).update(created_at=old)
    target = tmp_path / "b.zip"
    call_command("backup", "--output", str(target), stdout=StringIO())
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(target), stdout=StringIO())
    assert PasswordHistory.objects.get(pk=row.pk).created_at == old


def test_a_backup_writes_each_row_as_django_serialises_it(world):
    """Rows are read as plain values for speed; they must come out exactly as Django's
    python serializer writes them (the format of the first backups and of loaddata)."""
    import json

    from django.core import serializers

    from mofan.core.backup import ExactEncoder, _serialised
    from mofan.orgs.models import PartyOrg

    PartyOrg.objects.create(org=world.organ, name="党组", kind="leading_group").members.set(
        [world.head_person, world.member_person])
    for model in _models():
        ours = [row for chunk in _serialised(model) for row in chunk]
        django_s = serializers.serialize("python", model._default_manager.order_by("pk"))
        assert json.dumps(ours, cls=ExactEncoder) == json.dumps(django_s, cls=ExactEncoder), model


def test_a_county_year_comes_back_row_for_row(transactional_db, tmp_path, settings):
    """Backup → wipe → restore on a small county year (every module, every organ, the
    attendance year's punches and 日统计): every table is identical; the audit log holds its
    rows and the restore's own. The target's content types have other ids (its migrations
    ran in another order): the ledger events still point at their items' models.
    (bench/backup.py does the same on the full county.)"""
    from django.contrib.contenttypes.models import ContentType

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", "--scale", "county", "--organs", "2", "--seed", "3",
                 "--year", "2025", stdout=StringIO())
    before = table_fingerprints()
    assert before["attendance.punch"][0] > 10_000 and before["appeals.appeal"][0] > 0
    target = tmp_path / "county.zip"
    call_command("backup", "--output", str(target), stdout=StringIO())
    names = list(ContentType.objects.order_by("pk").values_list("app_label", "model"))
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.all().delete()
    ContentType.objects.bulk_create([ContentType(app_label=a, model=m) for a, m in reversed(names)])
    call_command("restore", str(target), stdout=StringIO())
    after = table_fingerprints()
    audit = "audit.auditlog"
    assert after.pop(audit)[0] == before.pop(audit)[0] + 1
    assert {k for k in before if after[k] != before[k]} == set()
