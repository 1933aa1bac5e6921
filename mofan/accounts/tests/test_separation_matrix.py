"""三员分立: every administrator × every account action × every kind of target account.

The expected outcome of each cell is written out here, not derived from ``rules.py``, so
a change of rule shows up as a failing cell. A refused request answers 403 and changes
no account; an allowed one has exactly its effect. The system administrator never
receives a password in any response.
"""

import pytest
from django.urls import reverse

from conftest import make_user
from mofan.accounts.models import PasswordHistory, User
from mofan.core import scoping
from mofan.orgs.models import Person

SENTINEL = "Sentinel-Pw-7!x"  # what every generated password is, in these tests

ACTORS = ["sysadmin", "secadmin", "auditor", "committee", "admin", "head", "member"]
ORDINARY = {"member", "head", "none"}  # "none": an account not yet given a role
ADMINISTRATORS = {"org_admin", "committee", "sysadmin", "secadmin", "auditor"}
TARGETS = sorted(ORDINARY | ADMINISTRATORS) + ["self"]
ACTIONS = ["edit", "disable", "reset", "role", "person"]

ALLOWED = {
    ("sysadmin", "edit"): ORDINARY,
    ("sysadmin", "disable"): ORDINARY,
    ("sysadmin", "reset"): ORDINARY,
    ("secadmin", "edit"): ADMINISTRATORS,
    ("secadmin", "disable"): ADMINISTRATORS,
    ("secadmin", "reset"): ADMINISTRATORS,
    ("secadmin", "role"): ORDINARY | ADMINISTRATORS,
    ("secadmin", "person"): ORDINARY | ADMINISTRATORS,
}


@pytest.fixture
def targets(world):
    """One account of each kind, all inside every administrator's scope."""
    return {
        "member": make_user("t_member", scoping.MEMBER, world.other_section),
        "head": make_user("t_head", scoping.HEAD, world.section),
        "none": make_user("t_none", "", world.organ),
        "org_admin": make_user("t_org_admin", scoping.ORG_ADMIN, world.organ),
        "committee": make_user("t_committee", scoping.COMMITTEE, world.committee),
        "sysadmin": make_user("t_sysadmin", scoping.SYSADMIN, world.committee),
        "secadmin": make_user("t_secadmin", scoping.SECADMIN, world.committee),
        "auditor": make_user("t_auditor", scoping.AUDITOR, world.committee),
    }


@pytest.fixture
def sentinel_passwords(monkeypatch):
    monkeypatch.setattr("mofan.accounts.services.generate_password", lambda: SENTINEL)


def accounts_fingerprint():
    return list(User.objects.order_by("pk").values()), PasswordHistory.objects.count()


def free_person(world):
    return Person.objects.get(name="赵馆员")  # in the library (world.unit), no account


def do(action, client, world, target):
    if action in ("edit", "disable"):
        data = {"username": target.username, "first_name": "新名字", "expires_on": ""}
        if action == "edit":
            data["is_active"] = "on"
        return client.post(reverse("accounts:user_edit", args=[target.pk]), data)
    if action == "reset":
        return client.post(reverse("accounts:user_reset_password", args=[target.pk]))
    if action == "role":
        role = scoping.HEAD if target.role != scoping.HEAD else scoping.MEMBER
        return client.post(reverse("accounts:user_role", args=[target.pk]),
                           {"role": role, "org": world.section.pk, "person": ""})
    if action == "person":
        return client.post(reverse("accounts:user_role", args=[target.pk]),
                           {"role": scoping.MEMBER, "org": world.unit.pk,
                            "person": free_person(world).pk})
    raise AssertionError(action)


def has_effect(action, before, after, world):
    if action == "edit":
        return after.first_name == "新名字" and after.is_active
    if action == "disable":
        return not after.is_active
    if action == "reset":
        return after.password != before.password and after.must_change_password
    if action == "role":
        return after.role != before.role and after.org_id == world.section.pk
    if action == "person":
        return after.person_id == free_person(world).pk and after.role == scoping.MEMBER
    raise AssertionError(action)


@pytest.mark.parametrize("target_kind", TARGETS)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("actor", ACTORS)
def test_administrator_matrix_allows_only_the_three_administrators_split(
        world, targets, sentinel_passwords, actor, action, target_kind):
    client = world.client(actor)
    target = world.users[actor] if target_kind == "self" else targets[target_kind]
    before = User.objects.get(pk=target.pk)
    fingerprint = accounts_fingerprint()

    response = do(action, client, world, target)

    allowed = target_kind in ALLOWED.get((actor, action), set())
    after = User.objects.get(pk=target.pk)
    if allowed:
        assert response.status_code in (200, 302), response.content.decode()[:500]
        assert has_effect(action, before, after, world)
    else:
        assert response.status_code == 403
        assert accounts_fingerprint() == fingerprint, "被拒绝的操作改动了账号"
    if actor == "sysadmin":
        assert SENTINEL not in response.content.decode()


@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_system_administrator_creates_accounts(world, actor):
    client = world.client(actor)
    fingerprint = accounts_fingerprint()
    response = client.post(reverse("accounts:user_create"),
                                        {"username": "newbie", "org": world.organ.pk})
    if actor == "sysadmin":
        assert response.status_code == 302
        assert User.objects.filter(username="newbie").exists()
    else:
        assert response.status_code == 403
        assert accounts_fingerprint() == fingerprint


@pytest.mark.parametrize("actor", ["sysadmin", "secadmin", "auditor", "committee", "admin",
                                   "head", "member", "outsider"])
def test_only_the_accounts_own_deliverer_issues_its_waiting_password(
        world, sentinel_passwords, actor):
    waiting = make_user("t_waiting", scoping.MEMBER, world.other_section)
    User.objects.filter(pk=waiting.pk).update(reset_requested_at="2025-10-20T10:00:00+08:00")
    client = world.client(actor)
    fingerprint = accounts_fingerprint()
    response = client.post(reverse("accounts:handover"), {"account": waiting.pk})
    if actor == "admin":  # the 单位管理员 of the account's own organ
        assert response.status_code == 200 and SENTINEL in response.content.decode()
        waiting.refresh_from_db()
        assert waiting.check_password(SENTINEL) and waiting.reset_requested_at is None
    else:
        # Roles that never issue are refused outright; deliverers of other accounts see
        # no such waiting account.
        assert response.status_code == (404 if actor in ("secadmin", "committee", "outsider")
                                        else 403)
        assert accounts_fingerprint() == fingerprint
