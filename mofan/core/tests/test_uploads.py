"""Uploads (issue 7, finding 10): temporary import files never outlive their import, and a
file is accepted only when a reader of its type can open it, not for its first bytes."""

import os
import time
import zipfile
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from mofan.core.excel import Importer
from mofan.core.files import check_upload, remove_stale_files
from mofan.core.tests.samples import pdf_bytes
from mofan.orgs.models import Person

URL = "/orgs/people/import/"


def roster(*names):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "性别", "所在单位/股室", "政治面貌"])
    for name in names:
        ws.append([name, "男", "办公室", "群众"])
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("花名册.xlsx", buf.getvalue())


@pytest.fixture
def imports_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path / "imports"


def left_in(directory):
    return sorted(os.listdir(directory)) if directory.exists() else []


# ------------------------------------------------------------------ temporary import files


def test_a_dry_run_that_passes_keeps_one_file_until_confirmed(world, imports_dir):
    client = world.client("admin")
    client.post(URL, {"file": roster("周一")})
    assert left_in(imports_dir) == [client.session["mofan_import_token"] + ".xlsx"]


def test_a_confirmed_import_leaves_no_temporary_file(world, imports_dir):
    client = world.client("admin")
    client.post(URL, {"file": roster("周一")})
    response = client.post(URL, {"confirm": "1", "token": client.session["mofan_import_token"]})
    assert response.status_code == 302 and Person.objects.filter(name="周一").exists()
    assert left_in(imports_dir) == []


def test_a_dry_run_that_fails_leaves_no_temporary_file(world, imports_dir):
    response = world.client("admin").post(URL, {"file": roster("")})
    assert response.status_code == 422
    assert left_in(imports_dir) == []


def test_a_commit_the_database_refuses_leaves_no_temporary_file(world, imports_dir):
    wb = Workbook()
    wb.active.append(["姓名", "性别", "所在单位/股室", "政治面貌", "工号"])
    wb.active.append(["周一", "男", "办公室", "群众", "9001"])
    wb.active.append(["周一同号", "男", "办公室", "群众", "9001"])  # unique only in the database
    buf = BytesIO()
    wb.save(buf)
    client = world.client("admin")
    client.post(URL, {"file": SimpleUploadedFile("花名册.xlsx", buf.getvalue())})
    response = client.post(URL, {"confirm": "1", "token": client.session["mofan_import_token"]})
    assert response.status_code == 422 and "未导入任何一行" in response.content.decode()
    assert left_in(imports_dir) == []


def test_an_exception_during_the_commit_leaves_no_temporary_file(world, imports_dir, monkeypatch):
    client = world.client("admin")
    client.post(URL, {"file": roster("周一")})
    token = client.session["mofan_import_token"]

    def crash(self, fileobj):
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr(Importer, "commit", crash)
    with pytest.raises(RuntimeError):
        client.post(URL, {"confirm": "1", "token": token})
    assert left_in(imports_dir) == []


def test_an_exception_during_the_dry_run_leaves_no_temporary_file(world, imports_dir, monkeypatch):
    def crash(self, fileobj):
        raise RuntimeError("解析中断")

    monkeypatch.setattr(Importer, "read", crash)
    with pytest.raises(RuntimeError):
        world.client("admin").post(URL, {"file": roster("周一")})
    assert left_in(imports_dir) == []


def test_a_new_upload_replaces_the_users_unconfirmed_one(world, imports_dir):
    client = world.client("admin")
    client.post(URL, {"file": roster("周一")})
    client.post(URL, {"file": roster("吴二")})
    assert left_in(imports_dir) == [client.session["mofan_import_token"] + ".xlsx"]


def test_files_a_killed_import_left_are_removed_by_the_next_import(world, imports_dir):
    imports_dir.mkdir(parents=True)
    stale, pending = imports_dir / "killed.xlsx", imports_dir / "someone-elses.xlsx"
    stale.write_bytes(b"x")
    pending.write_bytes(b"x")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    client = world.client("admin")
    client.post(URL, {"file": roster("周一")})
    left = left_in(imports_dir)
    assert "killed.xlsx" not in left
    assert "someone-elses.xlsx" in left  # another user's import may still be confirmed


def test_remove_stale_files_keeps_directories_and_fresh_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "fresh.xlsx").write_bytes(b"x")
    remove_stale_files(tmp_path, older_than=3600)
    assert sorted(os.listdir(tmp_path)) == ["fresh.xlsx", "sub"]


# ------------------------------------------------------------------ what a file really is


def _zip(members):
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


def _docx():
    from docx import Document

    buf = BytesIO()
    Document().save(buf)
    return buf.getvalue()


def _xlsx():
    buf = BytesIO()
    Workbook().save(buf)
    return buf.getvalue()


def test_a_real_small_pdf_is_accepted():
    check_upload(SimpleUploadedFile("方案.pdf", pdf_bytes()))


def test_an_encrypted_pdf_is_accepted_because_its_structure_parses():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf_bytes())))
    writer.encrypt("口令")
    buf = BytesIO()
    writer.write(buf)
    check_upload(SimpleUploadedFile("加密.pdf", buf.getvalue()))


@pytest.mark.parametrize("content", [
    b"%PDF-1.4\n<html><script>alert(1)</script></html>",
    b"%PDF" + b"MZ\x90\x00" * 100,
    pdf_bytes()[: len(pdf_bytes()) // 2],        # a real PDF cut in half
])
def test_a_file_starting_with_pdf_magic_but_carrying_other_content_is_refused(content):
    with pytest.raises(ValidationError, match="不是有效的 PDF 文件"):
        check_upload(SimpleUploadedFile("伪装.pdf", content))


def test_the_refusal_of_a_fake_pdf_says_what_to_do():
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("伪装.pdf", b"%PDF-1.4 not really"))
    assert "请重新导出或另存后再上传" in caught.value.messages[0]


def test_a_real_docx_and_xlsx_are_accepted():
    check_upload(SimpleUploadedFile("讲话.docx", _docx()))
    check_upload(SimpleUploadedFile("名单.xlsx", _xlsx()))


@pytest.mark.parametrize("name, content, reason", [
    ("a.docx", _zip({"evil.exe": b"MZ"}), "不是有效的 Word"),
    ("a.docx", _xlsx(), "不是有效的 Word"),                   # an Excel file renamed .docx
    ("a.xlsx", _zip({"[Content_Types].xml": b"<x/>"}), "不是有效的 Excel"),
    ("a.xlsx", b"PK\x03\x04" + b"\0" * 64, "压缩包已损坏"),
])
def test_a_zip_that_is_not_the_office_file_it_claims_is_refused(name, content, reason):
    with pytest.raises(ValidationError, match=reason):
        check_upload(SimpleUploadedFile(name, content))


def test_an_office_file_unpacking_far_beyond_the_upload_limit_is_refused(settings):
    settings.MOFAN_UPLOAD_MAX_BYTES = 50_000
    content = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b" " * 2_000_000})
    assert len(content) < 50_000
    with pytest.raises(ValidationError, match="解压后过大"):
        check_upload(SimpleUploadedFile("a.docx", content))


def test_a_fake_pdf_attached_to_a_ledger_item_saves_nothing(world, settings, tmp_path):
    from mofan.appeals.tests.factories import appeal
    from mofan.core import ledger
    from mofan.core.models import LedgerFile

    settings.MEDIA_ROOT = tmp_path
    item = appeal(world)
    ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person)
    ledger.do_accept(item, actor=world.users["head"])
    with pytest.raises(ledger.LedgerError, match="不是有效的 PDF 文件"):
        ledger.do_submit(item, actor=world.users["head"], result="x",
                         files=[SimpleUploadedFile("回执.pdf", b"%PDF-1.4 <html>")])
    assert not LedgerFile.objects.exists()
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_download_whose_stored_file_is_gone_is_a_404_not_a_server_error(world, settings,
                                                                           tmp_path):
    from mofan.appeals.tests.factories import appeal
    from mofan.core import ledger

    settings.MEDIA_ROOT = tmp_path
    item = appeal(world)
    ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person)
    ledger.do_accept(item, actor=world.users["head"])
    ledger.do_submit(item, actor=world.users["head"], result="x",
                     files=[SimpleUploadedFile("回执.pdf", pdf_bytes())])
    f = ledger.files_of(item).get()
    os.remove(f.file.path)
    response = world.client("head").get(f"/ledger/files/{f.pk}/")
    assert response.status_code == 404


def test_the_next_start_removes_what_a_killed_import_left(imports_dir):
    from mofan.core import files

    imports_dir.mkdir(parents=True)
    stale = imports_dir / "killed.xlsx"
    stale.write_bytes(b"x")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    files.remove_stale_uploads()  # CoreConfig.ready runs it at every start
    assert left_in(imports_dir) == []
