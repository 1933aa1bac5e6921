from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "mofan.appeals"
    label = "appeals"
    verbose_name = "民情台账"

    def ready(self):
        from mofan.core import ledger, nav
        from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN

        from .models import Appeal

        ledger.register(Appeal, list_url="appeals:appeal_list", detail_url="appeals:appeal_detail",
                        act_url="appeals:appeal_act")
        nav.register("ledgers", "民情台账", "appeals:appeal_list", roles=[COMMITTEE, ORG_ADMIN, HEAD])
