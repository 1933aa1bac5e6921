from django.apps import AppConfig


class CultureConfig(AppConfig):
    name = "mofan.culture"
    label = "culture"
    verbose_name = "文化惠民"

    def ready(self):
        from mofan.core import nav
        from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN

        nav.add_section("service", "服务型", 20)
        nav.register("service", "文化惠民活动", "culture:event_list",
                     roles=[COMMITTEE, ORG_ADMIN, HEAD])
