import datetime as dt
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.views.decorators.http import require_GET

from mofan.orgs.models import Org

from . import indicators, nav
from .calendar.views import schedule_reminder
from .nav import SECTION_LABELS, documents_for, menu_for
from .params import (
    date_param,
    month_param,
    reporting_year,
    reporting_year_param,
    year_nav,
)
from .scoping import COMMITTEE, DOMAIN_ROLES, ORG_ADMIN


def default_year():
    """The last complete calendar year: what a year-end summary is about (the demo's year
    and the command line's default; pages open on ``reporting_year``)."""
    return dt.date.today().year - 1


def requested_year(request) -> int:
    """?year= when it is a sane year, else the reporting year (the one rule, in params)."""
    return reporting_year_param(request)


def organs_in_view(user):
    return Org.objects.visible_to(user).filter(kind=Org.ORGAN).order_by("sort", "id")


@functools.lru_cache
def _records_route(script_prefix):
    return reverse("core:indicator_records", args=["KEY", 0]).removesuffix("KEY/0/")


def records_url(key, organ_id, year, month=None, week=None) -> str:
    """The records behind one organ's figure ("" when it has none to show). Pages link
    every figure (a county heat map: 40 organs × 30 figures), so the route is reversed once,
    not for each link."""
    if not indicators.REGISTRY[key].has_sources:
        return ""
    query = {"year": year}
    if month:
        query["month"] = f"{month:%Y-%m}"
    if week:
        query["week"] = f"{week:%Y-%m-%d}"
    return f"{_records_route(get_script_prefix())}{key}/{organ_id}/?{urlencode(query)}"


def organ_choice(request, roles=(COMMITTEE, ORG_ADMIN)):
    """(organ, organs to choose from) for a page about one whole organ: the 机关工委 picks
    any organ under it (``?organ=``, default the first), the other ``roles`` see their own
    organ; everyone else gets a 404."""
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


def home_organs(user) -> list:
    """The organs whose figures the user sees: all under the committee, else his own."""
    if user.role not in DOMAIN_ROLES or not user.org_id:
        return []
    if user.role == COMMITTEE:
        return list(organs_in_view(user))
    return [user.org.organ] if user.org.organ_id else []


def home_tables() -> list[tuple]:
    """The organ ids of every home page's table: each committee's (as its administrators see
    them) and each organ's own."""
    from mofan.accounts.models import User

    tables = {tuple(o.pk for o in home_organs(u)) for u in User.objects.filter(
        role=COMMITTEE, is_active=True, org__isnull=False).select_related("org")}
    tables.update((pk,) for pk in Org.objects.filter(kind=Org.ORGAN).values_list("pk", flat=True))
    return sorted(t for t in tables if t)


def warm_home(request):
    """After a request of the user's wrote: his home table (the reporting year) starts
    computing in the background, so he does not wait for it when he opens the page."""
    organs = home_organs(request.user) if request.user.is_authenticated else []
    if organs:
        indicators.warm([o.pk for o in organs], indicators.Period.year(reporting_year()))


@require_GET
def home(request):
    user = request.user
    ctx = {"year": reporting_year(), "schedule_reminder": schedule_reminder(user)}
    if user.role in DOMAIN_ROLES and user.org_id:
        year = requested_year(request)
        period = indicators.Period.year(year)
        organs = home_organs(user)
        values = indicators.table([o.pk for o in organs], period)
        ctx.update(
            year=year,
            year_nav=year_nav(request, year),
            organs=organs,
            county=user.role == COMMITTEE,
            pillars=_figures(values, organs, user.role == COMMITTEE, year),
            report_links=next((items for k, _, items in menu_for(user) if k == "reports"), []),
        )
    return render(request, "core/home.html", ctx)


@dataclass
class Figure:
    ind: indicators.Indicator
    value: object  # the organ's figure, or for the committee the county's
    text: str  # as shown: value and unit, "—" for no data
    organ: object = None  # the organ whose records it opens (None: a county figure)
    url: str = ""  # its records
    with_data: int = 0  # county figures: how many organs have data
    organs: int = 0


def _figures(values, organs, county, year):
    """[(pillar label, [Figure])] by pillar, each indicator once: the organ's own figure,
    or for the committee the county's (total, or average for rates) over the organs."""
    out = []
    for _, label, inds in indicators.pillars():
        figures = []
        for ind in inds:
            per_organ = [values[ind.key][o.pk] for o in organs]
            if county:
                value = indicators.county_figure(ind, per_organ)
                figures.append(Figure(ind, value, indicators.fmt(value, ind.unit),
                                      with_data=sum(v is not None for v in per_organ),
                                      organs=len(organs)))
            elif organs:
                value = per_organ[0]
                figures.append(Figure(ind, value, indicators.fmt(value, ind.unit), organs[0],
                                      records_url(ind.key, organs[0].pk, year)))
        out.append((label, figures))
    return out


@require_GET
def indicator_records(request, key, organ_id):
    """The records behind one figure (``Indicator.sources``): every number on the home
    page links here. Rows the user may not open himself are counted, not listed."""
    ind = indicators.REGISTRY.get(key)
    organ = next((o for o in home_organs(request.user) if o.pk == organ_id), None)
    if ind is None or ind.sources is None or organ is None:
        raise Http404("没有这项指标，或该机关不在您的管理范围内")
    year = requested_year(request)
    period = requested_period(request, year)
    rows = ind.sources(organ, period)
    total = rows.count()
    if hasattr(rows, "visible_to"):
        rows = rows.visible_to(request.user)
    page = Paginator(rows.order_by("pk"), 50).get_page(request.GET.get("page"))
    return render(request, "core/indicator_records.html", {
        "title": f"{ind.label}·{organ.short_name or organ.name}", "ind": ind, "organ": organ,
        "year": year, "value": indicators.table([organ.pk], period, [key])[key][organ.pk],
        "total": total, "shown": page.paginator.count, "page": page,
        "period": period, "whole_year": period == indicators.Period.year(year),
        "period_query": _period_query(request, year),
    })


def requested_period(request, year) -> indicators.Period:
    """The period a figure is about: ``?month=YYYY-MM`` or ``?week=YYYY-MM-DD`` (seven days
    from that date) when given, else the whole ``year``."""
    month = month_param(request, None)
    if month is not None:
        end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return indicators.Period(month, end)
    week = date_param(request, None, "week")
    if week is not None:
        return indicators.Period(week, week + dt.timedelta(days=6))
    return indicators.Period.year(year)


def _period_query(request, year) -> str:
    """The query string that keeps the (validated) period while paging."""
    if month_param(request, None) is not None:
        return f"year={year}&month={month_param(request, None):%Y-%m}"
    if (week := date_param(request, None, "week")) is not None:
        return f"year={year}&week={week:%Y-%m-%d}"
    return f"year={year}"


@require_GET
def section(request, key):
    if key not in SECTION_LABELS or key == "home":
        raise Http404
    own = reverse("core:section", args=[key])
    items = next((items for k, _, items in menu_for(request.user) if k == key), [])
    return render(request, "core/section.html", {
        "section_label": SECTION_LABELS[key],
        "items": [(label, url) for label, url in items if url != own],
        "documents": documents_for(request.user, key),
        "coming": nav.COMING.get(key, []),
    })


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
