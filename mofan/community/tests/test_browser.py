"""A member logs a service on a phone in Chromium; the branch secretary confirms it."""

import pytest

from mofan.core.tests.test_browser import login, page  # noqa: F401  (the page fixture)
from mofan.core.tests.test_browser import pytestmark as browser_marks

from .factories import community, kind

pytestmark = browser_marks


@pytest.mark.usefixtures("transactional_db")
def test_member_logs_a_service_on_a_phone_and_the_secretary_confirms_it(world, live_server,
                                                                          page):  # noqa: F811
    from django.db import connections
    from playwright.sync_api import expect

    from mofan.community.models import ServiceRecord

    world.branch.secretary = world.head_person
    world.branch.save()
    place, sanitation = community(world), kind(world)
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "member")
    page.goto(f"{base}/community/my/")
    page.click("#log-service")
    page.select_option("#id_community", str(place.pk))
    page.fill("#id_date", "2025-05-10")
    page.select_option("#id_kind", str(sanitation.pk))
    page.fill("#id_content", "清理楼道杂物，发现路灯损坏")
    expect(page.locator(f"input[name=members][value='{world.member_person.pk}']")).to_be_checked()
    page.click("form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone
    assert page.console_errors == []

    page.context.clear_cookies()
    login(page, base, "head")
    page.goto(f"{base}/community/my/")
    page.click("#to-confirm a")
    page.click("#record-confirm button.btn-success")
    expect(page.locator(".alert-success")).to_contain_text("已确认")
    try:
        assert ServiceRecord.objects.get().status == ServiceRecord.CONFIRMED
    finally:
        connections.close_all()
