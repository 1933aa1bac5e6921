"""Generic screens of attendance records."""

from mofan.core.screens import Screens
from mofan.orgs.models import Org

from .models import Absence, ColumnMapping, Policy, Schedule, SpotCheck


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


class PolicyScreens(Screens):
    model = Policy
    title = "考勤规则"
    columns = ["org", "grace_minutes", "severe_late_minutes", "talk_after", "criticise_absent"]
    form_fields = ["org", "grace_minutes", "severe_late_minutes", "talk_after", "criticise_absent"]
    select_related = ["org"]

    @classmethod
    def save_form(cls, form, user, new):
        from .services import rules_changed, stats_range

        obj = form.save()
        lo, _ = stats_range(obj.org)
        if lo:
            rules_changed(obj.org, lo)
        return obj


class AbsenceScreens(Screens):
    model = Absence
    title = "请假与出差"
    columns = ["person", "kind", "start", "end", "part", "note"]
    export_columns = ["person", "kind", "start", "end", "part", "note", "source"]
    form_fields = ["person", "kind", "start", "end", "part", "note"]
    filters = ["kind", "part"]
    search = ["person__name", "note"]
    sortable = ["start"]
    select_related = ["person"]

    @classmethod
    def save_form(cls, form, user, new):
        from .importing import expand
        from .stats import recompute

        # An edit may move the dates or the person: the days it covered before are
        # recomputed too.
        before = (None if new else
                  Absence.objects.filter(pk=form.instance.pk)
                  .values_list("person__org__organ", "start", "end").first())
        obj = form.save()
        organ = obj.person.org.organ
        expand(obj, organ)
        recompute(organ, obj.start, obj.end)
        if before and (before[0], before[1], before[2]) != (organ.pk, obj.start, obj.end):
            recompute(Org.objects.get(pk=before[0]), before[1], before[2])
        return obj


class ColumnMappingScreens(Screens):
    """Per export source: {"表头": "字段"}, fields name, staff_no, user_id, dept, at, date,
    time, approval, shift, 上班1 … 下班3 (see parsing.ALIASES)."""

    model = ColumnMapping
    title = "导入列对应"
    columns = ["org", "source", "mapping"]
    form_fields = ["org", "source", "mapping"]
    select_related = ["org"]
