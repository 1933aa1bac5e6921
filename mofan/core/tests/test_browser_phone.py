"""In the browser: pickers search as you type; on a phone, lists are cards and no page
scrolls sideways."""

import datetime as dt

from mofan.core.tests.test_browser import login, page, pytestmark  # noqa: F401  (fixture)


def assigned_appeal(world, title="路灯不亮"):
    from mofan.appeals.tests.factories import appeal
    from mofan.core import ledger

    return ledger.do_assign(appeal(world, title=title), actor=world.users["admin"],
                            owner=world.head_person, deadline=dt.date(2099, 1, 1))


def test_the_owner_filter_searches_as_you_type_and_filters_the_list(
        transactional_db, world, live_server, page):  # noqa: F811
    from playwright.sync_api import expect

    assigned_appeal(world)
    from mofan.appeals.tests.factories import appeal

    appeal(world, title="未交办的事项")
    base = live_server.url
    login(page, base, "admin")
    page.goto(f"{base}/appeals/items/")
    expect(page.locator("#list-table")).to_contain_text("未交办的事项")
    page.locator("#id_owner-ts-control").locator("..").click()  # the control around it
    page.keyboard.type("王")
    option = page.locator(".ts-dropdown .option", has_text="王股长（测试县文广新旅局 · 办公室）")
    expect(option).to_be_visible()
    option.click()
    expect(page.locator("#list-table")).not_to_contain_text("未交办的事项")
    expect(page.locator("#list-table")).to_contain_text("路灯不亮")
    assert f"owner={world.head_person.pk}" in page.url
    page.reload()  # the chosen person is written by the server and still shown
    expect(page.locator("#id_owner-ts-control").locator("..")).to_contain_text("王股长")
    assert page.console_errors == []  # no CSP violation, no script error


PHONE = {"width": 390, "height": 844}
LONG = "城关镇东街社区居民反映图书馆周末开放时间过短希望延长至晚上八点并增加自习座位"


def no_sideways_scroll(pg):
    return pg.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_a_member_does_his_own_things_on_a_phone_without_sideways_scrolling(
        transactional_db, world, live_server, page):  # noqa: F811
    from mofan.core import ledger

    item = assigned_appeal(world, title=LONG)
    ledger.do_assign(item, actor=world.users["admin"], owner=world.member_person,
                     deadline=dt.date(2099, 1, 1))
    base = live_server.url
    page.set_viewport_size(PHONE)
    login(page, base, "member")
    for url in ("/", "/ledger/todo/", "/appeals/items/", "/study/my/"):
        page.goto(base + url)
        assert no_sideways_scroll(page), f"{url} scrolls sideways on a phone"
    # 我的待办 and 民情台账: each row a card, its title on one readable line, not one
    # character per line.
    for url in ("/ledger/todo/", "/appeals/items/"):
        page.goto(base + url)
        title = page.locator("td.card-title-cell", has_text=LONG[:10]).first
        box = title.bounding_box()
        assert box["width"] > 300, f"{url}: title squeezed to {box['width']} px"
        card = page.locator("table.table-cards tbody tr").first.bounding_box()
        assert card["width"] > 330 and card["x"] >= 0 and card["x"] + card["width"] <= 390
        assert page.locator("table.table-cards thead").first.is_hidden()
        assert page.locator("td.card-action .btn").first.is_visible()
        row = page.locator("table.table-cards tbody tr").first
        assert row.locator('td[data-label="状态"]').inner_text() == "交办"
        assert row.locator('td[data-label="办理时限"]').inner_text() == "2099-01-01"
        assert row.locator('td[data-label="责任人"]').is_hidden()  # the card keeps few lines
    assert page.console_errors == []


def test_lists_stay_tables_on_a_desktop(transactional_db, world, live_server, page):  # noqa: F811
    assigned_appeal(world)
    base = live_server.url
    login(page, base, "admin")
    page.goto(f"{base}/appeals/items/")
    assert page.locator("table.table-cards thead").is_visible()
    assert page.locator("td.card-action .btn").first.is_hidden()


def test_the_keeper_assigns_by_searching_the_organs_people(
        transactional_db, world, live_server, page):  # noqa: F811
    from playwright.sync_api import expect

    from mofan.appeals.tests.factories import appeal

    item = appeal(world, title="井盖松动")
    base = live_server.url
    login(page, base, "admin")
    page.goto(f"{base}/appeals/items/{item.pk}/")
    page.click("#action-assign > .card-body > button")
    page.locator(f"#owner-{item.pk}-ts-control").locator("..").click()
    page.keyboard.type("赵")
    option = page.locator(".ts-dropdown .option", has_text="赵馆员（测试县文广新旅局 · 县图书馆）")
    expect(option).to_be_visible()
    option.click()
    page.click("#form-assign button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("交办")
    # htmx settles the swapped step forms without copying a style attribute (base.html's
    # htmx-config): a collapse that was open leaves none, so the CSP has nothing to block.
    assert page.console_errors == []
    from django.db import connections

    try:
        item.refresh_from_db()
        assert item.owner.name == "赵馆员" and item.owner_unit == world.unit
    finally:
        connections.close_all()
