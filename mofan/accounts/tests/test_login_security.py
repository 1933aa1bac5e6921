import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from mofan.accounts.services import set_password
from mofan.audit.models import AuditLog

LOGIN = "/accounts/login/"


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_good_login_redirects_home_and_is_audited(world):
    response = attempt(Client(), "admin", PASSWORD)
    assert response.status_code == 302
    row = AuditLog.objects.filter(action="login").first()
    assert row is not None and row.user_name.endswith("（admin）") and row.success


def test_five_failures_lock_the_account_even_for_the_right_password(world):
    client = Client()
    for _ in range(5):
        assert attempt(client, "admin", "wrong-Password1").status_code == 422
    response = attempt(client, "admin", PASSWORD)
    assert response.status_code == 422
    assert "已锁定" in response.content.decode()
    assert AuditLog.objects.filter(action="lockout", success=False).count() == 1
    assert AuditLog.objects.filter(action="login_failed").count() == 6


def test_four_failures_do_not_lock(world):
    client = Client()
    for _ in range(4):
        attempt(client, "admin", "wrong-Password1")
    assert attempt(client, "admin", PASSWORD).status_code == 302


def test_lock_expires_after_fifteen_minutes(world):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            attempt(client, "admin", "wrong-Password1")
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert attempt(client, "admin", PASSWORD).status_code == 422
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert attempt(client, "admin", PASSWORD).status_code == 302


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(world):
    client = Client()
    start = timezone.now()
    for i in range(5):
        with time_machine.travel(start + dt.timedelta(minutes=4 * i), tick=False):
            attempt(client, "admin", "wrong-Password1")
    with time_machine.travel(start + dt.timedelta(minutes=17), tick=False):
        assert attempt(client, "admin", PASSWORD).status_code == 302


def test_unknown_and_known_accounts_get_the_same_answer(world):
    known = attempt(Client(), "admin", "wrong-Password1").content.decode()
    unknown = attempt(Client(), "nobody-here", "wrong-Password1").content.decode()
    assert "用户名或密码错误" in known and "用户名或密码错误" in unknown
    for _ in range(5):
        attempt(Client(), "nobody-here", "wrong-Password1")
    assert "已锁定" in attempt(Client(), "nobody-here", "x").content.decode()


def test_disabled_account_cannot_log_in(world):
    user = world.users["admin"]
    user.is_active = False
    user.save()
    assert attempt(Client(), "admin", PASSWORD).status_code == 422


def test_expired_account_cannot_log_in(world):
    user = world.users["admin"]
    user.expires_on = timezone.localdate() - dt.timedelta(days=1)
    user.save()
    assert attempt(Client(), "admin", PASSWORD).status_code == 422


@pytest.mark.parametrize("password, reason", [
    ("Ab1!x", "太短"),
    ("abcdefgh12", "只有两类字符"),
    ("Password1", "常见密码"),
    ("Admin12!", "与用户名相近"),
])
def test_weak_passwords_are_refused(world, password, reason):
    with pytest.raises(ValidationError):
        validate_password(password, world.users["admin"])


def test_strong_password_is_accepted(world):
    validate_password("Qz7#mWp2rT", world.users["admin"])


def test_last_five_passwords_cannot_be_reused(world):
    user = world.users["admin"]
    used = [f"Hist-Pass-{i}x" for i in range(6)]
    for pw in used:
        set_password(user, pw)
    for pw in used[1:]:
        with pytest.raises(ValidationError, match="最近 5 次"):
            set_password(user, pw)
    set_password(user, used[0])  # the sixth-last may be used again


def test_idle_session_times_out_after_thirty_minutes(world):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt(client, "admin", PASSWORD)
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200  # activity slides the window
    with time_machine.travel(start + dt.timedelta(minutes=58), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=89), tick=False):
        response = client.get("/")
        assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert AuditLog.objects.filter(action="session_timeout").exists()


def test_first_login_forces_password_change(world):
    user = world.users["admin"]
    user.must_change_password = True
    user.save()
    client = world.client("admin")
    response = client.get(reverse("orgs:person_list"))
    assert response.status_code == 302 and response.url == reverse("accounts:password_change")
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "Fresh-Pass-77", "new_password2": "Fresh-Pass-77"})
    assert response.status_code == 302
    assert client.get(reverse("orgs:person_list")).status_code == 200


def test_password_older_than_ninety_days_forces_change(world):
    user = world.users["admin"]
    user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    user.save()
    response = world.client("admin").get("/")
    assert response.status_code == 302 and response.url == reverse("accounts:password_change")


def test_password_change_with_wrong_old_password_changes_nothing(world):
    client = world.client("admin")
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "nope", "new_password1": "Fresh-Pass-77", "new_password2": "Fresh-Pass-77"})
    assert response.status_code == 200 and "原密码不正确" in response.content.decode()
    world.users["admin"].refresh_from_db()
    assert world.users["admin"].check_password(PASSWORD)


def test_a_page_view_writes_the_session_at_most_once_a_minute(world):
    from django.contrib.sessions.models import Session

    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt(client, "admin", PASSWORD)
        client.get("/")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    saved = Session.objects.get(pk=key).expire_date
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        assert not any("django_session" in q["sql"] and q["sql"].startswith("UPDATE")
                       for q in ctx.captured_queries)
    assert Session.objects.get(pk=key).expire_date == saved
    with time_machine.travel(start + dt.timedelta(seconds=90), tick=False):
        assert client.get("/").status_code == 200
    # Marked again: the idle window and the cookie's 12 hours slide from here.
    assert Session.objects.get(pk=key).expire_date > saved
