from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mofan.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import background, constraints, facts, files, freshness, indicators
        from .calendar import views as calendar_views
        from .imports import jobs
        from .ledger import reschedule
        from .ledger import views as ledger_views
        from .views import warm_home

        indicators.autodiscover()
        connection_created.connect(freshness.install)  # figures cached until data changes
        freshness.connected_databases()
        if warm_home not in freshness.AFTER_OWN_WRITE:
            freshness.AFTER_OWN_WRITE.append(warm_home)  # a writer's home, before he opens it
        constraints.word_unique_constraints()  # a duplicate key reads as a sentence
        facts.autodiscover()  # facts and place names for documents
        files.delete_files_with_rows()
        files.remove_stale_uploads()  # a killed import's temporary file, at the next start
        ledger_views.register_nav()  # 我的待办, 办理时限
        calendar_views.register_nav()  # 工作日历, 法定节假日安排
        background.register_requeue(jobs.requeue_interrupted)  # manage.py requeue_imports
        assert reschedule.recompute_provisional  # connected to schedule_entered on import
