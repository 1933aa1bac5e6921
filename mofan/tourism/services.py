"""Year-on-year growth of the tourism figures.

Growth compares a period with the same months of the year before, over the months present
in both (a month missing in either year is left out of both sums). With no such month, or
nothing to divide by, there is no growth figure: None, shown as “无上年同期数据”, never 0 %.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .models import MonthlyFigure

NO_LAST_YEAR = "无上年同期数据"
MEASURES = ("visitors", "revenue")


def wan(amount):
    """元 → 万元 with two decimals (exact to the 元), None stays None."""
    return None if amount is None else round(Decimal(amount) / 10000, 2)


def year_before(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1)  # always the 1st of a month: no 29 February


def growth(this: dict, last: dict):
    """{month: value} of this period and {month: value} of the year before (keyed by this
    period's months): percent growth over the months present in both, or None."""
    common = [m for m, v in this.items() if v is not None and last.get(m) is not None]
    before = sum((last[m] for m in common), Decimal(0))
    if not common or not before:
        return None
    now = sum((this[m] for m in common), Decimal(0))
    return float(round((Decimal(now) - before) * 100 / before, 1))


def county_rows(organ_ids, period, **filters):
    """The county totals of the period and of the same months a year before."""
    return MonthlyFigure.objects.filter(
        organ_id__in=organ_ids, scenic_area__isnull=True,
        month__range=(year_before(period.start.replace(day=1)), period.end), **filters)


def split_years(rows, period):
    """{organ: ({month: value} this period, {month: value} a year before, keyed by the
    month of this period it compares with)}."""
    found = {}
    for organ, month, value in rows:
        this, last = found.setdefault(organ, ({}, {}))
        if period.start.replace(day=1) <= month <= period.end:
            this[month] = value
        else:
            last[month.replace(year=month.year + 1)] = value
    return found


def yoy_per_organ(organ_ids, period, measure):
    rows = county_rows(organ_ids, period).values_list("organ_id", "month", measure)
    return {organ: growth(this, last)
            for organ, (this, last) in split_years(rows, period).items()}


def compared_months(organ, period, measure):
    """The county rows behind one organ's growth: both years' months present in both."""
    rows = list(county_rows([organ.pk], period).exclude(**{f"{measure}__isnull": True})
                .values_list("month", flat=True))
    start = period.start.replace(day=1)
    this = {m for m in rows if m >= start}
    last = {m.replace(year=m.year + 1) for m in rows if m < start}
    common = this & last
    months = common | {year_before(m) for m in common}
    return county_rows([organ.pk], period).filter(month__in=months)


@dataclass
class MonthRow:
    month: int
    visitors: int | None
    visitors_last: int | None
    revenue: Decimal | None
    revenue_last: Decimal | None

    @property
    def revenue_wan(self):
        return wan(self.revenue)

    @property
    def revenue_last_wan(self):
        return wan(self.revenue_last)

    @property
    def visitors_growth(self):
        return growth({1: self.visitors}, {1: self.visitors_last})

    @property
    def revenue_growth(self):
        return growth({1: self.revenue}, {1: self.revenue_last})


def _table(by, year):
    """by: {(year, month): MonthlyFigure} → (12 MonthRows, totals with growth)."""
    months = []
    for m in range(1, 13):
        now, last = by.get((year, m)), by.get((year - 1, m))
        months.append(MonthRow(m, now and now.visitors, last and last.visitors,
                               now and now.revenue, last and last.revenue))
    totals = {}
    for measure in MEASURES:
        this = {r.month: getattr(r, measure) for r in months if getattr(r, measure) is not None}
        last = {r.month: getattr(r, f"{measure}_last") for r in months
                if getattr(r, f"{measure}_last") is not None}
        totals[measure] = sum(this.values()) if this else None
        totals[f"{measure}_growth"] = growth(this, last)
    totals["revenue_wan"] = wan(totals["revenue"])
    return months, totals


def year_tables(organs, year):
    """For each organ, in one query: the county's months of ``year`` beside the year
    before with totals, and each scenic area's totals of the year ([(area, totals)])."""
    rows = (MonthlyFigure.objects.filter(organ__in=organs, month__year__in=(year - 1, year))
            .select_related("scenic_area"))
    grouped, areas = {}, {}
    for r in rows:
        grouped.setdefault((r.organ_id, r.scenic_area_id), {})[(r.month.year, r.month.month)] = r
        if r.scenic_area_id:
            areas[r.scenic_area_id] = r.scenic_area
    result = []
    for organ in organs:
        months, totals = _table(grouped.get((organ.pk, None), {}), year)
        spots = sorted((a for a in areas.values() if (organ.pk, a.pk) in grouped),
                       key=lambda a: a.name)
        result.append({"organ": organ, "months": months, "totals": totals,
                       "areas": [(a, _table(grouped[(organ.pk, a.pk)], year)[1]) for a in spots]})
    return result


def year_table(organ, year):
    """The county's months of a year beside the year before, and the year's totals with
    growth over the months present in both."""
    block = year_tables([organ], year)[0]
    return block["months"], block["totals"]
