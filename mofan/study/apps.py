from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "mofan.study"
    label = "study"
    verbose_name = "学习型机关"

    def ready(self):
        from mofan.core import nav
        from mofan.core.scoping import COMMITTEE, HEAD, MEMBER, ORG_ADMIN

        admins = [COMMITTEE, ORG_ADMIN, HEAD]
        organ_wide = [COMMITTEE, ORG_ADMIN]  # pages about a whole organ
        nav.add_section("study", "学习型", 10)
        nav.register("study", "学习合规一览", "study:compliance", roles=organ_wide)
        nav.register("study", "全县学习合规一览", "study:county_compliance", roles=[COMMITTEE])
        nav.register("study", "月度学习计划", "study:studyplan_list", roles=admins)
        nav.register("study", "学习活动", "study:studysession_list", roles=admins)
        nav.register("study", "党组会议（第一议题）", "study:meeting_list", roles=admins)
        nav.register("study", "红色教育基地", "study:redbase_list", roles=admins)
        nav.register("study", "红色教育服务", "study:redservice_list", roles=admins)
        nav.register("study", "学习台账（Word）", "study:ledger_docx", roles=organ_wide)
        nav.register("study", "我的学习", "study:my_study", roles=[MEMBER, HEAD, ORG_ADMIN])
        nav.register_document("reports", "学习台账（Word）", "study:ledger_docx", roles=organ_wide,
                              group="学习型", note="本机关上一年度全部学习活动，公文版式；"
                              "其他年度在“学习合规一览”页选择")
        nav.register_document("reports", "学习合规一览（Excel）", "study:compliance",
                              roles=organ_wide, query="export=xlsx", group="学习型",
                              note="党支部 × 月份的学习计划、第一议题、主题党日")
