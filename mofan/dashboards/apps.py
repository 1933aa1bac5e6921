from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "mofan.dashboards"
    label = "dashboards"
    verbose_name = "统计图表与机关对比"

    def ready(self):
        from mofan.core import nav
        from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN

        nav.register("reports", "本机关统计图表", "dashboards:organ", roles=[ORG_ADMIN, HEAD])
        nav.register("reports", "全县统计图表", "dashboards:committee", roles=[COMMITTEE])
        nav.register("reports", "机关对比与排名", "dashboards:comparison", roles=[COMMITTEE])
