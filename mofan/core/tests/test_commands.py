import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from mofan.orgs.models import Org, Person

ROOT = Path(__file__).resolve().parents[3]


def test_indicators_command_prints_the_org_indicators_as_json(world):
    out = StringIO()
    call_command("indicators", "--org", "wg", "--year", "2025", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["orgs.staff_count"] == {"label": "干部职工人数", "unit": "人", "value": 3}
    assert data["orgs.party_member_count"]["value"] == 2
    assert data["orgs.branch_count"]["value"] == 1


def test_indicators_command_rejects_an_unknown_org(db):
    with pytest.raises(CommandError, match="找不到"):
        call_command("indicators", "--org", "nope")


def test_people_who_left_before_the_year_are_not_counted(world):
    Person.objects.filter(name="赵馆员").update(left_on="2024-06-30")
    out = StringIO()
    call_command("indicators", "--org", "wg", "--year", "2025", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["orgs.staff_count"]["value"] == 2


def _load_and_fingerprint(seed):
    """Load the demo inside a savepoint, read it back, roll it away."""
    with transaction.atomic():
        call_command("load_demo", "--seed", str(seed), "--year", "2024", stdout=StringIO())
        people = list(Person.objects.order_by("id").values_list("name", "org__code",
                                                                 "political_status"))
        transaction.set_rollback(True)
    return people


def test_load_demo_gives_the_same_year_for_the_same_seed(db):
    first, again, other = _load_and_fingerprint(7), _load_and_fingerprint(7), _load_and_fingerprint(8)
    assert first == again
    assert first != other


def test_demo_bureau_has_the_shape_of_the_reference(db):
    call_command("load_demo", stdout=StringIO())
    bureau = Org.objects.get(code="wgxlj")
    assert 8 <= bureau.children.filter(kind=Org.SECTION).count() <= 10
    assert 4 <= bureau.children.filter(kind=Org.UNIT).count() <= 6
    people = Person.objects.filter(org__organ=bureau)
    assert 70 <= people.count() <= 95
    assert 40 <= people.filter(political_status__in=Person.PARTY_STATUSES).count() <= 60
    campaign = bureau.campaign_set.get()
    assert campaign.group.filter(role="leader").get().person.position.startswith("党组书记")
    assert Org.objects.filter(kind=Org.ORGAN).count() == 2


def test_load_demo_refuses_a_non_empty_database_unless_asked_to_skip(world):
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "MOFAN_ENV": "production",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "mofan.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        "MOFAN_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(MOFAN_ENV="production", ALLOWED_HOSTS="x", DATABASE_URL="sqlite:///x",
               MOFAN_VAR_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_printed_demo_logins_work_and_must_be_changed(db):
    import re

    from mofan.accounts.models import User
    from mofan.orgs.models import Campaign

    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_logins", stdout=out)
    printed = dict(re.findall(r"^\s+(\w+)\s+(\S+)\s+\S", out.getvalue(), re.M)[1:])
    assert set(printed) == {"wgxlj_admin", "wgxlj_bgs", "wgxlj_member", "gongwei", "fgj_admin",
                            "sysadmin", "secadmin", "auditor"}
    for username, password in printed.items():
        user = User.objects.get(username=username)
        assert user.check_password(password) and user.must_change_password

    # make demo opens the pages on the demo's year: it asks for it without issuing passwords.
    year = StringIO()
    call_command("demo_logins", "--print-year", stdout=year)
    assert year.getvalue().strip() == str(Campaign.objects.latest("year").year)
    assert all(User.objects.get(username=u).check_password(p) for u, p in printed.items())


def test_print_year_on_an_empty_database_prints_nothing(db):
    out = StringIO()
    call_command("demo_logins", "--print-year", stdout=out)
    assert out.getvalue().strip() == ""


def test_init_committee_creates_the_first_committee_once_and_audits_it(db):
    from django.core.management.base import CommandError

    from mofan.audit.models import AuditLog
    from mofan.orgs.models import Org

    call_command("init_committee", "xxgw", "某某县直属机关工委", stdout=StringIO())
    org = Org.objects.get()
    assert (org.code, org.kind, org.parent) == ("xxgw", Org.COMMITTEE, None)
    assert AuditLog.objects.filter(action="create", object_type="orgs.org").count() == 1
    with pytest.raises(CommandError, match="只能在空库中建立"):
        call_command("init_committee", "other", "另一个工委", stdout=StringIO())
    assert Org.objects.count() == 1
