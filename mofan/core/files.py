"""Uploaded files, written once: checked on the way in, stored under generated names,
served only through views that first check the user may see the row holding them."""

import contextlib
import mimetypes
import os
import time
import uuid
import zipfile

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header

# extension -> leading bytes of a real file of that type
SIGNATURES = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
}
DOCUMENTS = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx")


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def human_size(n: int) -> str:
    for unit, size in (("MB", 2**20), ("KB", 2**10)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} 字节"


def check_upload(upload, allowed=DOCUMENTS) -> None:
    """Size, extension, the file's first bytes and, for PDF / Word / Excel, whether its
    structure opens; raises ValidationError in Chinese."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    ext = extension(name)
    if ext not in allowed:
        kinds = "、".join(k.upper() for k in allowed if k != "jpeg")
        raise ValidationError(f"“{name}”的类型不支持，只能上传 {kinds} 文件")
    if upload.size > settings.MOFAN_UPLOAD_MAX_BYTES:
        raise ValidationError(f"“{name}”超过 {human_size(settings.MOFAN_UPLOAD_MAX_BYTES)}")
    if upload.size == 0:
        raise ValidationError(f"“{name}”是空文件")
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(SIGNATURES[ext]):
        raise ValidationError(f"“{name}”的内容与扩展名不符")
    if ext in STRUCTURE_CHECKS:
        try:
            problem = STRUCTURE_CHECKS[ext](upload)
        finally:
            upload.seek(0)
        if problem:
            raise ValidationError(f"“{name}”{problem}，请重新导出或另存后再上传")


def max_unpacked_bytes() -> int:
    """The most an uploaded .docx / .xlsx (a zip) may hold unpacked: office files compress
    their XML about 5–15 times, so 20 times the upload limit is generous for a real file and
    still refuses a zip bomb before anything reads it."""
    return getattr(settings, "MOFAN_UPLOAD_MAX_UNPACKED_BYTES",
                   20 * settings.MOFAN_UPLOAD_MAX_BYTES)


# Beyond the first bytes: a file is accepted only when a reader of its type can open it.
def _pdf_problem(upload) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            return ""  # its structure parsed; the pages need the password to read
        if len(reader.pages) == 0:
            return "不是有效的 PDF 文件（没有页面）"
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError,
            RecursionError, OSError):
        # pypdf reports a broken file through these as well as through its own errors
        return "不是有效的 PDF 文件（无法解析）"
    return ""


# The parts without which Word / Excel / WPS cannot open the file.
OOXML_PARTS = {
    "docx": ("[Content_Types].xml", "word/document.xml"),
    "xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
}


def _ooxml_problem(ext):
    label = {"docx": "Word（.docx）", "xlsx": "Excel（.xlsx）"}[ext]

    def problem(upload) -> str:
        try:
            with zipfile.ZipFile(upload) as archive:
                infos = archive.infolist()
                names = {info.filename for info in infos}
                if any(part not in names for part in OOXML_PARTS[ext]):
                    return f"不是有效的 {label} 文件"
                # a zip bomb: far more inside than any office file of the allowed size
                if sum(i.file_size for i in infos) > max_unpacked_bytes():
                    return f"解压后过大，不是正常的 {label} 文件"
        except (zipfile.BadZipFile, OSError, ValueError):
            return f"不是有效的 {label} 文件（压缩包已损坏）"
        return ""

    return problem


STRUCTURE_CHECKS = {"pdf": _pdf_problem, "docx": _ooxml_problem("docx"),
                    "xlsx": _ooxml_problem("xlsx")}


STALE_UPLOAD_SECONDS = 24 * 3600  # an import's upload waits this long for its confirmation


def remove_stale_uploads() -> None:
    """Temporary import uploads left behind by a killed process (var/imports)."""
    directory = os.path.join(settings.VAR_DIR, "imports")
    if os.path.isdir(directory):
        remove_stale_files(directory, STALE_UPLOAD_SECONDS)


def remove_stale_files(directory: str, older_than: float) -> None:
    """Delete the files in ``directory`` last modified more than ``older_than`` seconds ago
    (temporary uploads a killed process left behind)."""
    cutoff = time.time() - older_than
    with os.scandir(directory) as entries:
        for entry in entries:
            with contextlib.suppress(FileNotFoundError):
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                    os.remove(entry.path)


@deconstructible
class UploadCheck:
    """Model-field validator form of ``check_upload`` (a FileField's ``validators``)."""

    def __init__(self, allowed=DOCUMENTS):
        self.allowed = tuple(allowed)

    def __call__(self, fieldfile):
        upload = getattr(fieldfile, "file", fieldfile)
        if getattr(fieldfile, "_committed", False):
            return  # already stored: it was checked when it came in
        check_upload(upload, self.allowed)

    def __eq__(self, other):
        return isinstance(other, UploadCheck) and other.allowed == self.allowed


@deconstructible
class GeneratedName:
    """``upload_to``: <folder>/<yyyy>/<mm>/<random>.<ext>, never the user's own file name."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        ext = extension(filename) or "bin"
        return f"{self.folder}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{ext}"

    def __eq__(self, other):
        return isinstance(other, GeneratedName) and other.folder == self.folder


def download_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A generated file (xlsx, docx …) as an attachment. Headers come from Django's
    ``content_disposition_header``, the one FileResponse uses for stored files, so every
    download names itself the same way (RFC 6266 ``filename*`` keeps Chinese names)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def file_response(fieldfile, filename: str = "") -> FileResponse:
    """An attachment download; the caller has already checked the user may see it."""
    filename = filename or os.path.basename(fieldfile.name)
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError as exc:  # the row outlived its file (a restore without media …)
        raise Http404(f"文件“{filename}”已不存在，请重新上传") from exc
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


class CleanFileSystemStorage(FileSystemStorage):
    """The upload folder, leaving nothing behind when a write fails: a full disk (ENOSPC)
    or quota in the middle of a file removes the part already written, and the error goes
    on to the view (the row is not saved; the page explains why)."""

    def _save(self, name, content):
        existed = os.path.lexists(self.path(name))
        try:
            return super()._save(name, content)
        except OSError:
            if not existed:
                with contextlib.suppress(OSError):
                    os.remove(self.path(name))
            raise


def _delete_stored_files(sender, instance, **kwargs):
    def delete():
        for field in sender._meta.get_fields():
            if isinstance(field, models.FileField):
                stored = getattr(instance, field.name)
                if stored:
                    stored.storage.delete(stored.name)

    transaction.on_commit(delete)  # a rolled-back delete keeps its files


def delete_files_with_rows():
    """When a row goes, its uploaded files go too (after the transaction commits)."""
    for model in apps.get_models():
        if any(isinstance(f, models.FileField) for f in model._meta.get_fields()):
            post_delete.connect(_delete_stored_files, sender=model, weak=False,
                                dispatch_uid=f"mofan-files-{model._meta.label_lower}")
