"""What every background run shares (DESIGN.md mechanism 8): its progress written where the
polling page sees it, and requeueing the runs a stopped worker left behind.

A run is a row with a ``status`` and a ``progress`` (0–100); its task is a django-tasks
task taking the row's id. Apps register their requeue with ``register_requeue``; the
``requeue_imports`` command runs them all before the worker starts.
"""

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

_REQUEUERS: list[Callable[[], int]] = []


class Progress:
    """Writes a run's progress as it moves: one small UPDATE for each new percentage (never
    backwards, never 100 before the run is finished).

    Outside a transaction the UPDATE commits at once. Inside the import's own transaction
    (``inside=True``) it would be seen only at the commit, so PostgreSQL writes it on a
    connection of its own; SQLite skips it, since another connection would wait for the
    import's write lock (the bar then moves on when the run finishes)."""

    def __init__(self, model, pk, shown=0):
        self.model, self.pk, self.shown = model, pk, shown
        self._side = None

    def __call__(self, pct, *, inside=False, **fields):
        pct = min(int(pct), 99)
        if pct <= self.shown:
            return
        if inside and connection.vendor != "postgresql":
            return
        self.shown = pct
        if inside:
            self._write_aside({"progress": pct, **fields})
        else:
            self.model.objects.filter(pk=self.pk).update(progress=pct, **fields)

    def _write_aside(self, values):
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        meta, qn = self.model._meta, connection.ops.quote_name
        sets = ", ".join(f"{qn(meta.get_field(k).column)} = %s" for k in values)
        with self._side.cursor() as cur:
            cur.execute(f"UPDATE {qn(meta.db_table)} SET {sets} "  # noqa: S608 (names from _meta)
                        f"WHERE {qn(meta.pk.column)} = %s", [*values.values(), self.pk])

    def close(self):
        if self._side is not None:
            self._side.close()
            self._side = None


def requeue(task, runs, **reset) -> int:
    """Queue again each of ``runs`` (unfinished rows whose ids ``task`` takes) whose task
    no longer waits, resetting it with ``reset``. Run as the worker starts, when no task
    can be running: a task left "running" by a killed worker is marked failed and the run
    queued anew; each import being one transaction, the killed attempt left nothing."""
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.filter(task_path=task.module_path)
    live = {str(a) for a in tasks.filter(status="READY").values_list("args_kwargs", flat=True)}
    n = 0
    for run in runs:
        args = {"args": [run.pk], "kwargs": {}}
        if str(args) in live:
            continue
        with transaction.atomic():
            # The killed attempt's task stays "running" for ever otherwise.
            tasks.filter(status="RUNNING", args_kwargs=args).update(
                status="FAILED", finished_at=timezone.now(),
                exception_class_path="mofan.core.background.WorkerStopped",
                traceback="工作进程在导入过程中停止，导入已重新排队")
            type(run).objects.filter(pk=run.pk).update(progress=0, **reset)
            enqueue(task, run.pk)
        n += 1
    return n


def enqueue(task, pk) -> None:
    """Queue ``task`` for row ``pk`` once the transaction that made the row commits."""
    transaction.on_commit(lambda: task.enqueue(pk))


def register_requeue(fn: Callable[[], int]) -> None:
    if fn not in _REQUEUERS:
        _REQUEUERS.append(fn)


def requeue_all() -> int:
    return sum(fn() for fn in _REQUEUERS)
