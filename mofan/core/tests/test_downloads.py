from mofan.core.excel import xlsx_response
from mofan.core.files import download_response


def test_a_download_keeps_its_chinese_name_for_wps_and_browsers():
    response = download_response(b"x", "文广新旅局2025年度学习台账.docx", "application/x")
    header = response["Content-Disposition"]
    assert header.startswith("attachment;")
    assert "filename*=utf-8''%E6%96%87" in header


def test_excel_exports_name_themselves_the_same_way():
    response = xlsx_response("民情台账.xlsx", b"x")
    assert response["Content-Disposition"] == download_response(
        b"x", "民情台账.xlsx", "x")["Content-Disposition"]
