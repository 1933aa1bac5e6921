"""The server operator's way in: the first administrators, or one locked out."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mofan.accounts.models import User
from mofan.audit.models import AuditLog


def run(*args):
    out = StringIO()
    call_command("issue_password", *args, stdout=out)
    return out.getvalue().splitlines()[-1].strip()


def test_console_creates_a_first_administrator_with_a_password_printed_once(world):
    password = run("sec1", "--role", "secadmin", "--org", world.committee.code)
    account = User.objects.get(username="sec1")
    assert account.role == "secadmin" and account.check_password(password)
    assert account.must_change_password


def test_console_reset_is_audited_as_the_console(world):
    run("auditor")
    row = AuditLog.objects.get(action="password_issued")
    assert row.user_name == "服务器控制台" and row.object_id == str(world.users["auditor"].pk)


def test_console_refuses_to_create_an_account_without_role_and_org(world):
    with pytest.raises(CommandError, match="须给出角色和所属单位"):
        run("nobody")
    assert not User.objects.filter(username="nobody").exists()


def test_console_refuses_an_unknown_org_code(world):
    with pytest.raises(CommandError, match="没有代码为"):
        run("x2", "--role", "sysadmin", "--org", "no-such")
    assert not User.objects.filter(username="x2").exists()
