"""Views that are not generic screens: the roll, the compliance grid, the Word ledger,
the plan and agenda actions, files, and 我的学习."""


from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mofan.audit.services import record
from mofan.core.excel import xlsx_response
from mofan.core.files import download_response, file_response
from mofan.core.gongwen import DOCX_TYPE
from mofan.core.params import month_param, reporting_month, year_nav
from mofan.core.scoping import COMMITTEE
from mofan.core.screens import visible_or_404
from mofan.core.views import organ_choice, organs_in_view, requested_year

from . import exports, services
from .forms import AgendaForm, CopyLastMonthForm, UploadForm, parse_roll, show_entries
from .models import (
    Attendance,
    Meeting,
    SessionFile,
    StudyPlan,
    StudySession,
    month_start,
)


def _visible(model, request, pk, qs=None):
    return visible_or_404(qs if qs is not None else model.objects.all(), request.user, pk)


def _editable(model, request, pk, qs=None):
    obj = _visible(model, request, pk, qs)
    if not obj.can_edit(request.user):
        raise PermissionDenied("您可以查看但无权修改此记录")
    return obj





# ------------------------------------------------------------------ compliance grid


@require_GET
def compliance(request):
    organ, organs = organ_choice(request)
    year = requested_year(request)
    grid = services.compliance_grid(organ, year)
    if request.GET.get("export") == "xlsx":
        record("export", organ, label=f"导出学习合规一览 {organ} {year}")
        return xlsx_response(f"{organ.name}{year}年学习合规一览.xlsx", exports.grid_xlsx(grid))
    return render(request, "study/compliance.html", {
        "title": "学习合规一览", "grid": grid, "organ": organ, "organs": organs, "year": year,
        "year_nav": year_nav(request, year),
    })


@require_GET
def county_compliance(request):
    """Every organ × month, for the 机关工委; each cell opens the organ's own grid."""
    if request.user.role != COMMITTEE:
        raise Http404("仅工委管理员可查看")
    year = requested_year(request)
    rows = services.county_grid(organs_in_view(request.user), year)
    if request.GET.get("export") == "xlsx":
        record("export", label=f"导出全县学习合规 {year}", object_type="study.studyplan")
        return xlsx_response(f"{year}年全县学习合规一览.xlsx", exports.county_xlsx(rows, year))
    return render(request, "study/county_compliance.html", {
        "title": "全县学习合规一览", "rows": rows, "year": year, "months": range(1, 13)})


@require_GET
def ledger_docx(request):
    organ, _ = organ_choice(request)
    year = requested_year(request)
    content = exports.ledger_docx(organ, year, today=timezone.localdate())
    record("export", organ, label=f"导出学习台账 {organ} {year}")
    return download_response(content, f"{organ.name}{year}年度学习台账.docx", DOCX_TYPE)


# ------------------------------------------------------------------ roll (phone-sized)


# The roll page's buttons, in the order a recorder uses them.
ROLL_BUTTONS = [(Attendance.PRESENT, "出席"), (Attendance.ABSENT, "缺席"),
                (Attendance.UNTAKEN, "未点名")]


@require_http_methods(["GET", "POST"])
def roll(request, pk):
    session = _visible(StudySession, request, pk, StudySession.objects.select_related("party_org"))
    can_edit = session.can_edit(request.user)
    rows = list(session.roll.select_related("person"))
    errors = []
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("您无权记录此活动的签到")
        entries, errors = parse_roll(request.POST, rows)
        if not errors:
            try:
                changed = services.set_roll(session, entries, actor=request.user)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, f"签到已保存（更新 {changed} 人）。")
                return redirect("study:roll", pk=session.pk)
        show_entries(rows, entries)
    return render(request, "study/roll.html", {
        "title": "签到", "session": session, "rows": rows, "can_edit": can_edit,
        "errors": errors, "totals": services.attendance_totals(session.roll.all()),
        "statuses": ROLL_BUTTONS, "absences": Attendance.ABSENCE_CHOICES,
    }, status=422 if errors else 200)


@require_POST
def roll_build(request, pk):
    session = _editable(StudySession, request, pk, StudySession.objects.select_related("party_org"))
    added = services.build_roll(session)
    record("update", session, label=f"生成签到名单：{session}"[:200], after={"added": added})
    messages.success(request, f"已按党组织名单加入 {added} 人。")
    return redirect("study:roll", pk=session.pk)


# ------------------------------------------------------------------ files


@require_POST
def file_upload(request, pk):
    session = _editable(StudySession, request, pk, StudySession.objects.select_related("party_org"))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件。")
    else:
        try:
            services.add_file(session, form.cleaned_data["file"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "附件已上传。")
    return redirect("study:studysession_detail", pk=session.pk)


@require_GET
def file_download(request, pk):
    f = _visible(SessionFile, request, pk)
    return file_response(f.file, f.original_name)


@require_http_methods(["GET", "POST"])
def file_delete(request, pk):
    """GET asks (a page of its own, no JavaScript needed); POST deletes."""
    f = _editable(SessionFile, request, pk)
    session_pk, label = f.session_id, str(f)
    if request.method == "GET":
        return render(request, "core/confirm_delete.html", {
            "title": "附件", "object": f,
            "return_url": reverse("study:studysession_detail", args=[session_pk])})
    f.file.delete(save=False)
    f.delete()
    record("delete", object_type="study.sessionfile", object_id=str(pk), label=label)
    messages.success(request, f"已删除附件：{label}")
    return redirect("study:studysession_detail", pk=session_pk)


# ------------------------------------------------------------------ plans


@require_POST
def plan_copy(request, pk):
    plan = _editable(StudyPlan, request, pk, StudyPlan.objects.select_related("party_org"))
    try:
        new = services.copy_plan_to_next_month(plan, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("study:studyplan_detail", pk=plan.pk)
    messages.success(request, f"已复制为{new.month_label}计划（草稿），请修改后报送。")
    return redirect("study:studyplan_edit", pk=new.pk)


@require_http_methods(["GET", "POST"])
def plan_copy_last(request):
    """Start a month's plan from last month's plan of the same party organisation."""
    form = CopyLastMonthForm(request.POST or None, user=request.user,
                             initial={"month": services.next_month(timezone.localdate())})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.copy_last_month(form.cleaned_data["party_org"],
                                           month_start(form.cleaned_data["month"]),
                                           actor=request.user)
        except ValidationError as exc:
            form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, f"已按上月计划生成{new.month_label}计划（草稿），请修改后报送。")
            return redirect("study:studyplan_edit", pk=new.pk)
    return render(request, "study/plan_copy_last.html", {"title": "从上月计划复制", "form": form},
                  status=422 if form.errors else 200)


@require_POST
def plan_file(request, pk):
    plan = _editable(StudyPlan, request, pk, StudyPlan.objects.select_related("party_org"))
    services.file_plan(plan, actor=request.user)
    messages.success(request, f"已报送：{plan}")
    return redirect("study:studyplan_detail", pk=plan.pk)


# ------------------------------------------------------------------ meetings


@require_POST
def meeting_agenda(request, pk):
    meeting = _editable(Meeting, request, pk)
    form = AgendaForm(request.POST)
    if form.is_valid():
        try:
            services.set_agenda(meeting, form.cleaned_data["items"].splitlines(),
                                form.cleaned_data["study_position"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "议程已保存。")
    else:
        messages.error(request, "请填写议题，学习议题序号须为正整数。")
    return redirect("study:meeting_detail", pk=meeting.pk)


@require_POST
def meeting_first_topic(request, pk):
    """One step from the meeting page: its study agenda item becomes its 第一议题 record."""
    meeting = _editable(Meeting, request, pk)
    try:
        session = services.record_first_topic(meeting, actor=request.user,
                                               all_present=request.POST.get("all_present") == "on")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("study:meeting_detail", pk=meeting.pk)
    messages.success(request, f"已登记第一议题：{session}")
    return redirect("study:studysession_detail", pk=session.pk)


# ------------------------------------------------------------------ 我的学习 (phone-sized)


@require_GET
def my_study(request):
    person = request.user.person
    if person is None:
        return render(request, "study/my_study.html", {"title": "我的学习", "person": None})
    month = month_param(request, reporting_month())
    plan = None
    if person.branch_id:
        plan = (StudyPlan.objects.filter(party_org_id=person.branch_id, month=month)
                .select_related("party_org").first())
    year_start = month.replace(month=1)
    mine = (Attendance.objects.filter(person=person, session__date__gte=year_start,
                                      session__date__lte=month.replace(month=12, day=31))
            .select_related("session", "session__party_org")
            .order_by("-session__date", "-session_id"))
    rows = list(mine)
    totals = services.attendance_totals(mine)
    # Sessions this person keeps the roll of (recorder or host) in the month: links to the roll.
    to_record = list(
        StudySession.objects.filter(Q(recorder=person) | Q(host=person),
                                    date__gte=month, date__lt=services.next_month(month))
        .select_related("party_org").order_by("date", "id"))
    return render(request, "study/my_study.html", {
        "title": "我的学习", "person": person, "plan": plan, "month": month, "rows": rows,
        "totals": totals, "year": month.year, "to_record": to_record,
        "prev": services.previous_month(month), "next": services.next_month(month),
    })
