"""A real browser: Debian's headless Chromium driven by Playwright (no browser download)."""

import datetime as dt
import os
import re
import shutil
from io import BytesIO

import pytest
from openpyxl import load_workbook

from conftest import PASSWORD

CHROMIUM = os.environ.get("MOFAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and os.environ.get("MOFAN_REQUIRE_BROWSER") != "1",
        reason="未安装 chromium（Debian 包 chromium）",
    ),
]


@pytest.fixture
def page(live_server, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test body itself are synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections
    from playwright.sync_api import expect, sync_playwright

    # CI runs both databases' suites side by side on two cores: be patient, not flaky.
    expect.set_options(timeout=15_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(accept_downloads=True, locale="zh-CN")
        context.set_default_timeout(30_000)
        pg = context.new_page()
        pg.console_errors = []
        pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
        yield pg
        # The test body's ORM calls ran in Playwright's greenlet, whose context has its own
        # connection: closed here, or PostgreSQL's test database is left with an idle
        # session and cannot be dropped at the end of the run.
        connections.close_all()
        browser.close()


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_admin_logs_in_filters_people_and_downloads_the_export(transactional_db, world,
                                                                live_server, page):
    base = live_server.url
    login(page, base, "admin")
    page.goto(f"{base}/orgs/people/")
    from playwright.sync_api import expect

    assert page.locator("#list-table").inner_text().count("赵馆员") == 1
    # Choosing a filter submits the form by itself (app.js) and htmx swaps the table.
    page.select_option("#id_political_status", "cpc")
    expect(page.locator("#list-table")).not_to_contain_text("赵馆员")
    table = page.locator("#list-table").inner_text()
    assert "王股长" in table and "李干部" in table and "外单位" not in table
    assert "political_status=cpc" in page.url
    # A second filter: each parameter once in the address bar, not appended to the last.
    page.select_option("#id_gender", "M")
    expect(page.locator("#list-table")).not_to_contain_text("李干部")
    assert page.url.count("political_status=") == 1 and page.url.count("gender=M") == 1
    page.select_option("#id_gender", "")
    expect(page.locator("#list-table")).to_contain_text("李干部")
    table = page.locator("#list-table").inner_text()
    assert "138****5678" in table  # phones are masked in lists
    with page.expect_download() as info:
        page.click("#export-link")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as fh:
        ws = load_workbook(BytesIO(fh.read())).active
    names = sorted(row[0] for row in ws.iter_rows(min_row=2, values_only=True))
    assert names == ["李干部", "王股长"]
    assert page.console_errors == []  # no CSP violation, no script error


def test_wrong_password_shows_a_chinese_message_in_the_browser(transactional_db, world,
                                                               live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "wrong-Password1")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.locator(".alert-danger").inner_text()


def test_navigation_has_no_dead_links_on_a_phone(transactional_db, world, live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url
    login(page, base, "admin")
    hrefs = page.eval_on_selector_all("nav a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert len(hrefs) >= 8
    for href in set(hrefs):
        # page.request shares the session cookie; downloads (.docx/.xlsx) are links too.
        response = page.request.get(base + href)
        assert response.status == 200, href
    page.goto(f"{base}/s/service/")
    assert "尚未启用" not in page.content()
    assert page.locator("#coming").count() or page.locator(".list-group a").count() > 0
    assert page.console_errors == []


def test_head_accepts_and_submits_an_appeal_without_reloading_the_page(
        transactional_db, world, live_server, page):
    from playwright.sync_api import expect

    from mofan.appeals.tests.factories import appeal
    from mofan.core import ledger

    item = ledger.do_assign(appeal(world, title="路灯不亮"), actor=world.users["admin"],
                            owner=world.head_person, deadline=dt.date(2099, 1, 1))
    base = live_server.url
    login(page, base, "head")
    page.goto(f"{base}/appeals/items/{item.pk}/")
    page.evaluate("window.stillHere = true")  # survives only if htmx swapped, not reloaded
    page.click("#action-accept button[type=submit]")
    expect(page.locator("#ledger-state")).to_contain_text("办理中")
    assert page.evaluate("window.stillHere") is True
    expect(page.locator("#timeline")).to_contain_text("签收")
    # Open the step's form only once htmx has settled the previous swap, and fill it once
    # Bootstrap has finished showing it (under load either can lag the click).
    page.wait_for_function("!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    page.click("#action-submit > .card-body > button")
    expect(page.locator("#form-submit")).to_have_class(re.compile(r"\bshow\b"))
    page.fill("#form-submit textarea[name=result]", "已修复")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("#form-submit button[type=submit]")
    assert posted.value.status < 400, posted.value.status
    expect(page.locator("#ledger-state")).to_contain_text("申请销号", timeout=30_000)
    expect(page.locator(".alert-success")).to_contain_text("已")
    assert page.console_errors == []
    from django.db import connections

    try:
        item.refresh_from_db()
        assert item.state == ledger.SUBMITTED and item.result == "已修复"
    finally:
        # Playwright runs this body in its own greenlet context, which opened its own
        # database connection; close it so the test database can be dropped.
        connections.close_all()


def test_the_recorder_takes_the_roll_on_a_phone_marking_one_absence_and_the_rest_present(
        transactional_db, world, live_server, page):
    from mofan.study.tests import factories as study

    session = study.session(world, recorder=world.member_person)
    head_row = session.roll.get(person=world.head_person)
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "member")
    page.goto(f"{base}/study/sessions/{session.pk}/roll/")
    assert "尚未点名" in page.locator("#roll-totals").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click(f"label[for=status_{head_row.pk}_absent]")
    page.click(f"#roll-{head_row.pk} summary")
    page.select_option(f"#absence_{head_row.pk}", "duty")
    page.fill(f"input[name=reason_{head_row.pk}]", "下乡督导")
    page.click("button[name=rest_present]")
    page.wait_for_selector(".alert-success")
    assert dict(session.roll.values_list("person__name", "status")) == {
        "王股长": "absent", "李干部": "present"}
    assert "出勤率 50.0%" in page.locator("#roll-totals").inner_text()
    assert page.console_errors == []
