"""Uploaded files, written once: checked on the way in, stored under generated names,
served only through views that first check the user may see the row holding them."""

import mimetypes
import os
import uuid

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.http import FileResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible

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
    """Size, extension and the file's first bytes; raises ValidationError in Chinese."""
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


def file_response(fieldfile, filename: str = "") -> FileResponse:
    """An attachment download; the caller has already checked the user may see it."""
    filename = filename or os.path.basename(fieldfile.name)
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return FileResponse(fieldfile.open("rb"), as_attachment=True, filename=filename,
                        content_type=content_type)


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
