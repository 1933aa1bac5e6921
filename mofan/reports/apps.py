from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "mofan.reports"
    label = "reports"
    verbose_name = "报告"

    def ready(self):
        from mofan.core import nav
        from mofan.core.scoping import COMMITTEE, ORG_ADMIN

        organ_wide = [COMMITTEE, ORG_ADMIN]
        nav.register("reports", "年度总结", "reports:summary", roles=organ_wide)
        nav.register("reports", "脱敏地名", "reports:placename_list", roles=organ_wide)
        nav.register_document("reports", "年度工作总结（Word）", "reports:summary_docx",
                              roles=organ_wide, group="年度总结", order=0,
                              note="上一年度的总结，公文版式；先在“年度总结”页预览、核对")
        nav.register_document("reports", "年度工作总结公开版（Word，脱敏）", "reports:summary_docx",
                              roles=organ_wide, query="public=1", group="年度总结", order=0,
                              note="数字和地名替换为 *，用于公开")
