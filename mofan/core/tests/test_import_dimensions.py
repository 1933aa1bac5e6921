"""Imports read every row whatever the file says about itself, and refuse an absurd sheet
before parsing it (issue 7, finding 9: a stale ``<dimension>`` silently dropped rows)."""

import re
import zipfile
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from mofan.orgs.models import Person

URL = "/orgs/people/import/"
HEADERS = ["姓名", "性别", "所在单位/股室", "政治面貌"]  # A..D


def rows(n):
    return [[f"导入{i}", "男", "办公室", "群众"] for i in range(1, n + 1)]


def xlsx(data, headers=HEADERS, *, dimension=None, extra_members=(), sheet_xml=None):
    """An .xlsx as openpyxl writes it; ``dimension`` then rewrites the stored <dimension>
    of sheet1.xml (as some exporters leave it stale), ``extra_members`` adds zip members."""
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in data:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(BytesIO(buf.getvalue()))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                if dimension:
                    body = re.sub(rb'<dimension ref="[^"]*"/>',
                                  f'<dimension ref="{dimension}"/>'.encode(), body)
                if sheet_xml is not None:
                    body = sheet_xml
            dst.writestr(info, body)
        for name, body in extra_members:
            dst.writestr(name, body)
    return out.getvalue()


def upload(content):
    return SimpleUploadedFile("花名册.xlsx", content)


def stored_dimension(content):
    sheet = zipfile.ZipFile(BytesIO(content)).read("xl/worksheets/sheet1.xml")
    return re.search(rb'<dimension ref="([^"]*)"/>', sheet)[1].decode()


def reasons(response):
    return " ".join(e.reason for e in response.context["result"].errors)


def test_a_stale_stored_dimension_still_imports_every_row(world):
    content = xlsx(rows(5), dimension="A1:D2")
    assert stored_dimension(content) == "A1:D2"  # the file claims one data row
    client = world.client("admin")
    response = client.post(URL, {"file": upload(content)})
    assert response.status_code == 200, reasons(response)
    assert response.context["result"].rows_read == 5
    client.post(URL, {"confirm": "1", "token": client.session["mofan_import_token"]})
    assert Person.objects.filter(name__startswith="导入").count() == 5


def test_a_stored_dimension_larger_than_the_data_reads_only_the_real_rows(world):
    response = world.client("admin").post(URL, {"file": upload(xlsx(rows(2),
                                                                    dimension="A1:D900"))})
    assert response.status_code == 200 and response.context["result"].rows_read == 2


def test_a_sheet_of_exactly_the_row_limit_is_read(world, settings):
    settings.MOFAN_IMPORT_MAX_ROWS = 3
    response = world.client("admin").post(URL, {"file": upload(xlsx(rows(3)))})
    assert response.status_code == 200 and response.context["result"].rows_read == 3


def test_a_sheet_over_the_row_limit_is_refused_whatever_its_dimension_says(world, settings):
    settings.MOFAN_IMPORT_MAX_ROWS = 3
    client = world.client("admin")
    response = client.post(URL, {"file": upload(xlsx(rows(5), dimension="A1:D2"))})
    assert response.status_code == 422
    assert "超过 3 行数据" in reasons(response) and "拆分" in reasons(response)
    assert "mofan_import_token" not in client.session


def test_limits_default_to_100000_rows_and_200_columns():
    from mofan.core.excel import import_limits

    assert import_limits()[:2] == (100_000, 200)


def test_a_row_reaching_past_the_column_limit_is_refused(world):
    data = rows(1)
    data[0] += [None] * 200 + ["藏在第 205 列"]
    response = world.client("admin").post(URL, {"file": upload(xlsx(data))})
    assert response.status_code == 422
    assert "第 2 行超过 200 列" in reasons(response)


def test_empty_cells_past_the_column_limit_are_not_a_reason_to_refuse(world):
    data = rows(1)
    data[0] += [None] * 200 + [""]
    response = world.client("admin").post(URL, {"file": upload(xlsx(data))})
    assert response.status_code == 200, reasons(response)


def test_a_zip_bomb_is_refused_before_the_workbook_is_parsed(world, settings, monkeypatch):
    settings.MOFAN_UPLOAD_MAX_BYTES = 50_000  # unpacked limit: 20 × = about 1 MB
    content = xlsx(rows(1), extra_members=[("xl/media/padding.bin", b"\0" * 3_000_000)])
    assert len(content) < 50_000

    def must_not_parse(*args, **kwargs):
        raise AssertionError("解析了本应拒绝的文件")

    monkeypatch.setattr("mofan.core.excel.load_workbook", must_not_parse)
    response = world.client("admin").post(URL, {"file": upload(content)})
    assert response.status_code == 422
    assert "解压后达 3 MB" in reasons(response) and "已拒绝" in reasons(response)


def test_a_sheet_whose_xml_breaks_after_the_first_rows_is_refused_not_a_server_error(world):
    whole = zipfile.ZipFile(BytesIO(xlsx(rows(3000)))).read("xl/worksheets/sheet1.xml")
    content = xlsx(rows(1), sheet_xml=whole[:len(whole) // 2])  # cut in the middle of a row
    response = world.client("admin").post(URL, {"file": upload(content)})
    assert response.status_code == 422
    assert "文件内容已损坏" in reasons(response)
    assert not Person.objects.filter(name__startswith="导入").exists()


def test_a_refused_sheet_reports_one_clear_reason_and_saves_nothing(world, settings):
    settings.MOFAN_IMPORT_MAX_ROWS = 2
    response = world.client("admin").post(URL, {"file": upload(xlsx(rows(4)))})
    page = response.content.decode()
    assert len(response.context["result"].errors) == 1
    assert "超过 2 行数据" in page
    assert not Person.objects.filter(name__startswith="导入").exists()
