from django.apps import AppConfig


class TourismConfig(AppConfig):
    name = "mofan.tourism"
    label = "tourism"
    verbose_name = "全域旅游"

    def ready(self):
        from mofan.core import nav
        from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN

        admins = [COMMITTEE, ORG_ADMIN, HEAD]
        nav.add_section("service", "服务型", 20)
        nav.register("service", "旅游数据同比", "tourism:summary", roles=admins)
        nav.register("service", "旅游月度数据", "tourism:monthlyfigure_list", roles=admins)
        nav.register("service", "景区", "tourism:scenicarea_list", roles=admins)
        nav.register("service", "文旅荣誉", "tourism:honour_list", roles=admins)
