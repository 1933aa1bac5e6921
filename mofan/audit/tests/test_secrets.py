"""Secrets never enter an audit row's before/after (issue 7, finding 6)."""

import json
from io import BytesIO

import openpyxl
import pytest

from mofan.accounts.models import User
from mofan.audit.models import AuditLog
from mofan.audit.services import REDACTED, record, redact, snapshot
from mofan.core.scoping import MEMBER, ROLE_CHOICES

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
HASH_MARKS = ("pbkdf2_sha256$", "md5$", "argon2", "bcrypt$")


def _everything_in(rows) -> str:
    return "\n".join(
        json.dumps([r.object_label, r.before, r.after], ensure_ascii=False) for r in rows)


def _assert_no_secret(text, account):
    assert account.password and account.password not in text
    assert TOTP_SECRET not in text
    for mark in HASH_MARKS:
        assert mark not in text


@pytest.fixture
def account_history(world):
    """An account created, edited and given another role, audited the way the account
    views do it (snapshot before, change, snapshot after)."""
    account = User(username="zhangsan", role=MEMBER, org=world.section, first_name="张三")
    account.set_password("Zhang-San-2025!")
    account.totp_secret = TOTP_SECRET
    account.save()
    record("create", account, after=snapshot(account), user=world.users["sysadmin"])
    before = snapshot(account)
    account.first_name = "张三丰"
    account.set_password("Zhang-San-2026!")
    account.save()
    record("update", account, before=before, after=snapshot(account), user=world.users["sysadmin"])
    before = snapshot(account)
    account.role = next(key for key, _ in ROLE_CHOICES if key != MEMBER)
    account.save()
    record("role_change", account, before=before, after=snapshot(account),
           user=world.users["secadmin"])
    return account


def test_account_create_update_and_role_change_leave_no_password_hash_in_audit_rows(account_history):
    rows = AuditLog.objects.filter(object_type="accounts.user")
    assert rows.count() == 3
    _assert_no_secret(_everything_in(rows), account_history)
    update = rows.get(action="update")
    # What changed is still told; only the secret's value is hidden.
    assert update.before["first_name"] == "张三" and update.after["first_name"] == "张三丰"
    assert update.after["password"] == REDACTED


def test_the_audit_export_hands_out_no_password_hash(world, account_history):
    response = world.client("auditor").get("/audit/?export=xlsx")
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    cells = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    assert "张三丰" in cells
    _assert_no_secret(cells, account_history)


def test_a_hash_in_a_row_written_before_the_fix_is_not_exported(world):
    """Old rows keep what they were written with (the chain covers it); the export masks it."""
    hashed = world.users["admin"].password
    record("update", after={"note": "placeholder"})
    row = AuditLog.objects.latest("id")
    from django.db import connection

    with connection.cursor() as cur:  # as if written by the old code
        cur.execute(f"UPDATE {AuditLog._meta.db_table} SET after = %s WHERE id = %s",
                    [json.dumps({"password": hashed}), row.pk])
    response = world.client("auditor").get("/audit/?export=xlsx")
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    cells = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    assert hashed not in cells and REDACTED in cells


def test_record_strips_secret_fields_at_any_depth_and_hash_shaped_values_under_any_name(db):
    row = record("update", before={"session_key": "abc123", "nested": {"api_token": "t0k"}},
                 after={"password": "pbkdf2_sha256$870000$salt$hash", "note": "md5$salt$x",
                        "list": ["argon2$argon2id$v=19$m=1$abc", "普通文字"],
                        "totp_secret": "", "must_change_password": True})
    assert row.before == {"session_key": REDACTED, "nested": {"api_token": REDACTED}}
    assert row.after == {"password": REDACTED, "note": REDACTED, "list": [REDACTED, "普通文字"],
                         "totp_secret": "", "must_change_password": True}


def test_redact_keeps_ordinary_values():
    data = {"name": "王股长", "position": "股长", "password_changed_at": "2025-01-01T00:00:00",
            "count": 3, "items": [1, "a$b"]}
    assert redact(data) == data


def test_the_account_actions_leave_no_secret_in_any_audit_row_or_the_export(world):
    from mofan.accounts import services as accounts

    account = accounts.do_create_account(actor=world.users["sysadmin"], username="lisi",
                                         org=world.section, name="李四")
    account.set_password("Li-Si-2025-Secret!")
    account.totp_secret = TOTP_SECRET
    account.save()
    accounts.do_update_account(account, actor=world.users["sysadmin"], first_name="李四光")
    accounts.do_change_role(account, actor=world.users["secadmin"], role=MEMBER,
                            org=world.section)
    account.refresh_from_db()
    rows = AuditLog.objects.filter(object_type="accounts.user", object_id=str(account.pk))
    assert {"create", "update", "role_change"} <= set(rows.values_list("action", flat=True))
    _assert_no_secret(_everything_in(AuditLog.objects.all()), account)
    response = world.client("auditor").get("/audit/?export=xlsx")
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    _assert_no_secret("\n".join(str(c) for r in sheet.iter_rows(values_only=True) for c in r), account)
