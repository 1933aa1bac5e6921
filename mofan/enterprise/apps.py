from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    name = "mofan.enterprise"
    label = "enterprise"
    verbose_name = "产业链党建与企业服务"

    def ready(self):
        from mofan.core import ledger, nav
        from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN

        from .models import Demand

        ledger.register(Demand, namespace="enterprise", days={"": 10})
        admins = [COMMITTEE, ORG_ADMIN, HEAD]
        nav.add_section("service", "服务型", 20)
        nav.register("ledgers", "纾困解难诉求", "enterprise:demand_list", roles=admins)
        nav.register("service", "产业链联合党委", "enterprise:chaincommittee_list", roles=admins)
        nav.register("service", "联合党委会议", "enterprise:chainmeeting_list", roles=admins)
        nav.register("service", "调度·总结·考核一览", "enterprise:cadence", roles=admins)
        nav.register("service", "政企座谈", "enterprise:meeting_list", roles=admins)
        nav.register("service", "联系企业", "enterprise:enterprise_list", roles=admins)
        nav.register("service", "企业支持", "enterprise:supportrecord_list", roles=admins)
        nav.register("service", "文旅消费券", "enterprise:voucherbatch_list", roles=admins)
