"""A small world with two organs, so every test can also ask "and the other organ?"."""

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from mofan.accounts.models import User
from mofan.core import scoping
from mofan.orgs.models import Campaign, Org, PartyOrg, Person, Responsibility

PASSWORD = "Mofan-Test-2025!"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@dataclass
class World:
    committee: Org
    organ: Org
    section: Org
    other_section: Org
    unit: Org
    other: Org
    other_office: Org
    branch: PartyOrg
    head_person: Person
    member_person: Person
    outsider_person: Person
    campaign: Campaign
    users: dict

    def client(self, username) -> Client:
        c = Client()
        c.force_login(self.users[username])
        return c


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 at production strength costs ~0.3 s per hash; tests only need a correct one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def audit_anchor_file(settings, tmp_path_factory):
    """The audit page and commands append the chain's head to an anchors file: one per
    test, never the installation's var/audit_anchors.log."""
    settings.MOFAN_AUDIT_ANCHOR_FILE = tmp_path_factory.getbasetemp() / f"anchors-{uuid.uuid4().hex}.log"


@pytest.fixture
def ledger_today():
    """Deadlines run through the work calendar, which knows only the years it was told;
    pin "today" to a known autumn so ledger tests never depend on the day they run."""
    with time_machine.travel(dt.datetime(2025, 10, 20, 10, tzinfo=SHANGHAI), tick=False):
        yield


def make_user(username, role, org, person=None):
    user = User(username=username, role=role, org=org, person=person,
                must_change_password=False, password_changed_at=timezone.now())
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def world(db):
    committee = Org.objects.create(name="测试县直属机关工委", code="gw", kind=Org.COMMITTEE)
    organ = Org.objects.create(name="测试县文广新旅局", code="wg", kind=Org.ORGAN, parent=committee)
    section = Org.objects.create(name="办公室", code="wg-bgs", kind=Org.SECTION, parent=organ)
    other_section = Org.objects.create(name="文物股", code="wg-wwg", kind=Org.SECTION, parent=organ)
    unit = Org.objects.create(name="县图书馆", code="wg-tsg", kind=Org.UNIT, parent=organ)
    other = Org.objects.create(name="测试县发改局", code="fg", kind=Org.ORGAN, parent=committee)
    other_office = Org.objects.create(name="发改办公室", code="fg-bgs", kind=Org.SECTION, parent=other)
    branch = PartyOrg.objects.create(org=organ, name="机关第一党支部", kind="branch")
    PartyOrg.objects.create(org=other, name="发改局党支部", kind="branch")
    head_person = Person.objects.create(name="王股长", gender="M", org=section, position="股长",
                                        political_status="cpc", branch=branch, phone="13812345678")
    member_person = Person.objects.create(name="李干部", gender="F", org=other_section,
                                          political_status="cpc", branch=branch)
    Person.objects.create(name="赵馆员", gender="F", org=unit, political_status="masses")
    outsider_person = Person.objects.create(name="外单位", gender="M", org=other_office,
                                            political_status="masses")
    campaign = Campaign.objects.create(org=organ, year=2025, plan_title="测试实施方案",
                                       plan_issued_on="2025-03-10")
    Responsibility.objects.create(campaign=campaign, org=section, leader=head_person,
                                  work="创建日常工作")
    Campaign.objects.create(org=other, year=2025, plan_title="发改实施方案",
                            plan_issued_on="2025-03-01")
    users = {
        "committee": make_user("committee", scoping.COMMITTEE, committee),
        "admin": make_user("admin", scoping.ORG_ADMIN, organ),
        "head": make_user("head", scoping.HEAD, section, head_person),
        "member": make_user("member", scoping.MEMBER, other_section, member_person),
        "outsider": make_user("outsider", scoping.ORG_ADMIN, other, outsider_person),
        "sysadmin": make_user("sysadmin", scoping.SYSADMIN, committee),
        "secadmin": make_user("secadmin", scoping.SECADMIN, committee),
        "auditor": make_user("auditor", scoping.AUDITOR, committee),
    }
    return World(committee, organ, section, other_section, unit, other, other_office, branch,
                 head_person, member_person, outsider_person, campaign, users)
