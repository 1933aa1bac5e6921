import zipfile
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from mofan.audit.services import record, verify_chain
from mofan.core.backup import _models


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
