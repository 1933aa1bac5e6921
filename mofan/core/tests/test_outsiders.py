"""Walk every URL pattern: outsiders get 404 on another organ's rows, anonymous users the login page.

A new URL with an id must be added to OBJECT_FOR (or be a generic Screens URL, which is
found automatically); otherwise ``test_every_id_url_is_covered`` fails.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from mofan.accounts.middleware import PUBLIC_PREFIXES
from mofan.attendance.tests import factories as attendance_factories
from mofan.community.tests import factories as community_factories
from mofan.core.tests import ledger_factories
from mofan.culture.tests import factories as culture_factories
from mofan.enterprise.tests import factories as enterprise_factories
from mofan.evaluation.tests import factories as evaluation_factories
from mofan.orgs.models import Campaign, Org
from mofan.reports.tests import factories as reports_factories
from mofan.study.tests import factories as study_factories
from mofan.tourism.tests import factories as tourism_factories


def walk(patterns=None, prefix="", namespace=""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield p, prefix + str(p.pattern), f"{namespace}:{p.name}" if namespace else p.name


def concrete(route, pk):
    return "/" + route.replace("<int:pk>", str(pk)).replace("<slug:key>", "study")


def _group_member(w):
    from mofan.orgs.models import GroupMember

    return (GroupMember.objects.filter(campaign=w.campaign).first()
            or GroupMember.objects.create(campaign=w.campaign, person=w.head_person,
                                          role="member"))


def _import_job(w):
    from mofan.core.imports.models import ImportJob

    return ImportJob.objects.get_or_create(
        importer="orgs.PersonScreens", label="人员", org=w.organ, created_by=w.users["admin"],
        filename="花名册.xlsx", defaults={"status": ImportJob.DONE})[0]


# Objects of the first organ (world.organ) for id URLs that are not generic Screens (or
# generic Screens whose model the small world has no row of).
OBJECT_FOR = {
    "orgs:responsibility_xlsx": lambda w: w.campaign,
    "orgs:campaign_plan_file": lambda w: w.campaign,
    "orgs:campaign_next_year": lambda w: w.campaign,
    **{f"orgs:groupmember_{s}": _group_member for s in ("detail", "edit", "delete")},
    "core:import_job": lambda w: _import_job(w),
    "accounts:user_edit": lambda w: w.users["admin"],
    "accounts:user_role": lambda w: w.users["admin"],
    "accounts:user_reset_password": lambda w: w.users["admin"],
    **study_factories.OBJECT_FOR,
    **ledger_factories.OBJECT_FOR,
    **enterprise_factories.OBJECT_FOR,
    **culture_factories.OBJECT_FOR,
    **tourism_factories.OBJECT_FOR,
    **attendance_factories.OBJECT_FOR,
    **community_factories.OBJECT_FOR,
    **reports_factories.OBJECT_FOR,
    **evaluation_factories.OBJECT_FOR,
}
EXTRA_OBJECTS = []  # later modules extend: (url name, factory)


def object_for(name, pattern, world):
    screens = getattr(pattern.callback, "view_initkwargs", {}).get("screens")
    if name in OBJECT_FOR:
        return OBJECT_FOR[name](world)
    if screens is not None:
        return screens.model.objects.filter(**_in_first_organ(screens.model, world)).first()
    return None


def _in_first_organ(model, world):
    scope = model.scope
    if model is Org:
        return {"pk": world.section.pk}
    return {f"{scope.org}__path__startswith": world.organ.path}


def id_patterns():
    return [(p, route, name) for p, route, name in walk() if "<int:pk>" in route]


def test_every_id_url_is_covered(world):
    missing = [name for p, _, name in id_patterns() if object_for(name, p, world) is None]
    assert missing == [], f"这些带 id 的地址没有测试对象：{missing}"


@pytest.mark.parametrize("who", ["outsider"])
def test_outsider_gets_404_on_every_id_url_of_another_organ(world, who):
    client = world.client(who)
    checked = 0
    for pattern, route, name in id_patterns():
        obj = object_for(name, pattern, world)
        url = concrete(route, obj.pk)
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            # Account screens are for the three administrators: others are refused first
            # (403, or 405 for a GET on a POST-only action).
            expected = {403, 405} if name.startswith("accounts:") else {404, 405}
            assert status in expected, f"{method.upper()} {url} ({name}) → {status}"
        checked += 1
    assert checked == len(id_patterns())


def test_system_admin_of_another_organ_cannot_reach_its_accounts(world):
    from django.test import Client

    from conftest import make_user
    from mofan.core.scoping import SYSADMIN

    client = Client()
    client.force_login(make_user("fg_sys", SYSADMIN, world.other))
    target = world.users["admin"].pk
    assert client.get(f"/accounts/users/{target}/edit/").status_code == 404
    assert client.post(f"/accounts/users/{target}/reset-password/").status_code == 404


def test_anonymous_gets_the_login_page_everywhere(world):
    from django.test import Client

    client = Client()
    for _, route, name in walk():
        url = concrete(route, 1)
        if url.startswith(PUBLIC_PREFIXES):
            continue
        response = client.get(url)
        assert response.status_code == 302, f"{url} ({name}) → {response.status_code}"
        assert response.url.startswith("/accounts/login/"), url


def test_outsider_list_pages_show_none_of_the_other_organs_rows(world):
    client = world.client("outsider")
    for url in ("/orgs/people/", "/orgs/units/", "/orgs/party/", "/orgs/campaigns/"):
        page = client.get(url).content.decode()
        for secret in ("王股长", "李干部", "赵馆员", "测试县文广新旅局", "机关第一党支部", "测试实施方案"):
            assert secret not in page, f"{url} 泄露了 {secret}"


def test_outsider_export_holds_none_of_the_other_organs_rows(world):
    from io import BytesIO

    from openpyxl import load_workbook

    response = world.client("outsider").get("/orgs/people/?export=xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    names = {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert names == {"外单位"}


def test_outsider_cannot_create_a_row_in_another_organ(world):
    client = world.client("outsider")
    response = client.post("/orgs/people/new/", {"name": "混入者", "gender": "M",
                                                 "org": world.section.pk,
                                                 "political_status": "masses", "sort": 0})
    assert response.status_code == 422
    from mofan.orgs.models import Person

    assert not Person.objects.filter(name="混入者").exists()


def test_campaign_list_of_the_other_organ_is_hidden(world):
    assert Campaign.objects.visible_to(world.users["outsider"]).count() == 1


@pytest.mark.parametrize("kind", ["person", "org"])
def test_outsider_picker_search_finds_none_of_the_other_organs_rows(world, kind):
    client = world.client("outsider")
    for word in ("", "王", "办公室", "文广", "图书馆"):
        texts = [r["text"] for r in client.get(f"/pick/{kind}/", {"q": word}).json()["results"]]
        assert not any(s in t for t in texts
                       for s in ("王股长", "李干部", "赵馆员", "文广新旅局", "县图书馆")), texts
