"""Issue 9 item 10: a menu section with nothing yet says what is coming, never 尚未启用."""

from mofan.core import nav


def test_a_section_still_to_come_lists_what_it_will_hold(world, monkeypatch):
    nav.add_section("coming_for_test", "将来栏目", 98)
    monkeypatch.setitem(nav.COMING, "coming_for_test", [("年度评比", "工委按指标排名")])
    try:
        assert "coming_for_test" in [k for k, _, _ in nav.menu_for(world.users["admin"])]
        page = world.client("admin").get("/s/coming_for_test/").content.decode()
        assert "尚未启用" not in page
        assert 'id="coming"' in page and "年度评比" in page
    finally:
        nav.SECTIONS.pop("coming_for_test")
        nav.SECTION_LABELS.pop("coming_for_test")


def test_the_menu_offers_no_section_with_nothing_in_it_and_nothing_coming(world, monkeypatch):
    nav.add_section("empty_for_test", "空栏目", 99)
    monkeypatch.setitem(nav.COMING, "empty_for_test", [])
    try:
        keys = [k for k, _, _ in nav.menu_for(world.users["member"])]
        assert "empty_for_test" not in keys
        page = world.client("member").get("/s/empty_for_test/").content.decode()
        assert "暂时没有您可以使用的功能" in page and "尚未启用" not in page
    finally:
        nav.SECTIONS.pop("empty_for_test")
        nav.SECTION_LABELS.pop("empty_for_test")


def test_members_find_their_organs_rules(world):
    from mofan.rectification.models import Rule

    rule = Rule.objects.create(org=world.organ, title="机关考勤管理制度", issued_on="2025-03-01")
    client = world.client("member")
    assert "机关考勤管理制度" in client.get("/rectification/rules/").content.decode()
    assert client.get(f"/rectification/rules/{rule.pk}/").status_code == 200
    assert client.get(f"/rectification/rules/{rule.pk}/edit/").status_code == 403
    other = Rule.objects.create(org=world.other, title="发改制度", issued_on="2025-03-01")
    assert client.get(f"/rectification/rules/{other.pk}/").status_code == 404


def test_the_filter_form_asks_for_the_path_so_parameters_never_repeat(world):
    page = world.client("admin").get("/orgs/people/?political_status=cpc&q=王").content.decode()
    assert 'hx-get="/orgs/people/"' in page
    assert 'hx-get=""' not in page


def test_delete_is_offered_only_where_the_delete_would_be_allowed(world):
    client = world.client("admin")
    own = client.get(f"/orgs/units/{world.organ.pk}/").content.decode()
    assert "编辑" in own and f"/orgs/units/{world.organ.pk}/delete/" not in own  # his own organ
    section = client.get(f"/orgs/units/{world.section.pk}/").content.decode()
    assert f"/orgs/units/{world.section.pk}/delete/" in section
