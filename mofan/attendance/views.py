import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mofan.core.params import YEAR_MAX, YEAR_MIN, month_param
from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN
from mofan.core.views import organs_in_view

from . import background, services
from .models import DayStat, ImportRun
from .parsing import FileError


def _organ_choice(request, roles=(COMMITTEE, ORG_ADMIN)):
    """(organ, organs to choose from); others 404."""
    user = request.user
    if user.role == COMMITTEE and COMMITTEE in roles:
        organs = list(organs_in_view(user))
        if not organs:
            raise Http404
        wanted = request.GET.get("organ", "") or request.POST.get("organ", "")
        return next((o for o in organs if str(o.pk) == wanted), organs[0]), organs
    if user.role in roles and user.org_id and user.org.organ_id:
        return user.org.organ, []
    raise Http404("无权查看")


def _day(request) -> dt.date:
    """?date=2025-10-09 within the years the system is about, else today."""
    try:
        day = dt.date.fromisoformat(str(request.GET.get("date", "")).strip())
    except ValueError:
        return timezone.localdate()
    return day if YEAR_MIN <= day.year <= YEAR_MAX else timezone.localdate()


@require_GET
def daily(request):
    organ, organs = _organ_choice(request, (COMMITTEE, ORG_ADMIN, HEAD))
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
    organ, organs = _organ_choice(request)
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
    return render(request, "attendance/mine.html", {
        "title": "我的考勤", "person": person, "month": month, "rows": rows, "counts": counts,
        "prev": (month - dt.timedelta(days=1)).replace(day=1),
        "next": (month + dt.timedelta(days=32)).replace(day=1),
    })


