"""The chain is keyed and anchored outside the table (issue 7, finding 7)."""

import datetime as dt
import os
from io import StringIO

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from mofan.audit import chain
from mofan.audit.anchors import anchor_path, read_anchors, write_anchor
from mofan.audit.models import AuditLog
from mofan.audit.services import record, verify_audit, verify_chain

TABLE = AuditLog._meta.db_table


def _rows(n=5):
    return [record("update", label=f"第{i}条", after={"i": i}) for i in range(n)]


def _raw_delete(*ids):
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE} WHERE id IN ({', '.join(['%s'] * len(ids))})", ids)


def _rewrite_from(row_id, *, key=b"a guessed key", version=chain.KEYED, until=None, **changes):
    """What an attacker with write access to the table but without the key can do: change
    a row and recompute every hash from it on (to ``until``)."""
    prev = None
    for row in AuditLog.objects.order_by("id"):
        if until is not None and row.pk > until:
            break
        if row.pk < row_id:
            prev = row.hash
            continue
        for name, value in changes.items() if row.pk == row_id else ():
            setattr(row, name, value)
        row.prev_hash = prev or row.prev_hash
        row.hash_version = version
        row.hash = chain.row_hash(row, key)
        with connection.cursor() as cur:
            cur.execute(f"UPDATE {TABLE} SET user_name = %s, prev_hash = %s, hash = %s, "
                        f"hash_version = %s WHERE id = %s",
                        [row.user_name, row.prev_hash, row.hash, row.hash_version, row.pk])
        prev = row.hash


def test_rows_are_hashed_with_an_hmac_of_the_key_outside_the_database(db, settings):
    row = _rows(1)[0]
    assert row.hash_version == chain.KEYED
    settings.MOFAN_AUDIT_KEY = "another key"
    assert verify_chain()[0] is False


def test_the_generated_audit_key_file_is_private_to_the_service_account():
    if os.environ.get("MOFAN_AUDIT_KEY"):
        pytest.skip("the key comes from the environment here")
    path = django_settings.VAR_DIR / "audit_key"
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert path.read_text().strip() == django_settings.MOFAN_AUDIT_KEY


def test_verify_audit_reports_a_cut_tail(db):
    rows = _rows(5)
    write_anchor("command")
    _raw_delete(rows[3].pk, rows[4].pk)
    assert verify_chain()[0]  # the shortened chain is still a valid chain ...
    verdict = verify_audit()  # ... but the anchor outside the table knows better
    assert not verdict.ok
    assert f"末尾被截断：锚点记录到第 {rows[4].pk} 行，表中只到第 {rows[2].pk} 行" in verdict.reason
    with pytest.raises(CommandError, match="末尾被截断"):
        call_command("verify_audit")


def test_verify_audit_reports_a_cut_tail_even_after_new_rows_and_a_newer_anchor(db):
    rows = _rows(4)
    write_anchor("command")
    _raw_delete(rows[3].pk)
    record("update", label="截断之后的新记录")
    write_anchor("page")
    verdict = verify_audit()
    assert not verdict.ok and verdict.row_id == rows[3].pk
    assert f"第 {rows[3].pk} 行已被删除" in verdict.reason


def test_verify_audit_reports_a_row_rewritten_with_every_later_hash_recomputed_without_the_key(db):
    rows = _rows(5)
    write_anchor("command")
    _rewrite_from(rows[2].pk, user_name="篡改者")
    verdict = verify_audit()
    assert not verdict.ok and verdict.row_id == rows[2].pk
    assert f"第 {rows[2].pk} 行内容与哈希不符" in verdict.reason
    with pytest.raises(CommandError, match=f"#{rows[2].pk}"):
        call_command("verify_audit")


def test_verify_audit_reports_rows_downgraded_to_the_unkeyed_hash(db):
    rows = _rows(5)
    _rewrite_from(rows[2].pk, version=chain.LEGACY, user_name="篡改者")
    ok, bad_id, reason, _ = verify_chain()
    assert not ok and bad_id == rows[2].pk and "旧版哈希" in reason


def test_verify_audit_reports_a_whole_table_rewritten_with_the_unkeyed_hash(db):
    rows = _rows(3)
    _rewrite_from(rows[0].pk, version=chain.LEGACY, user_name="篡改者")
    ok, bad_id, reason, _ = verify_chain()
    assert not ok and bad_id == rows[0].pk and "没有加密钥的封存行" in reason


def test_unkeyed_rows_from_before_the_key_are_sealed_and_still_verify(db):
    rows = _rows(3)
    _rewrite_from(rows[0].pk, version=chain.LEGACY)  # as they were written before the key
    assert not verify_chain()[0]
    seal = chain.seal_legacy_rows(AuditLog)
    assert seal.action == "audit_rekey" and seal.after["legacy_rows"] == 3
    assert seal.after["legacy_chain_intact"] is True
    record("update", label="启用密钥之后")
    assert verify_chain()[:3] == (True, None, "")
    assert chain.seal_legacy_rows(AuditLog) is None  # sealing happens once


def test_an_unkeyed_row_rewritten_after_sealing_is_caught_at_the_seal(db):
    rows = _rows(3)
    _rewrite_from(rows[0].pk, version=chain.LEGACY)
    seal = chain.seal_legacy_rows(AuditLog)
    # The attacker recomputes the unkeyed hashes, but cannot recompute the seal's HMAC.
    _rewrite_from(rows[1].pk, version=chain.LEGACY, until=rows[2].pk, user_name="篡改者")
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {TABLE} SET prev_hash = %s WHERE id = %s",
                    [AuditLog.objects.get(pk=rows[2].pk).hash, seal.pk])
    ok, bad_id, _, _ = verify_chain()
    assert not ok and bad_id == seal.pk


def test_verify_audit_passes_after_a_legitimate_purge_of_anchored_rows(world):
    with time_machine.travel(timezone.now() - dt.timedelta(days=400), tick=False):
        _rows(3)
        write_anchor("command")  # a year-old anchor on a row the purge removes
    record("update", label="新记录")
    write_anchor("command")
    day = timezone.localdate() - dt.timedelta(days=200)
    assert world.client("auditor").post("/audit/purge/", {"before": day.isoformat()}).status_code == 302
    assert AuditLog.objects.filter(action="audit_purge").exists()
    assert read_anchors()[-1].kind == "purge"
    verdict = verify_audit()
    assert verdict.ok, verdict.reason
    call_command("verify_audit", stdout=StringIO())


def test_anchor_lines_carry_an_hmac_so_an_altered_line_is_found(db):
    rows = _rows(3)
    write_anchor("command")
    _raw_delete(rows[2].pk)
    # Make the anchor agree with the cut table: the line's HMAC no longer matches.
    path = anchor_path()
    at, kind, _, _, mac = path.read_text().rstrip("\n").split("\t")
    path.write_text("\t".join([at, kind, str(rows[1].pk), rows[1].hash, mac]) + "\n")
    verdict = verify_audit()
    assert not verdict.ok and "锚点文件第 1 行校验码不符" in verdict.reason


def test_an_anchor_line_removed_from_the_middle_is_found(db):
    _rows(1)
    write_anchor("command")
    _rows(1)
    write_anchor("command")
    _rows(1)
    write_anchor("command")
    path = anchor_path()
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0] + lines[2])
    verdict = verify_audit()
    assert not verdict.ok and "锚点文件第 2 行校验码不符" in verdict.reason


def test_the_anchors_file_is_created_private(db):
    write_anchor("command")
    assert os.stat(anchor_path()).st_mode & 0o777 == 0o600


def test_audit_anchor_command_appends_and_prints_the_head_and_verifies(db):
    rows = _rows(2)
    out = StringIO()
    call_command("audit_anchor", stdout=out)
    anchor = read_anchors()[-1]
    assert (anchor.kind, anchor.last_id, anchor.hash) == ("command", rows[1].pk, rows[1].hash)
    assert anchor.line in out.getvalue() and "校验通过" in out.getvalue()


def test_audit_anchor_command_fails_when_the_table_was_cut(db):
    rows = _rows(3)
    call_command("audit_anchor", stdout=StringIO())
    _raw_delete(rows[2].pk)
    with pytest.raises(CommandError, match="末尾被截断"):
        call_command("audit_anchor", stdout=StringIO())


def test_opening_the_audit_page_anchors_the_head_and_shows_the_latest_anchors(world):
    rows = _rows(2)
    response = world.client("auditor").get("/audit/")
    anchor = read_anchors()[-1]
    assert anchor.kind == "page" and anchor.last_id == rows[1].pk
    assert anchor.hash in response.content.decode() and anchor.mac in response.content.decode()
    assert "审计表与锚点一致" in response.content.decode()


def test_opening_the_audit_page_twice_without_new_rows_adds_one_anchor(world):
    _rows(1)
    client = world.client("auditor")
    client.get("/audit/?page=1")
    client.get("/audit/?page=1")
    assert len(read_anchors()) == 1


def test_the_audit_page_warns_the_auditor_when_the_tail_was_cut(world):
    rows = _rows(3)
    write_anchor("command")
    _raw_delete(rows[2].pk)
    response = world.client("auditor").get("/audit/")
    assert "审计表与锚点不符" in response.content.decode()
    assert "末尾被截断" in response.content.decode()


def test_verify_audit_warns_when_there_is_no_anchor_yet(db):
    _rows(1)
    err = StringIO()
    call_command("verify_audit", stdout=StringIO(), stderr=err)
    assert "尚无锚点" in err.getvalue()
