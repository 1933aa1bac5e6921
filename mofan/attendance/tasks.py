"""Background work of attendance (django-tasks; the worker is ``manage.py db_worker``)."""

from django_tasks import task


@task()
def run_import(run_id: int) -> str:
    from .services import execute_run

    return execute_run(run_id)
