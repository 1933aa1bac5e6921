"""A real ``db_worker`` killed (SIGKILL) in the middle of a background Excel import of people:
nothing of it is visible, and after ``requeue_imports`` a new worker imports it exactly once
(the attendance worker test's helpers, on the generic import)."""

import textwrap

import pytest
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from mofan.attendance.tests.test_worker import env, requeue_and_work, stalled_worker  # noqa: F401
from mofan.audit.models import AuditLog
from mofan.core.imports import jobs
from mofan.core.imports.models import ImportJob
from mofan.orgs.models import Person

from .test_background_imports import URL, roster

pytestmark = pytest.mark.django_db(transaction=True)
ROWS = 600

# A worker whose import, once every row is saved inside its transaction (the audit row is
# the last write), marks a file and sleeps: the test kills it there, before the commit.
SLOW_WORKER = textwrap.dedent("""
    import sys, time, django
    django.setup()
    from django.core.management import call_command
    from mofan.core import excel
    record = excel.record
    def stalled(*args, **kwargs):
        row = record(*args, **kwargs)
        open(sys.argv[1], "w").close()
        time.sleep(120)
        return row
    excel.record = stalled
    call_command("db_worker", "--interval", "0.1", "--no-startup-delay")
""")


def test_a_worker_killed_mid_import_leaves_no_person_and_the_next_imports_once(
        world, env, tmp_path, settings):  # noqa: F811
    settings.MOFAN_IMPORT_BACKGROUND_ROWS = 100
    client = world.client("admin")
    client.post(URL, {"file": roster(ROWS)})
    check = ImportJob.objects.get()
    assert jobs.execute(check.pk) == ImportJob.DONE  # the check, here; the import, by workers
    client.post(reverse("core:import_job", args=[check.pk]))
    job = ImportJob.objects.get(dry_run=False)
    with stalled_worker(SLOW_WORKER, env, tmp_path / "saved", timeout=60):
        # Saved inside the import's transaction, not committed: nobody sees them.
        assert not Person.objects.filter(name__startswith="后台").exists()
        job.refresh_from_db()
        assert job.status == ImportJob.RUNNING and job.checked >= 500 and job.progress >= 50
        # Saving goes on inside the transaction: PostgreSQL shows it from a side connection,
        # SQLite cannot (its one writer holds the lock) and shows the checking only.
        assert job.saved == (500 if connection.vendor == "postgresql" else 0)
    assert not Person.objects.filter(name__startswith="后台").exists()
    assert not AuditLog.objects.filter(action="import", object_type="orgs.person").exists()

    requeue_and_work(env, timeout=120)

    job.refresh_from_db()
    assert (job.status, job.imported) == (ImportJob.DONE, ROWS)
    assert Person.objects.filter(name__startswith="后台").count() == ROWS
    assert AuditLog.objects.filter(action="import", object_type="orgs.person").count() == 1
    results = DBTaskResult.objects.filter(task_path=jobs.run_import_job.module_path,
                                          args_kwargs={"args": [job.pk], "kwargs": {}})
    assert sorted(results.values_list("status", flat=True)) == ["FAILED", "SUCCESSFUL"]
