"""The demo year: every community page opens for each role, the indicators have values
and agree with the list pages, and a seed always gives the same year."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from mofan.accounts.models import User
from mofan.community.models import Project, ServiceParticipant, ServiceRecord
from mofan.core.views import default_year


def login(username):
    user = User.objects.get(username=username)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


def indicator_values():
    out = StringIO()
    call_command("indicators", "--org", "wgxlj", "--format", "json", "--prefix", "community.",
                 stdout=out)
    return {k: v["value"] for k, v in json.loads(out.getvalue()).items()}


def test_every_figure_of_the_reference_has_a_value_in_the_demo_year(demo):
    values = indicator_values()
    for key in ["community.members_registered", "community.members_serving",
                "community.service_person_times.epidemic", "community.service_events.sanitation",
                "community.service_events.policy", "community.service_events.traffic",
                "community.projects_done", "community.projects_ongoing",
                "community.project_quantity.sqm", "community.project_quantity.lamp",
                "community.project_quantity.place"]:
        assert values[key], key


def test_demo_indicators_agree_with_the_list_pages(demo):
    values = indicator_values()
    admin = login("wgxlj_admin")
    year = default_year()
    count = lambda q: admin.get(f"/community/services/?year={year}&{q}").context[  # noqa: E731
        "page"].paginator.count
    for code in ("sanitation", "policy", "traffic"):
        kind = ServiceRecord.objects.filter(org__organ__code="wgxlj", kind__code=code).first().kind
        assert values[f"community.service_events.{code}"] == count(
            f"status=confirmed&kind={kind.pk}"), code
    assert values["community.service_person_times"] == ServiceParticipant.objects.filter(
        org__organ__code="wgxlj", record__status="confirmed").count()
    assert values["community.projects_done"] == admin.get(
        "/community/projects/?status=done").context["page"].paginator.count


def test_every_community_page_of_the_demo_opens_for_each_role(demo):
    pages = ["/community/my/", "/community/services/", "/community/services/new/",
             "/community/services/import/", "/community/services/?export=xlsx",
             "/community/registrations/", "/community/projects/", "/community/communities/",
             "/community/kinds/", "/community/measures/", "/community/projects/?export=xlsx"]
    for username in ("wgxlj_admin", "wgxlj_bgs", "gongwei", "wgxlj_member"):
        user = User.objects.get(username=username)
        client = login(username)
        record = ServiceRecord.objects.visible_to(user).first()
        project = Project.objects.visible_to(user).first()
        ids = [f"/community/services/{record.pk}/"] if record else []
        ids += [f"/community/projects/{project.pk}/"] if project else []
        for url in pages + ids:
            if username == "gongwei" and url.endswith(("/new/", "/my/", "/import/")):
                continue
            if username == "wgxlj_member" and (url.endswith("/import/") or not url.startswith(
                    ("/community/my/", "/community/services/"))):
                continue
            assert client.get(url).status_code == 200, (username, url)
    assert record is not None  # the member has services of his own


def test_the_demo_registers_findings_as_appeals_that_projects_answer(demo):
    linked = ServiceRecord.objects.filter(appeal__isnull=False)
    assert linked.count() >= 3
    assert Project.objects.filter(appeals__in=[r.appeal_id for r in linked]).exists()


def _fingerprint(seed):
    with transaction.atomic():
        call_command("load_demo", "--seed", str(seed), "--year", "2024", stdout=StringIO())
        rows = list(ServiceRecord.objects.order_by("id").values_list(
            "date", "kind__code", "community__name", "status", "hours"))
        rows += list(ServiceParticipant.objects.order_by("id").values_list("person__name"))
        transaction.set_rollback(True)
    return rows


def test_demo_services_are_the_same_for_the_same_seed(db):
    assert _fingerprint(3) == _fingerprint(3)
