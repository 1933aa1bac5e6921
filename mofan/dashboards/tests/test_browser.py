"""In Chromium: the committee sorts the comparison by a column; dashboards draw their
charts on a canvas, on a desktop and on a 390 × 844 phone without sideways scrolling."""

import pytest

from mofan.core.tests.test_browser import login, page  # noqa: F401  (the page fixture)
from mofan.core.tests.test_browser import pytestmark as browser_marks

pytestmark = browser_marks

STAFF = "orgs.staff_count"


def organ_column(pg):
    return pg.locator("#compare-table tbody td.organ").all_inner_texts()


@pytest.mark.usefixtures("transactional_db")
def test_committee_sorts_the_comparison_by_clicking_a_column(world, live_server,
                                                             page):  # noqa: F811
    from playwright.sync_api import expect

    base = live_server.url
    login(page, base, "committee")
    page.goto(f"{base}/dashboards/compare/?year=2025&k={STAFF}&k=orgs.branch_count"
              f"&sort=orgs.branch_count")
    header = page.locator(f'#compare-table th[data-key="{STAFF}"] a')
    header.click()
    expect(page.locator(f'#compare-table th[data-key="{STAFF}"]')).to_contain_text("▼")
    assert organ_column(page) == ["测试县文广新旅局", "测试县发改局"]
    assert page.locator("#compare-table tbody td.rank").all_inner_texts() == ["1", "2"]
    page.locator(f'#compare-table th[data-key="{STAFF}"] a').click()  # again: ascending
    expect(page.locator(f'#compare-table th[data-key="{STAFF}"]')).to_contain_text("▲")
    assert organ_column(page) == ["测试县发改局", "测试县文广新旅局"]
    footer = page.locator("#compare-table tfoot").inner_text()
    assert "合计" in footer and "平均" in footer
    assert page.console_errors == []


@pytest.mark.usefixtures("transactional_db")
@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)])
def test_dashboards_draw_charts_and_fit_a_phone(world, live_server, page,  # noqa: F811
                                               viewport):
    import datetime as dt

    from mofan.study.tests import factories as study

    for month in (3, 4, 6):
        study.session(world, date=dt.date(2025, month, 12), taken=True)
    base = live_server.url
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    login(page, base, "committee")
    for url in ("/dashboards/county/?year=2025", f"/dashboards/?year=2025&organ={world.organ.pk}",
                "/?year=2025", "/dashboards/compare/?year=2025"):
        page.goto(base + url)
        if "dashboards/?" in url:  # the organ's 学习型 trend
            page.wait_for_selector("[data-chart='trend-study'] canvas")
        if "county" in url:
            page.wait_for_selector("#chart-ranking canvas")
            assert page.locator("#chart-heat canvas").count() >= 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport[0], f"{url}: {width}px wide on a {viewport[0]}px screen"
    assert page.console_errors == []


@pytest.mark.usefixtures("transactional_db")
def test_clicking_a_ranking_bar_opens_its_records(world, live_server, page):  # noqa: F811
    base = live_server.url
    login(page, base, "committee")
    page.goto(f"{base}/dashboards/county/?year=2025&rank={STAFF}")
    canvas = page.locator("#chart-ranking canvas")
    canvas.wait_for()
    page.wait_for_timeout(1500)  # the bars grow for a second
    box = canvas.bounding_box()
    # The largest bar (the first organ: 3 people) is the top one; click inside it.
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.3)
    page.wait_for_url(f"**/indicators/{STAFF}/{world.organ.pk}/?year=2025")
    assert "王股长" in page.locator("#records").inner_text()
