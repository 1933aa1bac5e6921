"""The office in Chromium: 报告 → 年度总结, preview, a figure's records, the editor's field
picker, the names to mask, and both Word files."""

import io
import re

import docx
import pytest

from mofan.core.tests.test_browser import login, page  # noqa: F401  (the page fixture)
from mofan.core.tests.test_browser import pytestmark as browser_marks

from .factories import template

pytestmark = browser_marks


def _docx_text(download):
    with open(download.path(), "rb") as fh:
        document = docx.Document(io.BytesIO(fh.read()))
    return "\n".join(p.text for p in document.paragraphs)


@pytest.mark.usefixtures("transactional_db")
def test_office_previews_the_summary_and_downloads_word_and_public_version(world, live_server,
                                                                           page):  # noqa: F811
    from playwright.sync_api import expect

    template(world)
    base = live_server.url
    login(page, base, "admin")

    # 报告 → 年度总结, then the year of the records.
    page.click("nav >> text=报告")
    page.click("nav .dropdown-menu >> text=年度总结")
    page.fill("#year", "2025")
    page.click("form >> text=查看")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("测试县文广新旅局2025年创建模范机关工作总结")
    expect(preview).to_contain_text("全局干部职工3人、党员2人，党支部1个。")
    expect(page.locator("#complete")).to_be_visible()

    # A figure opens the records behind it.
    preview.locator("a.field", has_text="3").first.click()
    expect(page.locator("#records")).to_contain_text("王股长")
    page.go_back()

    # The editor inserts a field at the cursor from the picker.
    page.click("#edit-summary")
    body = page.locator("#summary-body")
    body.evaluate("el => { el.focus(); el.setSelectionRange(el.value.length, el.value.length); }")
    page.locator("#field-picker details", has_text="组织与人员").locator("summary").click()
    page.locator("[data-insert='{{ orgs.branch_count }}']").click()
    assert body.input_value().endswith("{{ orgs.branch_count }}")
    page.click("#summary-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已保存")

    # The names to mask, seeded from what the system knows.
    page.goto(f"{base}/reports/places/")
    page.click("#seed-places")
    expect(page.locator(".alert-success")).to_contain_text("已补充")
    expect(page.locator("#list-table")).to_contain_text("测试")

    page.goto(f"{base}/reports/summary/?year=2025")
    with page.expect_download() as info:
        page.click("#download-docx")
    assert info.value.suggested_filename == "测试县文广新旅局2025年度工作总结.docx"
    text = _docx_text(info.value)
    assert "全局干部职工3人" in text and "测试县文广新旅局" in text

    with page.expect_download() as info:
        page.click("#download-public")
    assert info.value.suggested_filename.endswith("（公开版）.docx")
    public = _docx_text(info.value)
    assert public.startswith("**县文广新旅局2025年创建模范机关工作总结")
    assert "测试" not in public and "全局干部职工*人" in public
    body = public.split("\n", 1)[1].rsplit("\n", 2)[0]  # without the title and the date
    body = body.replace("\n1.", "\n").replace("\n（1）", "\n")  # headings keep their numbering
    assert not re.search(r"\d", body)
    assert page.console_errors == []
