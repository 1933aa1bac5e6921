from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "mofan.orgs"
    label = "orgs"
    verbose_name = "组织与人员"

    def ready(self):
        from mofan.core import nav
        from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN

        admins = [COMMITTEE, ORG_ADMIN, HEAD]
        nav.register("ledgers", "创建活动与责任清单", "orgs:campaign_list", roles=admins)
        nav.register("system", "组织机构", "orgs:org_list", roles=admins)
        nav.register("system", "党组织", "orgs:partyorg_list", roles=admins)
        nav.register("system", "人员", "orgs:person_list", roles=admins)
