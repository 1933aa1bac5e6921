from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mofan.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from . import files, indicators
        from .ledger_views import register_nav

        indicators.autodiscover()
        files.delete_files_with_rows()
        register_nav()  # 我的待办, 工作日历, 办理时限 (the ledger engine's screens)
