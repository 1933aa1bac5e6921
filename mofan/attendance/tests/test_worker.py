"""A real ``db_worker`` process killed in the middle of an import (issue 11: "a worker
restart loses no task"): nothing of the interrupted attempt stays behind, and after
``requeue_imports`` a new worker imports the file exactly once."""

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from mofan.attendance import background
from mofan.attendance.models import DayStat, ImportRun, Punch
from mofan.audit.models import AuditLog

from .factories import csv_bytes, people
from .test_import import ROWS

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]

# A worker whose store step, once its rows are written inside the import's transaction,
# marks a file and sleeps: the test kills it there, before the transaction can commit.
SLOW_WORKER = textwrap.dedent("""
    import sys, time, django
    django.setup()
    from django.core.management import call_command
    from mofan.attendance import importing
    store = importing.store_punches
    def stalled(rows):
        n = store(rows)
        open(sys.argv[1], "w").close()
        time.sleep(120)
        return n
    importing.store_punches = stalled
    call_command("db_worker", "--interval", "0.1", "--no-startup-delay")
""")


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def env(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return {**os.environ, "DATABASE_URL": database_url(), "MOFAN_VAR_DIR": str(tmp_path),
            "MOFAN_AUDIT_KEY": settings.MOFAN_AUDIT_KEY, "SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_SETTINGS_MODULE": "mofan.settings", "PYTHONPATH": str(ROOT)}


def wait_for(check, timeout, what):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@contextlib.contextmanager
def stalled_worker(script, env, marker, timeout=15):
    """A worker running ``script`` (argv[1]: ``marker``), once it has touched the marker
    (written inside its import's transaction): killed by SIGKILL when the block ends."""
    slow = subprocess.Popen([sys.executable, "-c", script, str(marker)], env=env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: marker.exists() or slow.poll() is not None, timeout,
                 "the worker to write")
        assert slow.poll() is None, slow.stderr.read().decode()
        yield
    finally:
        slow.send_signal(signal.SIGKILL)
        slow.wait()


def requeue_and_work(env, timeout=30):
    """``requeue_imports``, then a new worker that runs what is queued and stops."""
    call_command("requeue_imports", stdout=open(os.devnull, "w"))  # noqa: SIM115
    subprocess.run([sys.executable, "manage.py", "db_worker", "--batch", "--interval", "0",
                    "--no-startup-delay"], env=env, cwd=ROOT, check=True, timeout=timeout,
                   capture_output=True)


def test_a_worker_killed_mid_import_leaves_nothing_and_the_next_imports_once(world, env, tmp_path):
    people(world)
    run = background.start_import(world.organ, SimpleUploadedFile("打卡.csv", csv_bytes(ROWS)),
                                  world.users["admin"])
    with stalled_worker(SLOW_WORKER, env, tmp_path / "stored"):
        # Written inside the import's transaction, not committed: nobody sees them.
        assert Punch.objects.count() == 0
        run.refresh_from_db()
        assert run.status == ImportRun.RUNNING and run.progress >= 60
    assert (Punch.objects.count(), DayStat.objects.count()) == (0, 0)
    assert not AuditLog.objects.filter(action="import").exists()

    requeue_and_work(env)

    run.refresh_from_db()
    assert (run.status, run.imported, run.duplicates) == (ImportRun.DONE, 3, 0)
    assert Punch.objects.count() == 3
    assert AuditLog.objects.filter(action="import", success=True).count() == 1
    results = DBTaskResult.objects.filter(task_path="mofan.attendance.background.run_import")
    # The killed attempt is marked failed, the new one succeeded: one import, two tries.
    assert sorted(results.values_list("status", flat=True)) == ["FAILED", "SUCCESSFUL"]


def test_requeue_does_not_queue_an_import_whose_task_still_waits(world, env):
    people(world)
    background.start_import(world.organ, SimpleUploadedFile("打卡.csv", csv_bytes(ROWS)),
                            world.users["admin"])
    assert background.requeue_interrupted() == 0
    assert DBTaskResult.objects.count() == 1
