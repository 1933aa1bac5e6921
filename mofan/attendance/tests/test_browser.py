"""A member explains a missing punch from a phone in Chromium; the organ's admin approves
it and the day is corrected."""

import pytest

from mofan.core.tests.test_browser import login, page  # noqa: F401  (the page fixture)
from mofan.core.tests.test_browser import pytestmark as browser_marks

from .factories import THU
from .test_daily import punch

pytestmark = browser_marks


@pytest.mark.usefixtures("transactional_db")
def test_a_member_explains_a_missing_punch_on_a_phone_and_the_admin_approves(world, live_server,
                                                                            page):  # noqa: F811
    from django.db import connections
    from playwright.sync_api import expect

    from mofan.attendance.models import DayStat
    from mofan.attendance.stats import recompute

    punch(world.member_person, THU, 8, 20)
    recompute(world.organ, THU, THU)
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "member")
    page.goto(f"{base}/attendance/mine/?month=2025-10")
    day = page.locator("#my-days li", has_text="10月9日")
    expect(day).to_contain_text("缺卡")
    day.locator("summary").click()
    day.locator("select[name=kind]").select_option("forgot")
    day.locator("input[name=time]").fill("17:40")
    day.locator("input[name=reason]").fill("下班时忘记打卡")
    day.locator("button").click()
    expect(page.locator(".alert-success")).to_contain_text("情况说明已提交")
    expect(page.locator("#my-days li", has_text="10月9日")).to_contain_text("说明待审批")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []

    page.context.clear_cookies()
    login(page, base, "admin")
    page.goto(f"{base}/attendance/explanations/")
    page.locator("#explanations button.btn-success").click()
    expect(page.locator("#explanations")).to_contain_text("已同意")
    try:
        assert DayStat.objects.get(person=world.member_person, date=THU).status == DayStat.NORMAL
    finally:
        connections.close_all()
