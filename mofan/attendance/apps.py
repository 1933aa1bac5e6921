from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "mofan.attendance"
    label = "attendance"
    verbose_name = "效能型：考勤"

    def ready(self):
        from mofan.core import nav
        from mofan.core.background import register_requeue
        from mofan.core.calendar.services import schedule_entered

        from .background import requeue_interrupted
        from .services import on_schedule_entered

        register_requeue(requeue_interrupted)  # manage.py requeue_imports

        schedule_entered.connect(on_schedule_entered, dispatch_uid="attendance_recompute")
        from django.db.models.signals import post_delete

        from .models import Absence, Schedule
        from .services import absence_deleted, schedule_deleted

        post_delete.connect(absence_deleted, sender=Absence, dispatch_uid="att_absence_del")
        post_delete.connect(schedule_deleted, sender=Schedule, dispatch_uid="att_schedule_del")
        from mofan.orgs.models import Org, Person

        from .services import org_deleted, person_deleted

        # The rollup follows the 日统计 Django's cascade deletes.
        post_delete.connect(person_deleted, sender=Person, dispatch_uid="att_person_del")
        post_delete.connect(org_deleted, sender=Org, dispatch_uid="att_org_del")
        from django.db.models.signals import post_save, pre_save

        from mofan.core.calendar.models import CalendarOverride

        from .services import calendar_day_changed, calendar_day_saving

        pre_save.connect(calendar_day_saving, sender=CalendarOverride, dispatch_uid="att_cal_pre")
        for signal in (post_save, post_delete):
            signal.connect(calendar_day_changed, sender=CalendarOverride,
                           dispatch_uid=f"att_cal_{signal is post_save}")
        from mofan.core.scoping import COMMITTEE, HEAD, MEMBER, ORG_ADMIN

        admins = [COMMITTEE, ORG_ADMIN, HEAD]
        nav.add_section("attendance", "考勤", 30)
        nav.register("attendance", "考勤日统计", "attendance:daily", roles=admins)
        nav.register("attendance", "导入打卡记录", "attendance:import", roles=[COMMITTEE, ORG_ADMIN])
        nav.register("attendance", "考勤周通报", "attendance:week", roles=[COMMITTEE, ORG_ADMIN])
        nav.register("attendance", "考勤月处理", "attendance:month", roles=[COMMITTEE, ORG_ADMIN])
        nav.register("attendance", "情况说明审批", "attendance:explanations", roles=admins)
        nav.register("attendance", "考勤抽查", "attendance:spotcheck_list", roles=admins)
        nav.register("attendance", "请假与出差", "attendance:absence_list", roles=admins)
        nav.register("attendance", "作息时间", "attendance:schedule_list", roles=[COMMITTEE, ORG_ADMIN])
        nav.register("attendance", "考勤规则", "attendance:policy_list", roles=[COMMITTEE, ORG_ADMIN])
        nav.register("attendance", "导入列对应", "attendance:columnmapping_list",
                     roles=[COMMITTEE, ORG_ADMIN])
        nav.register("attendance", "我的考勤", "attendance:mine", roles=[MEMBER, HEAD, ORG_ADMIN])
        nav.register_document("reports", "考勤周通报（Word / Excel）", "attendance:week",
                              roles=[COMMITTEE, ORG_ADMIN], group="考勤",
                              note="在周通报页选择周次，下载已发布的通报")
        nav.register_document("reports", "考勤月处理（Excel）", "attendance:month",
                              roles=[COMMITTEE, ORG_ADMIN], query="export=xlsx", group="考勤",
                              note="本月的处理建议与实际处理；其他月份在月处理页选择")
