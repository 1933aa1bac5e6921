"""Background work of attendance on django-tasks (database backend; the worker is
``manage.py db_worker``, started by ``make demo`` beside the web server)."""

import os

from django.core.files.base import ContentFile
from django.db import transaction
from django_tasks import task

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
    transaction.on_commit(lambda: run_import.enqueue(run.pk))


def confirm_import(run: ImportRun, user) -> ImportRun:
    """After a clean dry run: the same file, for real."""
    real = ImportRun.objects.create(org=run.org, source=run.source, filename=run.filename,
                                    file=run.file.name, dry_run=False, created_by=user)
    enqueue(real)
    return real


def requeue_interrupted() -> int:
    """Runs queued or running when the worker stopped, whose task no longer waits: queue
    them again. Called as the worker starts (`make demo`), when no task can be running, so
    a task left "running" by a killed worker is queued anew; the import being one
    transaction, the interrupted attempt left nothing behind."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.filter(task_path=run_import.module_path)
    live = {str(a) for a in tasks.filter(status="READY").values_list("args_kwargs", flat=True)}
    n = 0
    for run in ImportRun.objects.filter(status__in=[ImportRun.PENDING, ImportRun.RUNNING]):
        args = {"args": [run.pk], "kwargs": {}}
        if str(args) not in live:
            with transaction.atomic():
                # The killed attempt's task stays "running" for ever otherwise.
                tasks.filter(status="RUNNING", args_kwargs=args).update(
                    status="FAILED", finished_at=timezone.now(),
                    exception_class_path="mofan.attendance.background.WorkerStopped",
                    traceback="工作进程在导入过程中停止，导入已重新排队")
                ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.PENDING, progress=0)
                enqueue(run)
            n += 1
    return n
