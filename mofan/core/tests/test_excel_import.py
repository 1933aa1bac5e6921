from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from mofan.audit.models import AuditLog
from mofan.orgs.models import Person

URL = "/orgs/people/import/"
HEADERS = ["姓名", "性别", "所在单位/股室", "职务", "工号", "手机号", "政治面貌", "所在党支部", "入职日期"]


def sheet(rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("花名册.xlsx", buf.getvalue())


GOOD = [
    ["周一", "男", "办公室", "科员", "9001", "13900001111", "中共党员", "机关第一党支部", "2019-07-01"],
    ["吴二", "女", "县图书馆", "馆员", "9002", "", "群众", "", "2020年3月5日"],
]


def test_template_download_has_the_columns(world):
    response = world.client("admin").get("/orgs/people/import/template/")
    ws = load_workbook(BytesIO(response.content)).active
    headers = [c.value for c in ws[1]]
    assert headers[0] == "姓名*" and "政治面貌*" in headers


def test_dry_run_saves_nothing_and_confirm_saves_all(world):
    client = world.client("admin")
    before = Person.objects.count()
    response = client.post(URL, {"file": sheet(GOOD)})
    assert response.status_code == 200 and "检查通过" in response.content.decode()
    assert Person.objects.count() == before
    token = client.session["mofan_import_token"]
    response = client.post(URL, {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert Person.objects.count() == before + 2
    wu = Person.objects.get(name="吴二")
    assert wu.org == world.unit and str(wu.joined_on) == "2020-03-05"
    assert AuditLog.objects.filter(action="import", object_type="orgs.person").count() == 1


def test_bad_rows_are_each_reported_and_nothing_is_saved(world):
    rows = GOOD + [
        ["", "男", "办公室", "", "", "", "群众", "", ""],                 # row 4: no name
        ["郑三", "未知", "办公室", "", "", "", "群众", "", ""],           # row 5: bad gender
        ["钱四", "男", "发改办公室", "", "", "", "群众", "", ""],         # row 6: other organ
        ["孙五", "男", "办公室", "", "", "123", "群众", "", "2020-13-01"],  # row 7: phone, date
    ]
    client = world.client("admin")
    before = Person.objects.count()
    response = client.post(URL, {"file": sheet(rows)})
    page = response.content.decode()
    assert response.status_code == 422
    errors = response.context["result"].errors
    found = {(e.row, e.column) for e in errors}
    assert {(4, "姓名"), (5, "性别"), (6, "所在单位/股室"), (7, "入职日期"), (7, "手机号")} <= found
    assert "不在您的管理范围内" in page
    assert Person.objects.count() == before
    assert "mofan_import_token" not in client.session


def test_a_duplicate_staff_number_inside_the_file_rolls_back_every_row(world):
    rows = [GOOD[0], [*GOOD[0][:4], "9001", *GOOD[0][5:]]]
    rows[1][0] = "周一同号"
    client = world.client("admin")
    before = Person.objects.count()
    client.post(URL, {"file": sheet(rows)})
    response = client.post(URL, {"confirm": "1", "token": client.session["mofan_import_token"]})
    assert response.status_code == 422 and "未导入任何一行" in response.content.decode()
    assert Person.objects.count() == before


def test_a_file_that_is_not_excel_is_refused_with_a_reason(world):
    response = world.client("admin").post(URL, {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert response.status_code == 422
    assert "不是有效的 Excel" in response.content.decode()


def test_a_missing_required_column_is_reported(world):
    response = world.client("admin").post(URL, {"file": sheet([["周一"]], headers=["姓名"])})
    errors = response.context["result"].errors
    assert {(e.row, e.column, e.reason) for e in errors} >= {(1, "性别", "缺少此列")}


def test_confirm_without_a_dry_run_is_refused(world):
    response = world.client("admin").post(URL, {"confirm": "1", "token": "forged"})
    assert response.status_code == 302
    assert Person.objects.filter(name="周一").count() == 0


def test_member_cannot_import(world):
    response = world.client("member").post(URL, {"file": sheet(GOOD)})
    assert response.status_code == 403


def test_an_imported_seven_digit_phone_is_refused_a_landline_with_area_code_kept(world):
    rows = [["周一", "男", "办公室", "", "", "8123456", "群众", "", ""],
            ["吴二", "女", "办公室", "", "", "0797-8123456", "群众", "", ""]]
    response = world.client("admin").post(URL, {"file": sheet(rows)})
    page = response.content.decode()
    assert response.status_code == 422 and "11 位手机号" in page
    response = world.client("admin").post(URL, {"file": sheet(rows[1:])})
    assert response.status_code == 200
