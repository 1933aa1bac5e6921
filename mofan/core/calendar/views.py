"""工作日历 screens: the organ's single-day entries, and the entry of a year's official
holiday schedule in the shape of the State Council's notice."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mofan.core import nav
from mofan.core.params import year_param
from mofan.core.scoping import COMMITTEE, ORG_ADMIN
from mofan.core.screens import Screens, bootstrapify
from mofan.core.workcalendar import HOLIDAY_NAMES, SOURCE_LABELS, statutory_holidays

from .models import CalendarOverride
from .services import (
    HolidayEntry,
    ScheduleError,
    calendar_for,
    enter_schedule,
    parse_notice,
    parse_workdays,
    year_missing,
)

ENTERING_ROLES = (COMMITTEE, ORG_ADMIN)
REMIND_FROM_MONTH = 11  # the notice usually comes in the autumn; remind from 1 November


class CalendarOverrideScreens(Screens):
    model = CalendarOverride
    title = "工作日历"
    columns = ["date", "kind", "note", "org"]
    filters = ["kind"]
    search = ["note"]
    sortable = ["date"]
    form_fields = ["org", "date", "kind", "note"]
    select_related = ["org"]
    list_template = "calendar/override_list.html"


def _entering_org(user):
    """The committee enters for all its organs; an organ's administrator for his organ."""
    if user.role not in ENTERING_ROLES or not user.org_id:
        raise PermissionDenied("只有工委管理员或单位管理员可以录入节假日安排")
    return user.org if user.role == COMMITTEE else (user.org.organ or user.org)


def schedule_reminder(user):
    """From 1 November, what an administrator is told while next year's schedule is not
    entered: {"year", "url"} or None."""
    today = timezone.localdate()
    if user.role not in ENTERING_ROLES or not user.org_id or today.month < REMIND_FROM_MONTH:
        return None
    year = today.year + 1
    if not year_missing(_entering_org(user), year):
        return None
    return {"year": year, "url": f"{reverse('calendar:schedule')}?year={year}"}


class HolidayForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    start = forms.DateField(label="放假开始", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label="放假结束", required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    workdays = forms.CharField(label="调休上班", required=False, max_length=100,
                               widget=forms.TextInput(attrs={"placeholder": "如：2月14日、2月28日"}))


HolidayFormSet = forms.formset_factory(HolidayForm, extra=0)


class ScheduleForm(forms.Form):
    notice = forms.CharField(label="通知文号或标题", required=False, max_length=200,
                             help_text="如：国办发明电〔2026〕X号")
    text = forms.CharField(label="通知原文", required=False, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text="可直接粘贴通知正文（“一、元旦：……”），粘贴后不必再填下表")
    file = forms.FileField(label="或上传通知原文（.txt，UTF-8）", required=False)


def _initial_rows(year):
    """The rows of the form: each statutory holiday, prefilled with the computable days."""
    return [{"name": name, "start": days[0], "end": days[-1], "workdays": ""}
            for name, days in statutory_holidays(year).items()]


def _entries(form, rows, year) -> list[HolidayEntry]:
    upload = form.cleaned_data.get("file")
    text = form.cleaned_data.get("text") or ""
    if upload:
        try:
            text = upload.read(200_000).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScheduleError("上传的文件不是 UTF-8 文本，请另存为 UTF-8 编码的 .txt") from exc
    if text.strip():
        return parse_notice(text, year)
    return [HolidayEntry(r["name"], r.get("start"), r.get("end"),
                         parse_workdays(r.get("workdays", ""), year, r["name"]))
            for r in rows if r.get("name") in HOLIDAY_NAMES]


@require_http_methods(["GET", "POST"])
def schedule(request):
    """录入法定节假日安排: one form shaped like the notice, or the notice pasted/uploaded."""
    org = _entering_org(request.user)
    year = year_param(request, timezone.localdate().year + 1)  # the form posts to ?year=
    form = ScheduleForm(request.POST or None, request.FILES or None)
    rows = HolidayFormSet(request.POST or None, initial=_initial_rows(year), prefix="h")
    bootstrapify(form.fields)
    for f in rows:
        bootstrapify(f.fields, small=True)
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        try:
            entries = _entries(form, [r.cleaned_data for r in rows], year)
            _, moved = enter_schedule(org, year, entries, actor=request.user,
                                      notice=form.cleaned_data["notice"])
        except ScheduleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已录入 {year} 年法定节假日安排；重新计算了 {moved} 项暂定的办理时限。")
            return redirect(f"{reverse('calendar:schedule')}?year={year}")
    calendar = calendar_for(org)
    days = [(d, kind, SOURCE_LABELS[source], name)
            for d, kind, source, name in calendar.year_days(year)]
    return render(request, "calendar/schedule.html", {
        "title": "录入法定节假日安排", "year": year, "org": org, "form": form, "rows": rows,
        "days": days, "provisional": calendar.is_provisional(year),
        "prev_year": year - 1, "next_year": year + 1,
    }, status=422 if request.method == "POST" else 200)


def register_nav():
    nav.register("system", "工作日历", "calendar:calendaroverride_list", roles=ENTERING_ROLES)
    nav.register("system", "法定节假日安排", "calendar:schedule", roles=ENTERING_ROLES)


app_name = "calendar"
urlpatterns = [
    path("schedule/", schedule, name="schedule"),
    *CalendarOverrideScreens.urls("days"),
]


