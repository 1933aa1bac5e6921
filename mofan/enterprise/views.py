"""Views that are not generic screens: the cadence grid, registering a meeting's demands,
and the county's list of support kinds."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mofan.audit.services import record, snapshot
from mofan.core.excel import xlsx_bytes, xlsx_response
from mofan.core.params import year_nav
from mofan.core.scoping import COMMITTEE
from mofan.core.screens import DetailScreen, visible_or_404
from mofan.core.views import requested_year

from . import services
from .forms import SupportKindFormSet, raised_formset, raised_items
from .models import ChainCommittee, Meeting, SupportKind
from .screens import MeetingScreens

# ------------------------------------------------------------------ cadence grid


@require_GET
def cadence(request):
    committees = list(ChainCommittee.objects.visible_to(request.user).select_related("org"))
    year = requested_year(request)
    wanted = request.GET.get("committee", "")
    committee = next((c for c in committees if str(c.pk) == wanted),
                     committees[0] if committees else None)
    grid = services.cadence_grid(committee, year) if committee else None
    if grid and request.GET.get("export") == "xlsx":
        record("export", committee, label=f"导出联合党委会议缺项一览 {committee} {year}"[:200])
        return xlsx_response(f"{committee.name}{year}年会议缺项一览.xlsx", _grid_xlsx(grid))
    return render(request, "enterprise/cadence.html", {
        "title": "调度·总结·考核一览", "committees": committees, "committee": committee,
        "grid": grid, "year": year, "today": timezone.localdate(),
        "year_nav": year_nav(request, year),
    })


def _grid_xlsx(grid):
    rows = []
    for row in grid.rows:
        for s in row.slots:
            state = "缺" if s.gap else (s.note or "已开")
            rows.append([row.label, row.cadence, s.label, s.count, state])
    return xlsx_bytes("会议缺项", ["类型", "制度", "期间", "次数", "情况"], rows,
                      title=f"{grid.committee.name}{grid.year}年调度·总结·考核一览")


# ------------------------------------------------------------------ 政企座谈 → 诉求


@require_POST
def register_demands(request, pk):
    meeting = visible_or_404(Meeting.objects.all(), request.user, pk)
    if reason := services.registration_refusal(meeting, request.user):
        raise PermissionDenied(reason)
    formset = raised_formset(meeting, request.POST)
    if formset.is_valid():
        raised = raised_items(formset)
        if not raised:
            messages.error(request, "请至少填写一条诉求（企业、诉求类型、诉求内容）。")
        else:
            try:
                created, skipped = services.register_raised(meeting, raised, actor=request.user)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                text = f"已登记为纾困解难诉求 {len(created)} 条"
                if skipped:
                    text += f"；{len(skipped)} 条此前已登记，未重复登记"
                messages.success(request, text + "。")
                return redirect("enterprise:meeting_detail", pk=meeting.pk)
    # The meeting page again, with the rows as typed and the reasons beside them.
    view = DetailScreen(screens=MeetingScreens)
    view.setup(request, pk=pk)
    response = view.get(request, pk)
    response.status_code = 422
    return response


# ------------------------------------------------------------------ support kinds


@require_http_methods(["GET", "POST"])
def support_kinds(request):
    """The county's list of support kinds: everyone reads it, the 机关工委 keeps it."""
    can_edit = request.user.role == COMMITTEE
    SupportKind.ensure_defaults()
    queryset = SupportKind.objects.visible_to(request.user)
    if not can_edit and request.method == "POST":
        raise PermissionDenied("支持类别由机关工委维护")
    if not can_edit:
        return render(request, "enterprise/support_kinds.html",
                      {"title": "支持类别", "kinds": list(queryset), "can_edit": False})
    formset = SupportKindFormSet(request.POST or None, queryset=queryset, prefix="kinds")
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            for form in formset.forms:
                if not form.has_changed():
                    continue
                before = snapshot(form.instance) if form.instance.pk else None
                obj = form.save()
                record("update" if before else "create", obj, before=before,
                       after=snapshot(obj))
        messages.success(request, "支持类别已保存。")
        return redirect("enterprise:support_kinds")
    return render(request, "enterprise/support_kinds.html",
                  {"title": "支持类别", "formset": formset, "can_edit": True},
                  status=422 if formset.errors and request.method == "POST" else 200)
