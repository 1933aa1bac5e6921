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
