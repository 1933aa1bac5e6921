"""Support records and voucher batches: amounts in 元, exact to the 分, summed exactly."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from mofan.audit.models import AuditLog
from mofan.core.indicators import REGISTRY, Period
from mofan.enterprise.models import SupportKind, SupportRecord, VoucherBatch
from mofan.enterprise.money import AmountError, in_wan, in_yi, parse_yuan, yuan
from mofan.enterprise.screens import SupportImporter, VoucherImporter

from .factories import first_demand, first_enterprise, kind

YEAR = Period.year(2025)


def support(world, code, amount, day=dt.date(2025, 6, 1), org=None):
    return SupportRecord.objects.create(org=org or world.organ, enterprise=first_enterprise(world),
                                        kind=kind(code), amount=Decimal(amount), date=day)


def value(key, organ):
    return REGISTRY[key].value(organ.pk, YEAR)


# --- money -------------------------------------------------------------------------


def test_an_excel_number_cell_keeps_its_cents_exactly():
    assert parse_yuan(0.1) == Decimal("0.10")
    assert parse_yuan(235612.37) == Decimal("235612.37")
    assert parse_yuan(1500000) == Decimal("1500000.00")


def test_text_amounts_may_carry_thousands_separators_and_the_yuan_sign():
    assert parse_yuan("1,234,567.8元") == Decimal("1234567.80")


@pytest.mark.parametrize("text,reason", [
    ("12.345", "超过两位小数"), ("-100", "不能为负"), ("12万", "按“元”填写"), ("一百", "不是金额")])
def test_an_amount_that_is_not_exact_yuan_is_refused_with_a_reason(text, reason):
    with pytest.raises(AmountError, match=reason):
        parse_yuan(text)


def test_amounts_are_shown_in_wan_or_yi_yuan_where_large():
    assert yuan(Decimal("3500.50")) == "3,500.5 元"
    assert yuan(Decimal("177184.31")) == "177,184.31 元"  # exact: no rounding on a page
    assert yuan(Decimal("9500000")) == "950 万元"
    assert yuan(Decimal("120000000")) == "1.2 亿元"
    assert yuan(Decimal("123456789100")) == "1,234.567891 亿元"
    assert in_wan(Decimal("177184.31")) == Decimal("17.72")
    assert in_yi(Decimal("200400000")) == Decimal("2.00")
    assert yuan(None) == "—"


# --- indicators --------------------------------------------------------------------


def test_support_amounts_sum_to_the_fen_exactly(world):
    for _ in range(10):
        support(world, "power_subsidy", "0.10")
    support(world, "power_subsidy", "0.20")
    assert value("enterprise.support_amount.power_subsidy", world.organ) == Decimal("1.20")
    assert value("enterprise.support_amount", world.organ) == Decimal("1.20")


def test_financing_is_equipment_loans_plus_credit_plus_financial_support_only(world):
    support(world, "equipment_loan", "10000000")
    support(world, "caiyuan_credit", "3000000.50")
    support(world, "finance", "500000")
    support(world, "power_subsidy", "23456.78")
    support(world, "voucher", "100000")
    assert value("enterprise.financing_amount", world.organ) == Decimal("13500000.50")
    assert value("enterprise.support_amount", world.organ) == Decimal("13623457.28")


def test_a_kind_the_committee_adds_counts_in_the_total_and_in_financing_when_marked(world):
    SupportKind.ensure_defaults()
    SupportKind.objects.create(code="guarantee", name="融资担保", financing=True, sort=70)
    support(world, "guarantee", "200000")
    assert value("enterprise.support_amount", world.organ) == Decimal("200000.00")
    assert value("enterprise.financing_amount", world.organ) == Decimal("200000.00")
    assert value("enterprise.support_amount.other", world.organ) == 0


def test_support_of_another_year_and_another_organ_is_not_counted(world):
    support(world, "finance", "100", day=dt.date(2024, 12, 31))
    support(world, "finance", "100", org=world.other)
    support(world, "finance", "1")
    assert value("enterprise.support_amount", world.organ) == Decimal("1.00")


def test_an_organ_that_never_recorded_support_has_no_figure_not_zero(world):
    support(world, "finance", "100")
    assert value("enterprise.support_amount", world.other) is None
    assert value("enterprise.support_amount.voucher", world.organ) == 0
    assert value("enterprise.vouchers_amount", world.organ) is None


def test_vouchers_amount_sums_the_batches_issued_in_the_year(world):
    for day, amount in [("2025-05-01", "1000000"), ("2025-10-01", "600000.5"),
                        ("2024-10-01", "9")]:
        VoucherBatch.objects.create(org=world.organ, title=day, issued_on=day,
                                    amount_issued=Decimal(amount))
    assert value("enterprise.vouchers_amount", world.organ) == Decimal("1600000.50")


def test_the_drilldown_opens_the_records_behind_an_amount(world):
    support(world, "finance", "100")
    support(world, "power_subsidy", "5")
    rows = REGISTRY["enterprise.financing_amount"].sources(world.organ, YEAR)
    assert [r.kind.code for r in rows] == ["finance"]


# --- screens -----------------------------------------------------------------------


def test_the_form_stores_the_amount_exactly_and_answers_a_demand(world):
    demand = first_demand(world)
    response = world.client("admin").post("/enterprise/support/new/", {
        "enterprise": demand.enterprise_id, "kind": kind("power_subsidy").pk,
        "amount": "23456.78", "date": "2025-03-01", "demand": demand.pk})
    assert response.status_code == 302
    record = SupportRecord.objects.get()
    assert record.amount == Decimal("23456.78") and record.org == world.organ
    assert record.demand == demand
    page = world.client("admin").get(f"/enterprise/demands/{demand.pk}/").content.decode()
    assert "23,456.78 元" in page


def test_the_form_refuses_three_decimals(world):
    response = world.client("admin").post("/enterprise/support/new/", {
        "enterprise": first_enterprise(world).pk, "kind": kind("finance").pk,
        "amount": "1.005", "date": "2025-03-01"})
    assert response.status_code == 422
    assert not SupportRecord.objects.exists()


def test_a_redeemed_amount_above_the_issued_amount_is_refused(world):
    response = world.client("admin").post("/enterprise/vouchers/new/", {
        "title": "第一批", "issued_on": "2025-05-01", "amount_issued": "100",
        "amount_redeemed": "100.01"})
    assert response.status_code == 422
    assert "核销金额不能大于发放金额" in response.content.decode()


def test_the_export_writes_amounts_as_numbers_in_yuan(world):
    support(world, "finance", "1234567.89")
    response = world.client("admin").get("/enterprise/support/?export=xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    headers = [c.value for c in ws[1]]
    amount = ws.cell(row=2, column=headers.index("金额（元）") + 1).value
    assert Decimal(repr(amount)) == Decimal("1234567.89")
    assert AuditLog.objects.filter(action="export", object_type="enterprise.supportrecord").exists()


def test_the_list_filters_by_kind_and_year(world):
    support(world, "finance", "100", day=dt.date(2025, 2, 1))
    support(world, "power_subsidy", "5", day=dt.date(2025, 2, 1))
    support(world, "finance", "7", day=dt.date(2024, 2, 1))
    client = world.client("admin")
    page = client.get(f"/enterprise/support/?kind={kind('finance').pk}&year=2025")
    assert page.context["page"].paginator.count == 1


# --- support kinds -----------------------------------------------------------------


def test_an_organ_admin_reads_the_support_kinds_but_may_not_change_them(world):
    client = world.client("admin")
    assert "财园信贷通" in client.get("/enterprise/support-kinds/").content.decode()
    assert client.post("/enterprise/support-kinds/", {}).status_code == 403


def test_the_committee_adds_a_support_kind(world):
    SupportKind.ensure_defaults()
    client = world.client("committee")
    kinds = list(SupportKind.objects.all())
    data = {"kinds-TOTAL_FORMS": str(len(kinds) + 2), "kinds-INITIAL_FORMS": str(len(kinds)),
            "kinds-MIN_NUM_FORMS": "0", "kinds-MAX_NUM_FORMS": "1000"}
    for i, k in enumerate(kinds):
        data.update({f"kinds-{i}-id": k.pk, f"kinds-{i}-name": k.name,
                     f"kinds-{i}-sort": k.sort, **({f"kinds-{i}-financing": "on"}
                                                   if k.financing else {})})
    n = len(kinds)
    data.update({f"kinds-{n}-name": "融资担保", f"kinds-{n}-code": "guarantee",
                 f"kinds-{n}-sort": "70", f"kinds-{n}-financing": "on"})
    assert client.post("/enterprise/support-kinds/", data).status_code == 302
    assert SupportKind.objects.get(code="guarantee").financing
    assert AuditLog.objects.filter(action="create", object_type="enterprise.supportkind").count() == 1


# --- import ------------------------------------------------------------------------


def sheet(headers, *rows):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(list(r))
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


SUPPORT_HEADERS = ["企业", "支持类别", "金额（元）", "日期", "内容"]


def test_an_import_of_support_records_keeps_every_amount_exact(world):
    first_enterprise(world)
    result = SupportImporter(world.users["admin"]).commit(sheet(
        SUPPORT_HEADERS, ["示例文旅有限公司", "电费补贴", 0.1, "2025-03-01", ""],
        ["示例文旅有限公司", "设备贷款", "1,500,000", "2025年4月18日", "设备贷款"]))
    assert result.ok, result.errors
    assert sorted(SupportRecord.objects.values_list("amount", flat=True)) == [
        Decimal("0.10"), Decimal("1500000.00")]
    assert set(SupportRecord.objects.values_list("org", flat=True)) == {world.organ.pk}


def test_an_import_with_a_bad_row_commits_nothing_and_names_every_bad_cell(world):
    first_enterprise(world)
    result = SupportImporter(world.users["admin"]).commit(sheet(
        SUPPORT_HEADERS, ["示例文旅有限公司", "电费补贴", "100", "2025-03-01", ""],
        ["示例文旅有限公司", "电费补贴", "12.345", "2025-03-01", ""],
        ["不存在的公司", "补贴", "100", "2025-03-01", ""]))
    assert not result.ok
    assert {(e.row, e.column) for e in result.errors} == {
        (3, "金额（元）"), (4, "企业"), (4, "支持类别")}
    assert not SupportRecord.objects.exists()


def test_an_import_cannot_name_another_organs_enterprise(world):
    from mofan.enterprise.models import Enterprise

    Enterprise.objects.create(org=world.other, name="发改联系企业")
    result = SupportImporter(world.users["admin"]).commit(sheet(
        SUPPORT_HEADERS, ["发改联系企业", "金融支持", "100", "2025-03-01", ""]))
    assert not result.ok
    assert not SupportRecord.objects.exists()


def test_a_voucher_import_with_one_bad_row_commits_nothing(world):
    result = VoucherImporter(world.users["admin"]).commit(sheet(
        ["批次名称", "发放日期", "发放金额（元）", "核销金额（元）"],
        ["第一批", "2025-05-01", 1000000, 800000.5],
        ["第二批", "2025-07-01", 100, 200]))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "核销金额（元）")]
    assert not VoucherBatch.objects.exists()


def test_the_import_screen_dry_run_reports_rows_and_saves_nothing(world):
    first_enterprise(world)
    upload = sheet(SUPPORT_HEADERS, ["示例文旅有限公司", "电费补贴", "-5", "2025-03-01", ""])
    upload.name = "support.xlsx"
    response = world.client("admin").post("/enterprise/support/import/", {"file": upload})
    assert response.status_code == 422
    assert "不能为负" in response.content.decode()
    assert not SupportRecord.objects.exists()
