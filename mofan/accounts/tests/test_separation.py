"""三员分立 beyond the matrix: the two bypasses of issue 7 and how passwords travel."""

import html
import json

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, make_user
from mofan.accounts.models import User
from mofan.accounts.rules import deliverers_of
from mofan.accounts.services import do_change_role, do_issue_password, set_password
from mofan.audit.models import AuditLog
from mofan.core import scoping
from mofan.orgs.models import Person

LOGIN = "/accounts/login/"


def login(username, password):
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": password}, follow=True)
    return client, response


def slip_password(response):
    page = response.content.decode()
    return html.unescape(page.split('id="one-time-password">')[1].split("<")[0])


def create_as_sysadmin(world, **extra):
    data = {"username": "newbie", "org": world.organ.pk, **extra}
    response = world.client("sysadmin").post(reverse("accounts:user_create"), data)
    assert response.status_code == 302
    return User.objects.get(username="newbie")


def library_person():
    return Person.objects.get(name="赵馆员")


# --- Finding 4: an account created by the system administrator ---------------------------

def test_account_created_by_system_admin_gets_no_role_and_no_person_even_if_posted(world):
    newbie = create_as_sysadmin(world, person=library_person().pk, role=scoping.ORG_ADMIN)
    assert newbie.role == "" and newbie.person_id is None


def test_account_created_by_system_admin_has_no_password_anyone_could_use(world):
    newbie = create_as_sysadmin(world)
    assert not newbie.has_usable_password() and newbie.password_pending


def test_system_admin_is_not_shown_an_initial_password(world):
    client = world.client("sysadmin")
    response = client.post(reverse("accounts:user_create"),
                           {"username": "newbie", "org": world.organ.pk}, follow=True)
    page = response.content.decode()
    assert "one-time-password" not in page and "初始密码由" in page


def test_new_account_cannot_log_in_until_the_security_admin_gives_it_a_role(world):
    newbie = create_as_sysadmin(world)
    password = do_issue_password(newbie, actor=world.users["admin"])
    _, refused = login("newbie", password)
    assert "尚未分配角色" in refused.content.decode()
    do_change_role(newbie, actor=world.users["secadmin"], role=scoping.MEMBER,
                   org=world.unit, person=library_person())
    client, _ = login("newbie", password)
    assert client.get("/").status_code == 302  # logged in, sent to change the password


def test_session_of_an_account_without_a_role_is_turned_away(world):
    client = Client()
    client.force_login(make_user("roleless", "", world.organ))
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)


# --- Finding 3: resetting an administrator's password ------------------------------------

def test_system_admin_cannot_reset_the_auditors_password(world):
    auditor = world.users["auditor"]
    response = world.client("sysadmin").post(
        reverse("accounts:user_reset_password", args=[auditor.pk]))
    assert response.status_code == 403
    auditor.refresh_from_db()
    assert auditor.check_password(PASSWORD) and not auditor.password_pending


def test_system_admin_reset_voids_the_old_password_and_shows_no_new_one(world):
    member = world.users["member"]
    response = world.client("sysadmin").post(
        reverse("accounts:user_reset_password", args=[member.pk]), follow=True)
    page = response.content.decode()
    assert "one-time-password" not in page and "测试县文广新旅局的单位管理员" in page
    member.refresh_from_db()
    assert not member.has_usable_password()
    _, refused = login("member", PASSWORD)
    assert "用户名或密码错误" in refused.content.decode()


def test_reset_ends_the_accounts_live_session(world):
    member_client = world.client("member")
    world.client("sysadmin").post(
        reverse("accounts:user_reset_password", args=[world.users["member"].pk]))
    response = member_client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_disabling_an_account_ends_its_live_session(world):
    member = world.users["member"]
    member_client = world.client("member")
    world.client("sysadmin").post(reverse("accounts:user_edit", args=[member.pk]),
                                  {"username": "member", "first_name": ""})
    response = member_client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert AuditLog.objects.filter(action="account_disable", object_id=str(member.pk)).exists()


def test_org_admin_issues_the_reset_password_and_the_member_must_change_it(world):
    member = world.users["member"]
    world.client("sysadmin").post(reverse("accounts:user_reset_password", args=[member.pk]))
    response = world.client("admin").post(reverse("accounts:handover"), {"account": member.pk})
    password = slip_password(response)
    client, page = login("member", password)
    assert page.redirect_chain[-1][0] == reverse("accounts:password_change")
    assert "由系统管理员sysadmin（sysadmin）重置，新密码由单位管理员admin（admin）发放" in (
        page.content.decode())


def test_security_admin_resets_the_auditor_and_hands_over_the_password_himself(world):
    auditor = world.users["auditor"]
    response = world.client("secadmin").post(
        reverse("accounts:user_reset_password", args=[auditor.pk]))
    password = slip_password(response)
    auditor.refresh_from_db()
    assert auditor.check_password(password) and auditor.must_change_password


def test_auditor_reset_is_audited_and_shown_at_the_auditors_next_login(world):
    auditor = world.users["auditor"]
    response = world.client("secadmin").post(
        reverse("accounts:user_reset_password", args=[auditor.pk]))
    password = slip_password(response)
    actions = set(AuditLog.objects.filter(object_type="accounts.user", object_id=str(auditor.pk))
                  .values_list("action", flat=True))
    assert {"password_reset_requested", "password_issued"} <= actions
    _, page = login("auditor", password)
    text = page.content.decode()
    assert "您的密码于" in text and "由安全管理员" in text and "（secadmin）重置" in text


def test_reset_notice_is_shown_only_at_the_first_login_after_it(world):
    auditor = world.users["auditor"]
    password = slip_password(world.client("secadmin").post(
        reverse("accounts:user_reset_password", args=[auditor.pk])))
    login("auditor", password)
    auditor.refresh_from_db()
    set_password(auditor, "Own-Choice-88!", by=auditor)
    _, page = login("auditor", "Own-Choice-88!")
    assert "您的密码于" not in page.content.decode()


def test_old_password_cannot_be_chosen_again_after_a_reset(world):
    from django.core.exceptions import ValidationError

    member = world.users["member"]
    world.client("sysadmin").post(reverse("accounts:user_reset_password", args=[member.pk]))
    member.refresh_from_db()
    do_issue_password(member, actor=world.users["admin"])
    member.refresh_from_db()
    with pytest.raises(ValidationError, match="最近 5 次"):
        set_password(member, PASSWORD, by=member)


# --- Who hands a password over -------------------------------------------------------------

def waiting_account(username, role, org):
    user = make_user(username, role, org)
    User.objects.filter(pk=user.pk).update(reset_requested_at="2025-10-20T10:00:00+08:00")
    return User.objects.get(pk=user.pk)


def test_handover_page_lists_only_the_accounts_this_user_hands_over(world):
    waiting_account("mine_waiting", scoping.MEMBER, world.section)
    waiting_account("other_waiting", scoping.MEMBER, world.other_office)
    waiting_account("admin_waiting", scoping.ORG_ADMIN, world.organ)
    page = world.client("admin").get(reverse("accounts:handover")).content.decode()
    assert "mine_waiting" in page
    assert "other_waiting" not in page and "admin_waiting" not in page


def test_org_admin_cannot_issue_the_password_of_an_administrator_account(world):
    target = waiting_account("admin_waiting", scoping.ORG_ADMIN, world.organ)
    response = world.client("admin").post(reverse("accounts:handover"), {"account": target.pk})
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.password_pending and target.check_password(PASSWORD)


def test_committee_issues_when_the_organ_has_no_org_admin(world):
    world.users["outsider"].is_active = False
    world.users["outsider"].save()
    target = waiting_account("fg_waiting", scoping.MEMBER, world.other_office)
    response = world.client("committee").post(reverse("accounts:handover"),
                                              {"account": target.pk})
    target.refresh_from_db()
    assert response.status_code == 200 and target.check_password(slip_password(response))


def test_committee_does_not_issue_while_the_organ_has_its_own_org_admin(world):
    target = waiting_account("fg_waiting", scoping.MEMBER, world.other_office)
    response = world.client("committee").post(reverse("accounts:handover"),
                                              {"account": target.pk})
    assert response.status_code == 404


def test_an_account_without_a_waiting_password_cannot_be_issued_one(world):
    member = world.users["member"]
    response = world.client("admin").post(reverse("accounts:handover"), {"account": member.pk})
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_a_garbage_account_id_on_the_handover_page_is_a_404(world):
    response = world.client("admin").post(reverse("accounts:handover"), {"account": "x' or 1"})
    assert response.status_code == 404


def test_one_time_password_page_is_never_cached(world):
    response = world.client("secadmin").post(
        reverse("accounts:user_reset_password", args=[world.users["auditor"].pk]))
    assert "no-store" in response["Cache-Control"]


# --- Roles and people: the security administrator's -------------------------------------

def test_raising_an_account_on_a_handed_over_password_to_auditor_voids_that_password(world):
    """The path around the split: the system administrator creates an account, gets its
    password from a friendly 单位管理员, and waits for it to become an administrator."""
    newbie = create_as_sysadmin(world)
    known = do_issue_password(newbie, actor=world.users["admin"])
    do_change_role(newbie, actor=world.users["secadmin"], role=scoping.AUDITOR,
                   org=world.committee)
    newbie.refresh_from_db()
    assert not newbie.check_password(known) and newbie.password_pending
    assert [u.username for u in deliverers_of(newbie)] == ["secadmin"]


def test_promoting_a_member_who_chose_their_own_password_keeps_it(world):
    member = world.users["member"]
    do_change_role(member, actor=world.users["secadmin"], role=scoping.ORG_ADMIN,
                   org=world.organ, person=world.member_person)
    member.refresh_from_db()
    assert member.check_password(PASSWORD) and not member.password_pending


def test_security_admin_cannot_bind_a_person_outside_the_chosen_scope(world):
    member = world.users["member"]
    response = world.client("secadmin").post(
        reverse("accounts:user_role", args=[member.pk]),
        {"role": scoping.MEMBER, "org": world.section.pk, "person": library_person().pk})
    assert response.status_code == 422 and "管理范围内" in response.content.decode()
    member.refresh_from_db()
    assert member.person_id == world.member_person.pk and member.org_id == world.other_section.pk


def test_a_person_with_an_account_cannot_be_bound_to_a_second_one(world):
    target = make_user("second", scoping.MEMBER, world.section)
    response = world.client("secadmin").post(
        reverse("accounts:user_role", args=[target.pk]),
        {"role": scoping.MEMBER, "org": world.section.pk, "person": world.head_person.pk})
    assert response.status_code == 422
    target.refresh_from_db()
    assert target.person_id is None


def test_role_change_is_audited_with_before_and_after(world):
    member = world.users["member"]
    world.client("secadmin").post(reverse("accounts:user_role", args=[member.pk]),
                                  {"role": scoping.HEAD, "org": world.other_section.pk,
                                   "person": world.member_person.pk})
    row = AuditLog.objects.get(action="role_change")
    assert row.before["role"] == scoping.MEMBER and row.after["role"] == scoping.HEAD


# --- What the list shows is what the rules allow -----------------------------------------

def test_system_admin_sees_no_reset_button_for_administrator_accounts(world):
    page = world.client("sysadmin").get(reverse("accounts:user_list")).content.decode()
    assert reverse("accounts:user_reset_password", args=[world.users["member"].pk]) in page
    for username in ("auditor", "secadmin", "admin", "committee"):
        assert reverse("accounts:user_reset_password",
                       args=[world.users[username].pk]) not in page, username


def test_security_admin_sees_no_edit_button_for_ordinary_accounts(world):
    page = world.client("secadmin").get(reverse("accounts:user_list")).content.decode()
    assert reverse("accounts:user_edit", args=[world.users["auditor"].pk]) in page
    assert reverse("accounts:user_edit", args=[world.users["member"].pk]) not in page


# --- Audit rows of account work hold no secret ---------------------------------------------

def test_account_audit_rows_hold_no_password_hash_totp_secret_or_session_key(world):
    member = world.users["member"]
    User.objects.filter(pk=member.pk).update(totp_secret="JBSWY3DPEHPK3PXPSECRET")
    sysadmin, secadmin = world.client("sysadmin"), world.client("secadmin")
    sysadmin.post(reverse("accounts:user_create"), {"username": "newbie", "org": world.organ.pk})
    sysadmin.post(reverse("accounts:user_edit", args=[member.pk]),
                  {"username": "member", "first_name": "李", "is_active": "on"})
    sysadmin.post(reverse("accounts:user_reset_password", args=[member.pk]))
    world.client("admin").post(reverse("accounts:handover"), {"account": member.pk})
    secadmin.post(reverse("accounts:user_role", args=[member.pk]),
                  {"role": scoping.HEAD, "org": world.other_section.pk, "person": ""})
    secadmin.post(reverse("accounts:user_reset_password", args=[world.users["auditor"].pk]))
    hashes = list(User.objects.values_list("password", flat=True))
    sessions = list(Session.objects.values_list("session_key", flat=True))
    assert sessions
    rows = AuditLog.objects.filter(object_type="accounts.user")
    assert rows.count() >= 6
    for row in rows:
        text = json.dumps([row.before, row.after], ensure_ascii=False)
        assert '"password"' not in text and "md5$" not in text and "pbkdf2" not in text
        assert "JBSWY3DPEHPK3PXPSECRET" not in text and "totp" not in text
        assert not any(h and h in text for h in hashes)
        assert not any(k in text for k in sessions)


def test_rule_is_asked_of_the_account_as_stored_not_as_a_stale_form_saw_it(world):
    from django.core.exceptions import PermissionDenied

    from mofan.accounts.services import do_update_account

    stale = make_user("t_none", "", world.organ)
    User.objects.filter(pk=stale.pk).update(role=scoping.AUDITOR, org=world.committee)
    with pytest.raises(PermissionDenied):
        do_update_account(stale, actor=world.users["sysadmin"], is_active=False)
    assert User.objects.get(pk=stale.pk).is_active
