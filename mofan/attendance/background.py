"""Background work of attendance on django-tasks (database backend; the worker is
``manage.py db_worker``, started by ``make demo`` beside the web server)."""

import os

from django.core.files.base import ContentFile
from django_tasks import task

from mofan.core import background
from mofan.core.files import extension

from .models import ImportRun
from .services import check_attendance_upload, execute_run


@task()
def run_import(run_id: int) -> str:
    return execute_run(run_id)


def start_import(organ, upload, user, *, source="", dry_run=False) -> ImportRun:
    """Store the upload and queue its import; the page then polls the run's progress."""
    check_attendance_upload(upload)
    run = ImportRun(org=organ, source=source[:40], filename=os.path.basename(upload.name)[:200],
                    dry_run=dry_run, created_by=user)
    run.file.save(f"{organ.code}-{os.urandom(8).hex()}.{extension(upload.name)}",
                  ContentFile(upload.read()), save=False)
    run.save()
    enqueue(run)
    return run


def enqueue(run: ImportRun) -> None:
    background.enqueue(run_import, run.pk)


def confirm_import(run: ImportRun, user) -> ImportRun:
    """After a clean dry run: the same file, for real."""
    real = ImportRun.objects.create(org=run.org, source=run.source, filename=run.filename,
                                    file=run.file.name, dry_run=False, created_by=user)
    enqueue(real)
    return real


def requeue_interrupted() -> int:
    """Runs queued or running when the worker stopped, whose task no longer waits: queue
    them again (see ``core.background.requeue``)."""
    runs = ImportRun.objects.filter(status__in=[ImportRun.PENDING, ImportRun.RUNNING])
    return background.requeue(run_import, runs, status=ImportRun.PENDING)
