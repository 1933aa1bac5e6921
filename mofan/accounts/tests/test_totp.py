"""等保 level 3 option: TOTP second factor for administrator roles, behind a setting."""

import pyotp
import pytest
from django.test import Client

from conftest import PASSWORD
from mofan.audit.models import AuditLog


@pytest.fixture
def totp_on(settings):
    settings.MOFAN_ADMIN_TOTP = True


def start(username):
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return client, response


def test_administrator_needs_the_code_before_the_session_logs_in(world, totp_on):
    client, response = start("sysadmin")
    assert response.url == "/accounts/otp/"
    assert client.get("/accounts/users/").status_code == 302  # not logged in yet
    page = client.get("/accounts/otp/").content.decode()
    assert "data:image/svg+xml" in page  # enrolment QR, generated offline
    world.users["sysadmin"].refresh_from_db()
    code = pyotp.TOTP(world.users["sysadmin"].totp_secret).now()
    response = client.post("/accounts/otp/", {"code": code})
    assert response.status_code == 302
    assert client.get("/accounts/users/").status_code == 200
    assert AuditLog.objects.filter(action="totp_enrolled").count() == 1


def test_wrong_code_is_refused_and_counts_towards_the_lock(world, totp_on):
    client, _ = start("auditor")
    for _ in range(5):
        response = client.post("/accounts/otp/", {"code": "000000"})
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert client.get("/audit/").status_code == 302
    assert AuditLog.objects.filter(action="lockout").exists()


def test_otp_page_without_a_password_step_sends_back_to_login(world, totp_on):
    response = Client().get("/accounts/otp/")
    assert response.status_code == 302 and response.url == "/accounts/login/"


def test_ordinary_roles_and_the_default_setting_need_no_code(world, settings):
    _, response = start("head")
    settings.MOFAN_ADMIN_TOTP = True
    _, head_again = start("head")
    settings.MOFAN_ADMIN_TOTP = False
    _, admin = start("sysadmin")
    assert response.url == "/" and head_again.url == "/" and admin.url == "/"
