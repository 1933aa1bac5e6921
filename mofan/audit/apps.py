from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mofan.audit"
    label = "audit"
    verbose_name = "安全审计"

    def ready(self):
        from mofan.core import nav
        from mofan.core.scoping import AUDITOR

        nav.register("system", "审计日志", "audit:log", roles=[AUDITOR])
