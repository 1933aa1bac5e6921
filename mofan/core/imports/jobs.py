"""Excel imports too big for a web request (DESIGN.md mechanisms 4 and 8): the request
counts the sheet's rows and queues it; the worker (``manage.py db_worker``) checks it, or
after the user confirms a clean check imports it in one transaction, all or nothing.

An import is found by the key its ``Screens`` registered here when it was declared, never
by a code path stored with the job.
"""

import datetime as dt
import os
from io import BytesIO

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from mofan.audit.context import actor_for, current_actor
from mofan.audit.services import record
from mofan.core import background
from mofan.core.discovery import import_app_modules
from mofan.core.files import STALE_UPLOAD_SECONDS

from .models import ImportJob

_SCREENS: dict = {}
KEEP_ERRORS = 1000  # problems kept on the job for its page; the count says how many in all


def register(screens) -> str:
    """Called for each ``Screens`` with an importer as it is declared; returns its key."""
    key = f"{screens.model._meta.app_label}.{screens.__name__}"
    _SCREENS[key] = screens
    return key


def screens_for(key: str):
    if key not in _SCREENS:
        import_app_modules("screens")  # the worker loads no URLconf, so no screens yet
    return _SCREENS.get(key)


def start(screens, upload, user, *, rows: int, list_url: str) -> ImportJob:
    """Keep the upload and queue its check; the page then follows the job's progress."""
    remove_stale_files()
    job = ImportJob(importer=screens.import_key, label=screens.label()[:100],
                    list_url=list_url, org=user.org, created_by=user,
                    ip=current_actor.get().ip, filename=os.path.basename(upload.name)[:200],
                    dry_run=True, total=rows)
    job.file.save(upload.name, upload, save=False)
    try:
        with transaction.atomic():
            job.save()
            background.enqueue(run_import_job, job.pk)
    except BaseException:
        job.file.delete(save=False)
        raise
    return job


def confirm(job: ImportJob, user) -> ImportJob | None:
    """After a clean check: the same file, imported for real. One import per check (a
    second click finds the file already taken); None when there is nothing to confirm."""
    if not (job.dry_run and job.status == ImportJob.DONE and job.file):
        return None
    screens = screens_for(job.importer)
    if screens is None or not screens.may_import(user):
        return None
    with transaction.atomic():
        taken = (ImportJob.objects.filter(pk=job.pk, created_by=user, dry_run=True,
                                          status=ImportJob.DONE).exclude(file="")
                 .update(file=""))
        if not taken:
            return None
        real = ImportJob.objects.create(
            importer=job.importer, label=job.label, list_url=job.list_url, org=job.org,
            created_by=user, ip=current_actor.get().ip, filename=job.filename,
            file=job.file.name, dry_run=False, total=job.total)
        background.enqueue(run_import_job, real.pk)
    return real


@task()
def run_import_job(job_id: int) -> str:
    return execute(job_id)


def execute(job_id: int) -> str:
    """The task body: check (or import) the job's file as its user, keeping progress and
    the outcome on the job. Audit rows name that user and address, as in the request."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.finished:
        return job.status
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.RUNNING, progress=0,
                                               checked=0, saved=0)
    user = job.created_by
    progress = background.Progress(ImportJob, job.pk)
    rows = max(job.total, 1)
    reading = 100 if job.dry_run else 60  # the share of the bar for checking the rows

    def checked(n):
        progress(reading * n / rows, checked=n)

    def saved(n):  # inside the import's transaction
        progress(reading + (100 - reading) * n / rows, inside=True, saved=n)

    token = current_actor.set(actor_for(user, job.ip))
    try:
        screens = screens_for(job.importer)
        if screens is None or user is None or not user.is_active or not screens.may_import(user):
            return _finish(job, ImportJob.FAILED, reason="提交导入的账号已无权导入此类记录，未导入任何数据")
        importer = screens.importer(user)
        try:
            with job.file.open("rb") as fh:
                data = BytesIO(fh.read())
        except (FileNotFoundError, ValueError):  # ValueError: the job holds no file
            return _finish(job, ImportJob.FAILED, reason="导入文件已不存在，请重新上传")
        if job.dry_run:
            result = importer.read(data, checked)
        else:
            result = importer.commit(data, checked, saved)
    except Exception as exc:
        _finish(job, ImportJob.FAILED,
                reason=f"导入时发生错误（{type(exc).__name__}），未导入任何数据；请稍后重新上传，或联系系统管理员")
        raise
    finally:
        progress.close()
        current_actor.reset(token)
    return _finish(
        job, ImportJob.DONE if result.ok else ImportJob.REJECTED,
        rows_read=result.rows_read, checked=result.rows_read,
        imported=0 if job.dry_run or not result.ok else len(result.objects),
        saved=0 if job.dry_run or not result.ok else len(result.objects),
        error_count=len(result.errors),
        errors=[[e.row, e.column, e.reason] for e in result.errors[:KEEP_ERRORS]])


def _finish(job, status, **fields) -> str:
    ImportJob.objects.filter(pk=job.pk).update(status=status, progress=100, **fields)
    if status == ImportJob.FAILED:
        record("import", success=False, object_type="core.importjob", object_id=str(job.pk),
               label=f"导入{job.label}失败 {job.filename}"[:200],
               after={"reason": fields.get("reason", "")})
    if not (job.dry_run and status == ImportJob.DONE):
        _drop_file(job)  # kept only for the confirmation of a clean check
    return status


def _drop_file(job):
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def remove_stale_files() -> None:
    """Checks never confirmed leave their file: remove it after a day, as the request's
    own temporary files (``files.STALE_UPLOAD_SECONDS``)."""
    old = timezone.now() - dt.timedelta(seconds=STALE_UPLOAD_SECONDS)
    for job in (ImportJob.objects.filter(dry_run=True, status=ImportJob.DONE, created_at__lt=old)
                .exclude(file="")):
        _drop_file(job)


def requeue_interrupted() -> int:
    runs = ImportJob.objects.filter(status__in=ImportJob.UNFINISHED)
    return background.requeue(run_import_job, runs, status=ImportJob.PENDING, checked=0,
                              saved=0)
