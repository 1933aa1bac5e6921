from django.apps import AppConfig


class TestLedgerConfig(AppConfig):
    name = "mofan.core.tests.testledger"
    label = "testledger"
    verbose_name = "跑腿事项"

    def ready(self):
        from mofan.core import ledger

        from .models import Errand
        from .services import INSPECT

        ledger.register(Errand, namespace="testledger", days={"": 2, "express": 0},
                        kinds={"express": "加急"}, steps=[INSPECT])
