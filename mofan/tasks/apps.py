from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "mofan.tasks"
    label = "tasks"
    verbose_name = "创建任务"

    def ready(self):
        from mofan.core import ledger, nav
        from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN

        from .models import Task

        ledger.register(Task, namespace="tasks", days={"": 20})
        nav.register("ledgers", "创建任务", "tasks:task_list", roles=[COMMITTEE, ORG_ADMIN, HEAD])
