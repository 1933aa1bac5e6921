import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mofan.core.files import GeneratedName, check_upload
from mofan.core.tests.samples import pdf_bytes

PDF = pdf_bytes()


@pytest.mark.parametrize("name, content, reason", [
    ("a.exe", b"MZ...", "类型不支持"),
    ("a.pdf", b"", "空文件"),
    ("a.pdf", b"PK\x03\x04 zip pretending", "内容与扩展名不符"),
    ("a.png", PDF, "内容与扩展名不符"),
])
def test_bad_uploads_are_refused_with_a_reason(name, content, reason):
    with pytest.raises(ValidationError, match=reason):
        check_upload(SimpleUploadedFile(name, content))


def test_oversized_upload_is_refused(settings):
    settings.MOFAN_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="超过 100 字节"):
        check_upload(SimpleUploadedFile("a.pdf", PDF))


def test_a_real_pdf_passes_and_can_be_read_again():
    upload = SimpleUploadedFile("方案.PDF", PDF)
    check_upload(upload)
    assert upload.read() == PDF


def test_stored_names_are_generated_not_the_users():
    name = GeneratedName("rules")(None, "../../etc/通知.PDF")
    assert name.startswith("rules/") and name.endswith(".pdf")
    assert "通知" not in name and ".." not in name


def test_rule_file_is_downloaded_by_insiders_only(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = world.client("admin")
    response = client.post("/rectification/rules/new/", {
        "title": "考勤管理制度", "doc_no": "文广发〔2025〕1号", "issued_on": "2025-05-01",
        "status": "current", "change": "created",
        "file": SimpleUploadedFile("考勤管理制度.pdf", PDF)})
    assert response.status_code == 302, response.content.decode()[:500]
    detail = client.get(response.url).content.decode()
    assert "下载" in detail and "/media/" not in detail
    download = client.get(response.url + "file/")
    assert b"".join(download.streaming_content) == PDF
    assert world.client("outsider").get(response.url + "file/").status_code == 404


def test_rule_with_a_fake_pdf_is_refused_and_nothing_is_saved(world, settings, tmp_path):
    from mofan.rectification.models import Rule

    settings.MEDIA_ROOT = tmp_path
    response = world.client("admin").post("/rectification/rules/new/", {
        "title": "假文件", "issued_on": "2025-05-01", "status": "current", "change": "created",
        "file": SimpleUploadedFile("x.pdf", b"not a pdf")})
    assert response.status_code == 422 and "内容与扩展名不符" in response.content.decode()
    assert not Rule.objects.filter(title="假文件").exists()
    assert not list(tmp_path.rglob("*.pdf"))


def test_deleting_a_rule_removes_its_stored_file(world, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    client = world.client("admin")
    response = client.post("/rectification/rules/new/", {
        "title": "保密制度", "issued_on": "2025-05-01", "status": "current", "change": "created",
        "file": SimpleUploadedFile("保密制度.pdf", PDF)})
    assert len(list(tmp_path.rglob("*.pdf"))) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(response.url + "delete/").status_code == 302
    assert list(tmp_path.rglob("*.pdf")) == []
