import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mofan.audit.services import record
from mofan.core.excel import xlsx_response
from mofan.core.files import download_response
from mofan.core.gongwen import DOCX_TYPE
from mofan.core.params import YEAR_MAX, YEAR_MIN, month_param
from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN
from mofan.core.views import organ_choice

from . import background, reports, services
from .explanations import do_decide, do_explain, may_decide
from .models import Absence, Bulletin, DayStat, Explanation, ImportRun, MonthCase
from .parsing import FileError


def _day(request) -> dt.date:
    """?date=2025-10-09 within the years the system is about, else today."""
    try:
        day = dt.date.fromisoformat(str(request.GET.get("date", "")).strip())
    except ValueError:
        return timezone.localdate()
    return day if YEAR_MIN <= day.year <= YEAR_MAX else timezone.localdate()


@require_GET
def daily(request):
    organ, organs = organ_choice(request, (COMMITTEE, ORG_ADMIN, HEAD))
    day = _day(request)
    stats = DayStat.objects.visible_to(request.user).filter(organ=organ, date=day)
    units = services.unit_day_counts(stats)
    rows = stats.select_related("person", "org").order_by("org__path", "person__sort",
                                                         "person_id")
    status = request.GET.get("status", "")
    if status in dict(DayStat.STATUS_CHOICES):
        rows = rows.filter(status=status)
    return render(request, "attendance/daily.html", {
        "title": "考勤日统计", "organ": organ, "organs": organs, "day": day, "units": units,
        "rows": rows, "status": status, "statuses": DayStat.STATUS_CHOICES,
        "prev": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
    })


@require_http_methods(["GET", "POST"])
def import_view(request):
    organ, organs = organ_choice(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            run = background.start_import(organ, upload, request.user,
                                        source=request.POST.get("source", "").strip(),
                                        dry_run=request.POST.get("dry_run") == "1")
        except (ValidationError, FileError) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            return redirect("attendance:import_status", run.pk)
    runs = ImportRun.objects.visible_to(request.user).filter(org=organ)[:20]
    return render(request, "attendance/import.html", {
        "title": "导入打卡记录", "organ": organ, "organs": organs, "runs": runs})


@require_http_methods(["GET", "POST"])
def import_status(request, pk):
    run = ImportRun.objects.visible_to(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404
    if request.method == "POST" and run.dry_run and run.status == ImportRun.DONE \
            and not run.rejected and run.can_edit(request.user):
        real = background.confirm_import(run, request.user)
        return redirect("attendance:import_status", real.pk)
    template = ("attendance/_import_progress.html" if request.htmx
                else "attendance/import_status.html")
    return render(request, template, {"title": "导入进度", "run": run})


@require_GET
def mine(request):
    person = request.user.person
    month = month_param(request, timezone.localdate().replace(day=1))
    rows = []
    counts = {}
    if person is not None:
        end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        rows = list(DayStat.objects.filter(person=person, date__range=(month, end))
                    .order_by("date"))
        counts = DayStat.objects.filter(person=person, date__range=(month, end)).aggregate(
            **{s: Count("id", filter=Q(status=s)) for s in DayStat.ANOMALIES})
        explained = {e.date: e for e in Explanation.objects.filter(
            person=person, date__range=(month, end)).order_by("id")}
        for r in rows:
            r.explanation = explained.get(r.date)
    return render(request, "attendance/mine.html", {
        "title": "我的考勤", "person": person, "month": month, "rows": rows, "counts": counts,
        "anomalies": DayStat.ANOMALIES, "kinds": Explanation.KIND_CHOICES,
        "prev": (month - dt.timedelta(days=1)).replace(day=1),
        "next": (month + dt.timedelta(days=32)).replace(day=1),
    })




# ------------------------------------------------------------------ 周通报


def _monday(request) -> dt.date:
    day = _day(request)
    return day - dt.timedelta(days=day.weekday())


@require_http_methods(["GET", "POST"])
def week(request):
    organ, organs = organ_choice(request)
    monday = _monday(request)
    if request.method == "POST":
        try:
            b = reports.publish(organ, monday, actor=request.user,
                                reason=request.POST.get("reason", ""))
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已发布{b}")
        return redirect(f"{request.path}?organ={organ.pk}&date={monday:%Y-%m-%d}")
    bulletins = Bulletin.objects.visible_to(request.user).filter(org=organ, week=monday)
    return render(request, "attendance/week.html", {
        "title": "考勤周通报", "organ": organ, "organs": organs, "monday": monday,
        "summary": reports.week_summary(organ, monday), "bulletins": bulletins,
        "labels": reports.ANOMALY_LABELS,
        "prev": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7),
    })


def _bulletin(request, pk) -> Bulletin:
    b = Bulletin.objects.visible_to(request.user).filter(pk=pk).first()
    if b is None:
        raise Http404
    return b


@require_GET
def bulletin_docx(request, pk):
    b = _bulletin(request, pk)
    record("export", b, label=f"导出{b}（Word）")
    return download_response(reports.bulletin_docx(b), f"{b.org.name}{b}.docx", DOCX_TYPE)


@require_GET
def bulletin_xlsx(request, pk):
    b = _bulletin(request, pk)
    record("export", b, label=f"导出{b}（Excel）")
    return xlsx_response(f"{b.org.name}{b}.xlsx", reports.bulletin_xlsx(b))


# ------------------------------------------------------------------ 月处理


@require_http_methods(["GET", "POST"])
def month(request):
    organ, organs = organ_choice(request)
    first = month_param(request, timezone.localdate().replace(day=1))
    if request.method == "POST":
        n = reports.month_cases(organ, first)
        messages.success(request, f"已按考勤规则生成 {n} 人的月处理建议")
        return redirect(f"{request.path}?organ={organ.pk}&month={first:%Y-%m}")
    cases = (MonthCase.objects.visible_to(request.user)
             .filter(org__organ=organ, month=first).select_related("person", "org", "decided_by"))
    if request.GET.get("export") == "xlsx":
        record("export", organ, label=f"导出考勤月处理 {organ} {first:%Y-%m}")
        return xlsx_response(f"{organ.name}{first:%Y年%m月}考勤月处理.xlsx",
                             reports.month_xlsx(organ, first))
    return render(request, "attendance/month.html", {
        "title": "考勤月处理", "organ": organ, "organs": organs, "month": first, "cases": cases,
        "prev": (first - dt.timedelta(days=1)).replace(day=1),
        "next": (first + dt.timedelta(days=32)).replace(day=1),
    })


@require_POST
def case_decide(request, pk):
    case = MonthCase.objects.editable_by(request.user).filter(pk=pk).first()
    if case is None or request.user.role not in (COMMITTEE, ORG_ADMIN):
        raise Http404
    try:
        reports.decide(case, request.POST.get("decision", ""), actor=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect(f"{reverse('attendance:month')}?organ={case.org.organ_id}"
                    f"&month={case.month:%Y-%m}")


# ------------------------------------------------------------------ 情况说明


@require_GET
def explanations(request):
    if request.user.role not in (COMMITTEE, ORG_ADMIN, HEAD):
        raise Http404
    rows = (Explanation.objects.visible_to(request.user).select_related("person", "org")
            .exclude(person_id=request.user.person_id)[:200])
    return render(request, "attendance/explanations.html", {"title": "情况说明审批",
                                                             "rows": rows})


@require_POST
def explanation_decide(request, pk):
    e = Explanation.objects.visible_to(request.user).filter(pk=pk).first()
    if e is None or not may_decide(e, request.user):
        raise Http404
    try:
        do_decide(e, approve=request.POST.get("approve") == "1", actor=request.user,
                  reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("attendance:explanations")


@require_POST
def explain(request):
    person = request.user.person
    if person is None:
        raise Http404
    try:
        day = dt.date.fromisoformat(request.POST.get("date", ""))
        time = dt.time.fromisoformat(request.POST["time"]) if request.POST.get("time") else None
    except ValueError:
        messages.error(request, "日期或时间格式不正确")
        return redirect("attendance:mine")
    kind = request.POST.get("kind", "")
    if kind not in dict(Explanation.KIND_CHOICES):
        messages.error(request, "请选择情况")
        return redirect("attendance:mine")
    part = request.POST.get("part", "day")
    part = part if part in dict(Absence.PART_CHOICES) else "day"
    try:
        do_explain(person, day, kind=kind, time=time, part=part,
                   reason=request.POST.get("reason", ""), actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "情况说明已提交，等待负责人审批")
    return redirect(f"{reverse('attendance:mine')}?month={day:%Y-%m}")
