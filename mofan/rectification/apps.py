from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "mofan.rectification"
    label = "rectification"
    verbose_name = "巡察整改"

    def ready(self):
        from mofan.core import ledger, nav
        from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN

        from .models import Problem
        from .services import RATE

        ledger.register(Problem, namespace="rectification", days={"": 40}, steps=[RATE])
        admins = [COMMITTEE, ORG_ADMIN, HEAD]
        nav.add_section("efficiency", "效能型", 30)
        nav.register("ledgers", "巡察整改", "rectification:problem_list", roles=admins)
        nav.register("efficiency", "巡察轮次", "rectification:inspectionround_list", roles=admins)
        # An organ's rules are for everyone in it to follow (Rule.scope.organ_reads).
        nav.register("efficiency", "制度台账", "rectification:rule_list")
