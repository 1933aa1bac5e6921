from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "mofan.evaluation"
    label = "evaluation"
    verbose_name = "考评"

    def ready(self):
        from mofan.core import nav
        from mofan.core.scoping import COMMITTEE, ORG_ADMIN

        nav.register("reports", "考评方案", "evaluation:set_list", roles=[COMMITTEE])
        nav.register("reports", "考评排名", "evaluation:ranking", roles=[COMMITTEE])
        nav.register("reports", "本机关考评得分", "evaluation:mine", roles=[ORG_ADMIN])
