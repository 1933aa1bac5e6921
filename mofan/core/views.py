import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import indicators
from .nav import SECTION_LABELS, menu_for
from .params import year_param
from .scoping import COMMITTEE, DOMAIN_ROLES


def default_year():
    """The last complete calendar year: what a year-end summary is about."""
    return dt.date.today().year - 1


def requested_year(request) -> int:
    """?year= when it is a sane year, else the default reporting year."""
    return year_param(request, default_year())


def organs_in_view(user):
    from mofan.orgs.models import Org

    return Org.objects.visible_to(user).filter(kind=Org.ORGAN).order_by("sort", "id")


@require_GET
def home(request):
    user = request.user
    ctx = {"year": default_year()}
    if user.role in DOMAIN_ROLES and user.org_id:
        year = requested_year(request)
        period = indicators.Period.year(year)
        organs = list(organs_in_view(user)) if user.role == COMMITTEE else (
            [user.org.organ] if user.org.organ_id else []
        )
        values = indicators.table([o.pk for o in organs], period)
        ctx.update(
            year=year,
            organs=organs,
            groups=_grouped(values, organs),
        )
    return render(request, "core/home.html", ctx)


# Home page order: the pillars of the reference summary, then the ledgers.
GROUPS = {"orgs": "组织与人员", "study": "学习型", "appeals": "民情台账", "enterprise": "纾困解难",
          "tasks": "创建任务", "rectification": "巡察整改"}


def _grouped(values, organs):
    """[(group label, [(indicator, [value per organ])])] in the order of GROUPS."""
    order = list(GROUPS)
    inds = sorted((indicators.REGISTRY[k] for k in values),
                  key=lambda i: (order.index(i.group) if i.group in order else len(order), i.key))
    groups = {}
    for ind in inds:
        label = GROUPS.get(ind.group, ind.group)
        groups.setdefault(label, []).append((ind, [values[ind.key][o.pk] for o in organs]))
    return list(groups.items())


@require_GET
def section(request, key):
    if key not in SECTION_LABELS or key == "home":
        raise Http404
    items = next((items for k, _, items in menu_for(request.user) if k == key), [])
    return render(request, "core/section.html",
                  {"section_label": SECTION_LABELS[key], "items": items})


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
