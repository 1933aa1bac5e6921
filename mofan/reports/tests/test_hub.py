"""报告: one page with every document the modules produce, for the user's role."""

import re

from mofan.core import nav
from mofan.core.nav import documents_for


def _links(page):
    start = page.index('<main')
    return re.findall(r'<a class="list-group-item[^"]*" href="([^"]+)">([^<]+)', page[start:])


def test_office_finds_the_summary_and_every_modules_documents_under_reports(world):
    page = world.client("admin").get("/s/reports/").content.decode()
    labels = [label for _, label in _links(page)]
    for expected in ("年度总结", "年度工作总结（Word）", "年度工作总结公开版（Word，脱敏）",
                     "学习台账（Word）", "考勤周通报（Word / Excel）", "创建任务台账（Excel）",
                     "民情台账（Excel）", "巡察整改台账（Excel）", "纾困解难诉求台账（Excel）"):
        assert expected in labels, expected
    assert labels.index("年度工作总结（Word）") < labels.index("学习台账（Word）")


def test_every_document_on_the_hub_opens_for_the_office(world):
    client = world.client("admin")
    for url, label in _links(client.get("/s/reports/").content.decode()):
        response = client.get(url.replace("&amp;", "&"), follow=True)
        assert response.status_code == 200, (label, url)


def test_a_head_sees_the_ledger_exports_but_not_the_organs_summary(world):
    page = world.client("head").get("/s/reports/").content.decode()
    labels = [label for _, label in _links(page)]
    assert "创建任务台账（Excel）" in labels
    assert not [label for label in labels if "总结" in label or "学习台账" in label]


def test_a_member_has_no_documents_and_an_auditor_no_reports_menu(world):
    assert documents_for(world.users["member"], "reports") == []
    assert documents_for(world.users["auditor"], "reports") == []
    assert "报告一览" not in world.client("auditor").get("/audit/").content.decode()


def test_the_reports_menu_ends_with_the_hub(world):
    menu = dict((key, items) for key, _, items in nav.menu_for(world.users["admin"]))
    assert menu["reports"][-1] == ("报告一览", "/s/reports/")
    assert ("年度总结", "/reports/summary/") in menu["reports"]


def test_a_document_is_declared_once_however_often_an_app_starts():
    before = list(nav.DOCUMENTS)
    try:
        for _ in range(2):
            nav.register_document("reports", "测试文档", "core:home", group="测试")
        assert len(nav.DOCUMENTS) == len(before) + 1
    finally:
        nav.DOCUMENTS[:] = before
