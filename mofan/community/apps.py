from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "mofan.community"
    label = "community"
    verbose_name = "服务型机关·社区服务"

    def ready(self):
        from django.db.models.signals import post_save

        from mofan.orgs.models import Org

        from .models import give_new_organ_default_kinds

        post_save.connect(give_new_organ_default_kinds, sender=Org,
                          dispatch_uid="community_default_kinds")
        from mofan.core import nav
        from mofan.core.scoping import COMMITTEE, HEAD, MEMBER, ORG_ADMIN

        admins = [COMMITTEE, ORG_ADMIN, HEAD]
        organ_admins = [ORG_ADMIN]
        nav.add_section("service", "服务型", 20)
        nav.register("service", "我的社区服务", "community:my_service",
                     roles=[MEMBER, HEAD, ORG_ADMIN])
        nav.register("service", "社区服务记录", "community:servicerecord_list", roles=admins)
        nav.register("service", "在职党员到社区报到", "community:registration_list", roles=admins)
        nav.register("service", "实事项目", "community:project_list", roles=admins)
        nav.register("service", "结对社区/村", "community:community_list", roles=admins)
        nav.register("service", "服务类型", "community:servicekind_list", roles=organ_admins)
