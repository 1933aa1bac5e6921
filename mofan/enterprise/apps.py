from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    name = "mofan.enterprise"
    label = "enterprise"
    verbose_name = "纾困解难诉求"

    def ready(self):
        from mofan.core import ledger, nav
        from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN

        from .models import Demand

        ledger.register(Demand, namespace="enterprise", days={"": 10})
        admins = [COMMITTEE, ORG_ADMIN, HEAD]
        nav.add_section("service", "服务型", 20)
        nav.register("ledgers", "纾困解难诉求", "enterprise:demand_list", roles=admins)
        nav.register("service", "政企座谈", "enterprise:meeting_list", roles=admins)
        nav.register("service", "联系企业", "enterprise:enterprise_list", roles=admins)
