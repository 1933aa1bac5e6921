"""Accounts for many people at once, 三员分立 kept: the system administrator creates them
from the roster (no password, no role), the security administrator binds them to their
people and gives an ordinary role, the organ's administrator issues the one-time
passwords — shown once, or as one .xlsx — and each must be changed at first login."""

import html
import re
from io import BytesIO

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_user
from mofan.accounts.models import User
from mofan.audit.models import AuditLog
from mofan.core import scoping
from mofan.orgs.models import Person

BULK = "/accounts/users/bulk/"
BIND = "/accounts/users/bulk-role/"
HANDOVER = "/accounts/handover/"


def roster(world):
    """Three people of the first organ without an account; one has a 办公平台用户ID."""
    return [Person.objects.create(name="新人甲", gender="M", org=world.section,
                                  app_user_id="xinrenjia"),
            Person.objects.create(name="新人乙", gender="F", org=world.section),
            Person.objects.create(name="新人丙", gender="F", org=world.unit)]


def create(world, people):
    return world.client("sysadmin").post(BULK, {"people": [p.pk for p in people]})


def test_sysadmin_creates_accounts_for_chosen_people_without_password_or_role(world):
    people = roster(world)
    response = create(world, people[:2])
    assert response.status_code == 302
    accounts = {u.first_name: u for u in User.objects.filter(first_name__startswith="新人")}
    assert set(accounts) == {"新人甲", "新人乙"}
    assert accounts["新人甲"].username == "xinrenjia"
    assert accounts["新人乙"].username == f"p{people[1].pk}"
    for account in accounts.values():
        assert account.org == world.section and account.role == "" and account.person is None
        assert not account.has_usable_password() and account.password_pending
        assert account.must_change_password
        assert AuditLog.objects.filter(action="create", object_type="accounts.user",
                                       object_id=str(account.pk)).count() == 1


def test_sysadmin_never_receives_a_password(world):
    people = roster(world)
    sysadmin = world.client("sysadmin")
    page = sysadmin.get(BULK).content.decode()
    assert "新人甲" in page and "王股长" not in page  # who has an account is not offered
    response = sysadmin.post(BULK, {"people": [p.pk for p in people]}, follow=True)
    text = response.content.decode()
    assert "一次性密码：" not in text and 'id="password-slips"' not in text
    for account in User.objects.filter(first_name__startswith="新人"):
        assert not account.has_usable_password()
    # and the handover page, where passwords are made, is not his
    assert sysadmin.get(HANDOVER).status_code == 403
    assert sysadmin.post(HANDOVER, {"accounts": [u.pk for u in User.objects.all()]}
                         ).status_code == 403


def test_only_the_system_administrator_creates_in_bulk(world):
    people = roster(world)
    for who in ("secadmin", "admin", "committee", "auditor"):
        client = world.client(who)
        assert client.get(BULK).status_code == 403, who
        assert client.post(BULK, {"people": [people[0].pk]}).status_code == 403, who
    assert not User.objects.filter(first_name="新人甲").exists()


def test_people_outside_his_org_or_with_an_account_are_skipped(world):
    people = roster(world)
    fg_sys = make_user("fg_sys", scoping.SYSADMIN, world.other)
    client = Client()
    client.force_login(fg_sys)
    assert "新人甲" not in client.get(BULK).content.decode()
    own = Person.objects.create(name="发改新人", gender="M", org=world.other_office)
    client.post(BULK, {"people": [people[0].pk, own.pk, world.outsider_person.pk]})
    assert not User.objects.filter(first_name="新人甲").exists()
    assert User.objects.filter(first_name="发改新人").count() == 1  # his own organ's
    assert User.objects.filter(person=world.outsider_person).count() == 1  # had one already
    assert not User.objects.filter(first_name="外单位").exists()
    create(world, [people[0]])
    create(world, [people[0]])  # twice: still one account
    assert User.objects.filter(first_name="新人甲").count() == 1


def test_security_admin_binds_the_new_accounts_to_their_people_with_one_role(world):
    people = roster(world)
    create(world, people)
    secadmin = world.client("secadmin")
    page = secadmin.get(BIND).content.decode()
    assert "新人甲（办公室）" in page and "新人丙（县图书馆）" in page
    accounts = list(User.objects.filter(first_name__in=["新人甲", "新人丙"]))
    secadmin.post(BIND, {"accounts": [a.pk for a in accounts], "role": scoping.MEMBER})
    for account in accounts:
        account.refresh_from_db()
        assert account.role == scoping.MEMBER and account.person.name == account.first_name
        assert account.org == account.person.org
        assert AuditLog.objects.filter(action="role_change", object_id=str(account.pk)).exists()
    assert User.objects.get(first_name="新人乙").role == ""  # not chosen


def test_bulk_role_gives_no_administrator_role_and_is_the_security_admins_only(world):
    people = roster(world)
    create(world, people)
    account = User.objects.get(first_name="新人甲")
    world.client("secadmin").post(BIND, {"accounts": [account.pk], "role": scoping.ORG_ADMIN})
    account.refresh_from_db()
    assert account.role == ""
    for who in ("sysadmin", "admin", "auditor"):
        assert world.client(who).post(BIND, {"accounts": [account.pk], "role": "member"}
                                      ).status_code == 403, who


def slips(response):
    page = response.content.decode()
    rows = re.findall(r"<tr><td>([^<]+)</td><td>[^<]*</td><td>[^<]*</td>"
                      r'<td class="font-monospace fs-5">([^<]+)</td></tr>', page)
    return {user: html.unescape(pw) for user, pw in rows}


def test_org_admin_issues_the_batch_once_and_each_must_change_it(world):
    people = roster(world)
    create(world, people)
    accounts = list(User.objects.filter(first_name__startswith="新人"))
    world.client("secadmin").post(BIND, {"accounts": [a.pk for a in accounts],
                                         "role": scoping.MEMBER})
    admin = world.client("admin")
    response = admin.post(HANDOVER, {"accounts": [a.pk for a in accounts], "format": "show"})
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    passwords = slips(response)
    assert set(passwords) == {a.username for a in accounts}
    for account in accounts:
        account.refresh_from_db()
        assert account.check_password(passwords[account.username])
        assert account.must_change_password and not account.password_pending
        assert AuditLog.objects.filter(action="password_issued",
                                       object_id=str(account.pk)).count() == 1
    # Shown once: nothing is left waiting, a second post issues nothing.
    again = admin.post(HANDOVER, {"accounts": [a.pk for a in accounts], "format": "show"})
    assert again.status_code == 302 and slips(again) == {}
    client = Client()
    first = accounts[0]
    page = client.post("/accounts/login/", {"username": first.username,
                                            "password": passwords[first.username]}, follow=True)
    assert page.redirect_chain[-1][0] == reverse("accounts:password_change")


def test_the_batch_as_an_xlsx_is_formula_safe_and_audited(world):
    person = Person.objects.create(name="=HYPERLINK(\"x\")", gender="M", org=world.section)
    create(world, [person])
    account = User.objects.get(first_name=person.name)
    account.role = scoping.MEMBER
    account.save()
    response = world.client("admin").post(HANDOVER, {"accounts": [account.pk],
                                                     "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content)).active
    rows = [r for r in ws.iter_rows(values_only=True)]
    header = rows.index(next(r for r in rows if r and r[0] == "用户名"))
    row = rows[header + 1]
    account.refresh_from_db()
    assert account.check_password(row[3])
    name_cell = ws.cell(row=header + 2, column=2)
    assert name_cell.data_type == "s" and name_cell.quotePrefix
    export = AuditLog.objects.filter(action="export", object_type="accounts.user").get()
    assert row[3] not in str(export.after) and account.username in str(export.after)


def test_another_organs_admin_issues_none_of_the_batch(world):
    people = roster(world)
    create(world, people)
    accounts = list(User.objects.filter(first_name__startswith="新人"))
    response = world.client("outsider").post(HANDOVER, {"accounts": [a.pk for a in accounts],
                                                        "format": "show"})
    assert response.status_code == 302 and slips(response) == {}
    assert all(not User.objects.get(pk=a.pk).has_usable_password() for a in accounts)
