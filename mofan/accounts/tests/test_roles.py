"""三员分立 and each role's reach."""

from django.urls import reverse

from mofan.accounts.models import User
from mofan.orgs.models import Person


def names(world, username):
    return set(Person.objects.visible_to(world.users[username]).values_list("name", flat=True))


def test_org_admin_sees_all_people_of_the_organ_and_none_of_the_other(world):
    assert names(world, "admin") == {"王股长", "李干部", "赵馆员"}


def test_committee_sees_every_organ(world):
    assert names(world, "committee") == {"王股长", "李干部", "赵馆员", "外单位"}


def test_head_sees_own_section_only(world):
    assert names(world, "head") == {"王股长"}


def test_member_sees_only_self(world):
    assert names(world, "member") == {"李干部"}


def test_administrators_of_the_three_see_no_domain_rows(world):
    for username in ("sysadmin", "secadmin", "auditor"):
        assert names(world, username) == set()


def test_head_cannot_edit_a_person_of_another_section(world):
    client = world.client("head")
    other = Person.objects.get(name="李干部")
    assert client.get(reverse("orgs:person_edit", args=[other.pk])).status_code == 404


def test_org_admin_sees_but_cannot_edit_the_committee_itself(world):
    client = world.client("admin")
    assert client.get(reverse("orgs:org_detail", args=[world.organ.pk])).status_code == 200
    assert client.get(reverse("orgs:org_edit", args=[world.committee.pk])).status_code == 404


def test_only_the_auditor_reads_the_audit_log(world):
    assert world.client("auditor").get(reverse("audit:log")).status_code == 200
    for username in ("sysadmin", "secadmin", "committee", "admin"):
        assert world.client(username).get(reverse("audit:log")).status_code == 403


def test_system_admin_cannot_change_roles(world):
    target = world.users["member"]
    response = world.client("sysadmin").post(reverse("accounts:user_role", args=[target.pk]),
                                             {"role": "org_admin", "org": world.organ.pk})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == "member"


def test_security_admin_changes_a_role_and_it_is_audited(world):
    target = world.users["member"]
    response = world.client("secadmin").post(reverse("accounts:user_role", args=[target.pk]),
                                             {"role": "head", "org": world.other_section.pk})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == "head"
    from mofan.audit.models import AuditLog

    row = AuditLog.objects.get(action="role_change")
    assert row.before["role"] == "member" and row.after["role"] == "head"


def test_security_admin_cannot_change_own_role(world):
    me = world.users["secadmin"]
    response = world.client("secadmin").post(reverse("accounts:user_role", args=[me.pk]),
                                             {"role": "auditor", "org": world.committee.pk})
    assert response.status_code == 403
    me.refresh_from_db()
    assert me.role == "secadmin"


def test_security_admin_cannot_create_accounts(world):
    response = world.client("secadmin").post(reverse("accounts:user_create"), {"username": "x1"})
    assert response.status_code == 403
    assert not User.objects.filter(username="x1").exists()


def test_dormant_accounts_are_flagged(world):
    from datetime import timedelta

    from django.utils import timezone

    user = world.users["member"]
    user.last_login = timezone.now() - timedelta(days=91)
    user.save()
    page = world.client("sysadmin").get(reverse("accounts:user_list")).content.decode()
    assert "90 天未使用" in page
