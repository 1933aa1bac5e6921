"""Optional evidence files and the timeline, always read through their item."""

import os

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from mofan.core.files import check_upload

from .models import LedgerEvent, LedgerFile
from .states import LedgerError


def check_evidence(upload):
    try:
        check_upload(upload)
    except ValidationError as exc:
        raise LedgerError(exc.messages[0]) from exc


def attach(item, upload, *, event=None):
    check_evidence(upload)
    return LedgerFile.objects.create(
        content_type=ContentType.objects.get_for_model(type(item)), object_id=item.pk,
        event=event, file=upload, original_name=os.path.basename(upload.name)[:200],
        size=upload.size)


def timeline(item):
    return (LedgerEvent.objects
            .filter(content_type=ContentType.objects.get_for_model(type(item)), object_id=item.pk)
            .select_related("content_type").prefetch_related("files"))


def files_of(item):
    return LedgerFile.objects.filter(
        content_type=ContentType.objects.get_for_model(type(item)), object_id=item.pk)
