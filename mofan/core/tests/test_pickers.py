"""Person and org pickers search as you type: the page writes only the chosen option, and
the search answers only rows the user may see."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.core.pickers import LIMIT, SearchSelect, SearchSelectMultiple
from mofan.orgs.models import Org, PartyOrg, Person


def texts(client, kind, q="", scope=None):
    params = {"q": q} | ({"scope": scope} if scope else {})
    response = client.get(f"/pick/{kind}/", params)
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]]


def options(html, name):
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1))


def test_search_finds_a_person_by_name_with_the_org_beside_it(world):
    assert texts(world.client("admin"), "person", "王") == ["王股长（测试县文广新旅局 · 办公室）"]


def test_search_matches_every_word_and_the_org_name(world):
    client = world.client("committee")
    assert texts(client, "person", "办公室 王") == ["王股长（测试县文广新旅局 · 办公室）"]
    assert set(texts(client, "org", "办公室")) == {"测试县文广新旅局 · 办公室",
                                                 "测试县发改局 · 发改办公室"}


def test_committee_tells_two_organs_offices_apart(world):
    Org.objects.create(name="办公室", code="fg-bgs2", kind=Org.SECTION, parent=world.other)
    found = texts(world.client("committee"), "org", "办公室")
    assert "测试县文广新旅局 · 办公室" in found and "测试县发改局 · 办公室" in found


def test_member_finds_only_himself(world):
    assert texts(world.client("member"), "person") == ["李干部（测试县文广新旅局 · 文物股）"]


@pytest.mark.parametrize("who", ["auditor"])
def test_an_account_without_business_scope_finds_nothing(world, who):
    client = world.client(who)
    assert texts(client, "person") == [] and texts(client, "org") == []


def test_system_administrator_searches_the_roster_under_his_org(world):
    """He creates accounts for people of the roster; he writes no business data."""
    assert "外单位（测试县发改局 · 发改办公室）" in texts(world.client("sysadmin"), "person", "外")


def test_edit_scope_offers_only_editable_orgs(world):
    head = world.client("head")
    assert texts(head, "org", "", scope="edit") == ["测试县文广新旅局 · 办公室"]


def test_results_are_limited(world):
    Person.objects.bulk_create(Person(name=f"批量{i}", gender="M", org=world.section)
                               for i in range(LIMIT + 5))
    assert len(texts(world.client("admin"), "person", "批量")) == LIMIT


def test_unknown_kind_is_404(world):
    assert world.client("admin").get("/pick/partyorg/").status_code == 404


def test_anonymous_search_goes_to_login(client, world):
    response = client.get("/pick/person/", {"q": "王"})
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_widget_writes_only_the_chosen_option(world):
    field_qs = Person.objects.all()
    from django import forms

    field = forms.ModelChoiceField(queryset=field_qs, required=False)
    widget = SearchSelect("person")
    widget.choices = field.choices
    html = widget.render("owner", world.head_person.pk)
    assert options(html, "owner") == [("", "", "---------"),
                                      (str(world.head_person.pk), " selected",
                                       "王股长（测试县文广新旅局 · 办公室）")]
    assert 'data-picker="person"' in html and 'data-url="/pick/person/?scope=view"' in html


def test_widget_drops_a_value_its_field_would_refuse(world):
    from django import forms

    field = forms.ModelChoiceField(queryset=Person.objects.visible_to(world.users["outsider"]))
    widget = SearchSelect("person")
    widget.choices = field.choices
    assert "王股长" not in widget.render("owner", world.head_person.pk)


def test_list_filter_keeps_the_chosen_person_only(world, ledger_today):
    from mofan.appeals.tests.factories import appeal

    appeal(world)
    page = world.client("admin").get("/appeals/items/", {"owner": world.head_person.pk})
    html = page.content.decode()
    assert options(html, "owner") == [("", "", "全部"), (str(world.head_person.pk), " selected",
                                                        "王股长（测试县文广新旅局 · 办公室）")]
    assert options(html, "owner_unit") == [("", "", "全部")]


def test_a_form_with_an_error_keeps_the_chosen_people(world):
    """PartyOrg: 书记 (one) and 成员 (many) re-render after a refused save."""
    client = world.client("admin")
    response = client.post("/orgs/party/new/", {
        "name": "", "kind": "leading_group", "org": world.organ.pk,
        "secretary": world.head_person.pk, "members": [world.head_person.pk,
                                                       world.member_person.pk], "sort": 0})
    assert response.status_code == 422
    html = response.content.decode()
    assert [v for v, sel, _ in options(html, "secretary") if sel] == [str(world.head_person.pk)]
    assert sorted(v for v, sel, _ in options(html, "members") if sel) == sorted(
        [str(world.head_person.pk), str(world.member_person.pk)])
    assert 'multiple' in re.search(r'<select[^>]*name="members"[^>]*>', html).group(0)


def test_a_form_posts_the_chosen_people(world):
    """The plain select (no JavaScript) posts its value like any select."""
    client = world.client("admin")
    response = client.post("/orgs/party/new/", {
        "name": "党组", "kind": "leading_group", "org": world.organ.pk,
        "secretary": world.head_person.pk, "members": [world.member_person.pk], "sort": 0})
    assert response.status_code == 302
    group = PartyOrg.objects.get(name="党组")
    assert group.secretary == world.head_person
    assert list(group.members.all()) == [world.member_person]


def test_multiple_widget_reads_every_posted_value():
    from django.http import QueryDict

    data = QueryDict("members=1&members=2")
    assert SearchSelectMultiple("person").value_from_datadict(data, {}, "members") == ["1", "2"]


def grow(world, n, tag):
    Person.objects.bulk_create(Person(name=f"批量{tag}{i}", gender="M", org=world.section)
                               for i in range(n))
    for i in range(n // 10):
        Org.objects.create(name=f"批量股{tag}{i}", code=f"bulk-{tag}-{i}", kind=Org.SECTION,
                           parent=world.organ)


@pytest.mark.parametrize("url", ["/appeals/items/", "/tasks/items/", "/orgs/party/"])
def test_list_page_size_and_queries_do_not_grow_with_people(world, url):
    """Lists whose rows are not people or orgs, with person and org filters."""
    client = world.client("committee")

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(response.content), len(ctx.captured_queries)

    grow(world, 10, "a")
    small_bytes, small_queries = measure()
    grow(world, 300, "b")
    big_bytes, big_queries = measure()
    assert big_queries == small_queries
    # The row count in "共 N 条" may gain a digit; nothing else grows.
    assert big_bytes - small_bytes < 200, (small_bytes, big_bytes)


def test_assign_offers_the_organs_current_people_to_its_keeper_only(world, ledger_today):
    """交办: a 负责人 keeping an item may choose anyone of his organ (not only his section);
    the other organ's administrator finds nobody there."""
    from mofan.appeals.tests.factories import appeal

    item = appeal(world)
    page = world.client("admin").get(f"/appeals/items/{item.pk}/").content.decode()
    assert f'data-url="/pick/person/?scope=organ&amp;organ={world.organ.pk}"' in page
    assert "李干部" not in page  # no option list: searched as you type
    Person.objects.filter(pk=world.member_person.pk).update(left_on="2020-01-31")
    params = {"scope": "organ", "organ": world.organ.pk}
    head = [r["text"] for r in world.client("head").get("/pick/person/", params).json()["results"]]
    assert head == ["王股长（测试县文广新旅局 · 办公室）", "赵馆员（测试县文广新旅局 · 县图书馆）"]
    for who in ("outsider", "member", "auditor"):
        assert world.client(who).get("/pick/person/", params).json()["results"] == [], who
    units = [r["text"] for r in world.client("head").get("/pick/org/", params).json()["results"]]
    assert "测试县文广新旅局" in units and "测试县发改局 · 发改办公室" not in units


def test_hostile_values_are_no_error(world):
    client = world.client("admin")
    huge = "9" * 400
    assert client.get("/pick/person/", {"scope": "organ", "organ": huge}).json() == {
        "results": []}
    assert client.get("/appeals/items/", {"owner": huge, "owner_unit": "x"}).status_code == 200
