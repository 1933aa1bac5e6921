from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "mofan.appeals"
    label = "appeals"
    verbose_name = "民情台账"

    def ready(self):
        from mofan.core import ledger, nav
        from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN

        from .models import Appeal
        from .services import VISIT

        ledger.register(Appeal, namespace="appeals",
                        days={"": 13, "urgent": 0, "consult": 3, "help": 3, "complaint": 13,
                              "suggestion": 13},
                        kinds={"urgent": "紧急诉求", "consult": "咨询", "help": "求助",
                               "complaint": "投诉", "suggestion": "建议"},
                        steps=[VISIT])
        nav.register("ledgers", "民情台账", "appeals:appeal_list", roles=[COMMITTEE, ORG_ADMIN, HEAD])
