"""The committee's comparison of organs and the dashboards (ECharts, served by the app).

Charts get their data as JSON (``json_script``) and ``static/mofan/charts.js`` draws them;
every bar, point and cell carries the address of the records behind it."""

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from mofan.audit.services import record
from mofan.core import indicators
from mofan.core.excel import xlsx_bytes, xlsx_response
from mofan.core.indicators import REGISTRY, Period, fmt
from mofan.core.ledger import LEDGERS, OPEN_STATES, RUNNING_STATES
from mofan.core.params import month_param
from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN
from mofan.core.views import organs_in_view, records_url, requested_year
from mofan.orgs.models import Org

from . import services

# The comparison opens on these columns (the first two of each pillar are a fair start;
# the committee picks any others).
DEFAULT_PER_PILLAR = 2
MAX_COLUMNS = 30


def _committee_organs(request):
    if request.user.role != COMMITTEE:
        raise Http404("仅工委管理员可查看")
    return list(organs_in_view(request.user))


# Charts compare the work of the three pillars and the ledgers, not an organ's size.
CHART_PILLARS = ("study", "service", "efficiency", "ledgers")


def default_keys(pillar_keys=None):
    return [ind.key for key, _, inds in indicators.pillars()
            if key and (pillar_keys is None or key in pillar_keys)
            for ind in inds[:DEFAULT_PER_PILLAR]]


def chosen_keys(request):
    """?k=key (repeated), or ?pillar=study for all of one pillar, else the defaults."""
    keys = [k for k in request.GET.getlist("k") if k in REGISTRY]
    pillar = request.GET.get("pillar", "")
    if not keys and pillar:
        keys = [ind.key for key, _, inds in indicators.pillars() if key == pillar
                for ind in inds]
    keys = list(dict.fromkeys(keys))[:MAX_COLUMNS] or default_keys()
    order = [ind.key for _, _, inds in indicators.pillars() for ind in inds]
    return sorted(keys, key=order.index)  # grouped by pillar, as declared


def pillar_spans(keys):
    """[(pillar label, number of columns)] for the header row above the columns."""
    labels = {ind.key: label for _, label, inds in indicators.pillars() for ind in inds}
    spans = []
    for k in keys:
        if spans and spans[-1][0] == labels[k]:
            spans[-1][1] += 1
        else:
            spans.append([labels[k], 1])
    return spans


def _period(request, year):
    month = month_param(request, None)
    if month is not None and month.year == year:
        return services.months_of(year, dt.date(year, 12, 31))[month.month - 1], month
    return Period.year(year), None


@require_GET
def comparison(request):
    organs = _committee_organs(request)
    year = requested_year(request)
    period, month = _period(request, year)
    keys = chosen_keys(request)
    descending = request.GET.get("dir", "desc") != "asc"
    result = services.compare(organs, period, keys, request.GET.get("sort"), descending)
    title = f"{year}年{f'{month.month}月' if month else ''}各机关指标对比"
    if request.GET.get("export") == "xlsx":
        record("export", label=f"导出{title}", object_type="dashboards.comparison")
        return xlsx_response(f"{title}.xlsx", comparison_xlsx(result, title))
    base = [("year", year), *[("k", k) for k in keys]]
    if month:
        base.append(("month", f"{month:%Y-%m}"))
    columns = []
    for i, ind in enumerate(result.columns):
        active = ind.key == result.sort_key
        next_dir = "asc" if active and descending else "desc"
        columns.append({
            "ind": ind, "active": active,
            "sort_url": "?" + urlencode([*base, ("sort", ind.key), ("dir", next_dir)]),
            "total": fmt(result.totals[i]), "average": fmt(result.averages[i]),
        })
    rows = [{
        "organ": organ, "rank": rank,
        "cells": [{"text": fmt(v), "none": v is None,
                   "url": records_url(ind.key, organ.pk, year, month) if v is not None else ""}
                  for ind, v in zip(result.columns, values, strict=True)],
    } for organ, rank, values in result.rows]
    return render(request, "dashboards/comparison.html", {
        "title": title, "year": year, "month": month, "columns": columns, "rows": rows,
        "result": result, "chosen": set(keys), "pillars": indicators.pillars(),
        "spans": pillar_spans([c.key for c in result.columns]),
        "sort_label": REGISTRY[result.sort_key].label if result.sort_key else "",
        "export_url": "?" + urlencode([*base, ("sort", result.sort_key or ""),
                                       ("dir", "desc" if descending else "asc"),
                                       ("export", "xlsx")]),
    })


def comparison_xlsx(result, title) -> bytes:
    """Numbers stay numbers (no unit in the cell: it is in the header); no data is "—"."""
    headers = ["名次", "机关", *[f"{ind.label}（{ind.unit}）" for ind in result.columns]]
    rows = [[rank if rank is not None else "—", organ.name,
             *[v if v is not None else "—" for v in values]]
            for organ, rank, values in result.rows]
    rows.append(["", "合计", *[v if v is not None else "—" for v in result.totals]])
    rows.append(["", "平均", *[v if v is not None else "—" for v in result.averages]])
    return xlsx_bytes("机关对比", headers, rows, title=title)


# ------------------------------------------------------------------ committee dashboard

# The heat map and trend show a handful of indicators: the first of each pillar that
# counts records (a rate has no county trend to add up).


def _first_counts(per_pillar=2):
    out = []
    for key, _, inds in indicators.pillars():
        if key in CHART_PILLARS:
            out += [i.key for i in inds if indicators.summable(i) and i.has_sources][:per_pillar]
    return out


@require_GET
def committee(request):
    organs = _committee_organs(request)
    year = requested_year(request)
    ids = [o.pk for o in organs]
    heat_keys = default_keys(CHART_PILLARS)
    rank_key = request.GET.get("rank")
    rank_key = rank_key if rank_key in REGISTRY else heat_keys[0]
    keys = list(dict.fromkeys([rank_key, *heat_keys]))
    values = indicators.table(ids, Period.year(year), keys)
    names = [o.short_name or o.name for o in organs]

    ranked = sorted(((values[rank_key][o.pk], o) for o in organs if
                     values[rank_key][o.pk] is not None), key=lambda vo: vo[0])
    ranking = {
        "kind": "bar", "title": f"{REGISTRY[rank_key].label}（{REGISTRY[rank_key].unit}）",
        "categories": [o.short_name or o.name for _, o in ranked],
        "values": [v for v, _ in ranked],
        "urls": [records_url(rank_key, o.pk, year) for _, o in ranked],
        "missing": [o.short_name or o.name for o in organs if values[rank_key][o.pk] is None],
    }
    heat = {"kind": "heatmap", "x": [REGISTRY[k].label for k in heat_keys], "y": names,
            "cells": []}
    for xi, k in enumerate(heat_keys):
        col = [values[k][o.pk] for o in organs]
        top = max((v for v in col if v is not None), default=0) or 1
        for yi, organ in enumerate(organs):
            v = values[k][organ.pk]
            if v is not None:
                heat["cells"].append({"x": xi, "y": yi, "v": round(v / top * 100, 1),
                                      "label": fmt(v, REGISTRY[k].unit),
                                      "url": records_url(k, organ.pk, year)})
    trend_keys = _first_counts(1)
    monthly = services.monthly(ids, year, trend_keys)
    months = services.months_of(year)
    compare_url = reverse("dashboards:comparison")
    trend = {"kind": "line", "categories": [f"{p.start.month}月" for p in months],
             "series": [{"name": REGISTRY[k].label,
                         "values": [indicators.county_figure(REGISTRY[k], list(v.values()))
                                    for _, v in monthly[k]],
                         "urls": [f"{compare_url}?" + urlencode(
                             {"year": year, "month": f"{p.start:%Y-%m}", "k": k, "sort": k})
                             for p, _ in monthly[k]]}
                        for k in trend_keys]}
    return render(request, "dashboards/committee.html", {
        "title": f"{year}年全县统计图表", "year": year, "organs": organs,
        "ranking": ranking, "heat": heat, "trend": trend, "rank_key": rank_key,
        "rank_choices": [(label, inds) for key, label, inds in indicators.pillars()],
        "chart_height": max(320, 24 * len(organs) + 80),
    })


# ------------------------------------------------------------------ organ dashboard

PANELS = ("study", "service", "efficiency")
TREND_LINES = 3  # lines per pillar's month-by-month chart (a phone shows three legibly)


def _organ(request):
    user = request.user
    if user.role == COMMITTEE:
        organs = list(organs_in_view(user))
        wanted = request.GET.get("organ", "")
        organ = next((o for o in organs if str(o.pk) == wanted), organs[0] if organs else None)
        if organ is None:
            raise Http404
        return organ, organs
    if user.role in (ORG_ADMIN, HEAD) and user.org_id and user.org.organ_id:
        return user.org.organ, []
    raise Http404("仅工委管理员、单位管理员和负责人可查看")


def _weeks(year, today=None):
    today = today or dt.date.today()
    first = dt.date(year, 1, 1)
    monday = first - dt.timedelta(days=first.weekday())
    out = []
    while monday <= min(dt.date(year, 12, 31), today):
        out.append(monday)
        monday += dt.timedelta(days=7)
    return out


WEEKLY_KEY = "attendance.rate"


@require_GET
def organ(request):
    organ, organs = _organ(request)
    year = requested_year(request)
    shown = [i.key for key, _, inds in indicators.pillars() if key in PANELS for i in inds]
    values = indicators.table([organ.pk], Period.year(year), shown)
    panels, trends = [], []
    months = services.months_of(year)
    for key, label, inds in indicators.pillars():
        if key not in PANELS:
            continue
        figures = [{"ind": i, "text": fmt(values[i.key][organ.pk], i.unit),
                    "url": records_url(i.key, organ.pk, year)
                    if values[i.key][organ.pk] is not None else ""}
                   for i in inds if values[i.key][organ.pk] is not None]
        missing = [i.label for i in inds if values[i.key][organ.pk] is None]
        panels.append({"key": key, "label": label, "figures": figures, "missing": missing})
        keys = [i.key for i in inds if indicators.summable(i) and i.has_sources
                and values[i.key][organ.pk]][:TREND_LINES]
        monthly = services.monthly([organ.pk], year, keys)
        trends.append({"label": label, "json_id": f"trend-{key}", "chart": {
            "kind": "line", "categories": [f"{p.start.month}月" for p in months],
            "series": [{"name": f"{REGISTRY[k].label}（{REGISTRY[k].unit}）",
                        "values": [v[organ.pk] for _, v in monthly[k]],
                        "urls": [records_url(k, organ.pk, year, p.start) for p, _ in monthly[k]]}
                       for k in keys]}})
    weeks = _weeks(year) if WEEKLY_KEY in REGISTRY else []
    weekly = [values[WEEKLY_KEY][organ.pk] for values in indicators.series(
        [organ.pk], [Period(w, w + dt.timedelta(days=6)) for w in weeks], [WEEKLY_KEY])]
    attendance = {"kind": "line", "title": "考勤出勤率（%）",
                  "categories": [f"{w:%m-%d}" for w in weeks],
                  "series": [{"name": "出勤率（%）", "values": weekly,
                              "urls": [records_url(WEEKLY_KEY, organ.pk, year, week=w)
                                       for w in weeks]}]}
    ledger = ledger_by_unit(organ)
    return render(request, "dashboards/organ.html", {
        "title": f"{organ.short_name or organ.name}{year}年统计图表", "organ": organ,
        "organs": organs, "year": year, "panels": panels, "trends": trends,
        "attendance": attendance if any(v is not None for v in weekly) else None,
        "ledger": ledger, "ledger_height": max(240, 36 * len(ledger["categories"]) + 80),
    })


def ledger_by_unit(organ, today=None):
    """Open and overdue items of every ledger by 责任单位, one query per ledger; each bar
    opens that ledger's list filtered to the unit (and to overdue items)."""
    today = today or dt.date.today()
    per_ledger = {}
    for ledger in LEDGERS.values():
        rows = (ledger.model.objects.filter(org__organ=organ, state__in=OPEN_STATES)
                .values("owner_unit").annotate(
                    open=Count("id"),
                    overdue=Count("id", filter=Q(state__in=RUNNING_STATES, deadline__lt=today)))
                .order_by())
        found = {r["owner_unit"]: r for r in rows}
        if found:
            per_ledger[ledger.key] = found
    units = {u for found in per_ledger.values() for u in found}
    opened = {u: sum(f.get(u, {}).get("open", 0) for f in per_ledger.values()) for u in units}
    units = sorted(units, key=lambda u: (opened[u], u or 0))
    names = dict(Org.objects.filter(pk__in=[u for u in units if u]).values_list("pk", "name"))

    def url(ledger, unit, overdue):
        query = {"owner_unit": unit or ""}
        if overdue:
            query["overdue"] = "1"
        return f"{reverse(ledger.url('list'))}?{urlencode(query)}"

    series = []
    for key, found in per_ledger.items():
        ledger = LEDGERS[key]
        series.append({"name": f"{ledger.label}·未逾期", "stack": "open",
                       "values": [found[u]["open"] - found[u]["overdue"] if u in found else None
                                  for u in units],
                       "urls": [url(ledger, u, False) for u in units]})
        series.append({"name": f"{ledger.label}·逾期", "stack": "open", "overdue": True,
                       "values": [found[u]["overdue"] if u in found else None for u in units],
                       "urls": [url(ledger, u, True) for u in units]})
    return {
        "kind": "hbar", "categories": [names.get(u, "未交办") for u in units], "series": series,
        "total_open": sum(opened.values()),
        "total_overdue": sum(r["overdue"] for f in per_ledger.values() for r in f.values()),
    }
