"""Generic screens of attendance records."""

from mofan.core.screens import Screens

from .models import Schedule, SpotCheck


class SpotCheckScreens(Screens):
    model = SpotCheck
    title = "考勤抽查"
    columns = ["date", "time", "org", "absent", "findings", "checked_by"]
    export_columns = ["date", "time", "org", "present", "absent", "findings", "checked_by"]
    form_fields = ["org", "date", "time", "present", "absent", "findings", "checked_by"]
    search = ["findings", "absent"]
    sortable = ["date"]
    select_related = ["org"]


class ScheduleScreens(Screens):
    model = Schedule
    title = "作息时间"
    columns = ["name", "effective_from", "first_month", "last_month", "am_in", "am_out",
               "pm_in", "pm_out", "required_punches"]
    form_fields = ["org", "name", "effective_from", "first_month", "last_month", "am_in",
                   "am_out", "pm_in", "pm_out", "required_punches"]
    select_related = ["org"]

    @classmethod
    def save_form(cls, form, user, new):
        from .services import rules_changed

        obj = form.save()
        rules_changed(obj.org, obj.effective_from)
        return obj
