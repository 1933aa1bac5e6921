"""Indicator registry (DESIGN.md mechanism 3).

Each app declares its statistics in ``<app>/indicators.py``::

    @indicator("orgs.staff_count", "在编在岗人数", "人")
    def staff_count(organ_ids, period):
        return dict(Person.objects.filter(...).values_list("org__organ").annotate(n=Count("id")))

The function answers for many organs and one period in one query and returns
``{organ_id: value}``. Each indicator declares its ``group`` (the heading it is shown
under) where it is defined. "No data" is ``None`` — shown as "—", printed as ``null`` —
never a misleading 0: a rate or average with nothing to divide returns None, and when an
indicator names its ``usage`` model, an organ with no row of it at all (a module the organ
never used) reads None; otherwise an organ the function leaves out reads 0.
``sources(organ, period)`` returns the queryset of records behind one organ's value, so
every figure on a page opens its records (``/indicators/<key>/<organ>/``).
Dashboards, bulletins, the summary and the evaluation read only indicators.

While ``table`` (or ``series``: a trend's months as one computation) computes, indicators
reading the same rows share one query through ``shared`` — a ledger's five figures, and
through ``count_in_family`` a family of counts of the same rows under different filters
(sessions by kind, honours by level): a new member of such a family adds no query.
"""

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef

from . import freshness
from .discovery import import_app_modules


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def __str__(self):
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"


RATIO_UNITS = ("%",)  # a left-out organ has nothing to divide: no data
AVERAGE_UNITS = ("天",)


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    compute: Callable
    sources: Callable | None = None
    group: str = ""
    usage: type | None = None  # the model whose rows mean "the organ uses this module"
    counts_rows: bool = True  # for a count, the figure is the number of source rows

    @property
    def has_sources(self) -> bool:
        """(Templates would call ``sources`` itself.)"""
        return self.sources is not None

    @property
    def is_count(self) -> bool:
        """Whether the figure equals the number of records behind it (not a rate, an
        average or a sum)."""
        return self.counts_rows and self.unit not in RATIO_UNITS + AVERAGE_UNITS

    def values(self, organ_ids, period: Period) -> dict:
        organ_ids = list(organ_ids)
        found = self.compute(organ_ids, period)
        missing = [oid for oid in organ_ids if oid not in found]
        users = _users_of(self.usage, organ_ids) if missing and self.usage else None
        return {oid: found[oid] if oid in found else self._missing(oid, users)
                for oid in organ_ids}

    def _missing(self, organ_id, users):
        if self.unit in RATIO_UNITS:
            return None
        if users is not None and organ_id not in users:
            return None
        return 0

    def value(self, organ_id, period: Period):
        return self.values([organ_id], period)[organ_id]


REGISTRY: dict[str, Indicator] = {}

# Pillars (the broad kinds of work) that pages group indicators by when an organ is compared with
# another. Apps declare them and claim their own indicators by key prefix; core knows only
# that a pillar is a label, a position and a set of key prefixes.
PILLARS: dict[str, tuple[int, str]] = {}  # key -> (position, label)
PILLAR_PREFIXES: dict[str, str] = {}  # indicator key prefix ("<app>.") -> pillar key
OTHER_PILLAR = ("", "其他")


def add_pillar(key: str, label: str, position: int, *, prefixes=()):
    """Declare a pillar (apps sharing one declare it alike) and claim the indicators whose
    keys start with ``prefixes`` for it."""
    if key in PILLARS and PILLARS[key][1] != label:
        raise ValueError(f"pillar {key} declared as both {PILLARS[key][1]} and {label}")
    PILLARS[key] = (position, label)
    for prefix in prefixes:
        PILLAR_PREFIXES[prefix] = key


def pillar_of(key: str) -> str:
    """The pillar an indicator belongs to ("" when no app claimed it): the longest
    declared prefix of its key wins."""
    best = ""
    for prefix in PILLAR_PREFIXES:
        if key.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return PILLAR_PREFIXES.get(best, "")


def pillars() -> list[tuple[str, str, list[Indicator]]]:
    """[(pillar key, label, [indicators in declared order])], pillars in their position
    order, the unclaimed indicators last under 其他; empty pillars left out."""
    members: dict[str, list] = {}
    for ind in REGISTRY.values():
        members.setdefault(pillar_of(ind.key), []).append(ind)
    order = sorted(PILLARS.items(), key=lambda kv: kv[1][0])
    out = [(k, label, members[k]) for k, (_, label) in order if members.get(k)]
    if members.get(""):
        out.append((OTHER_PILLAR[0], OTHER_PILLAR[1], members[""]))
    return out


NOT_SUMMABLE = (*RATIO_UNITS, *AVERAGE_UNITS, "名")  # a total of rates or ranks means nothing


def summable(ind) -> bool:
    return ind.unit not in NOT_SUMMABLE


def total(ind, values):
    """合计 over the organs with data (None when none has data or it cannot be summed)."""
    known = [v for v in values if v is not None]
    if not known or not summable(ind):
        return None
    return round(sum(known), 2)


def average(values):
    """平均 over the organs with data: an organ with no data does not pull it to 0."""
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 1) if known else None


def county_figure(ind, values):
    """One figure for many organs: the total when it adds up, else the average."""
    return total(ind, values) if summable(ind) else average(values)


def fmt(value, unit: str = "") -> str:
    """A figure with its unit as pages show it: "—" (and no unit) for no data."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer() and unit != "%":
        value = int(value)
    return f"{value}{unit}" if unit == "%" else f"{value} {unit}".strip()


def indicator(key: str, label: str, unit: str, *, sources: Callable | None = None,
              group: str = "", usage: type | None = None, counts_rows: bool = True):
    def register(fn):
        if key in REGISTRY and REGISTRY[key].compute is not fn:
            raise ValueError(f"indicator {key} registered twice")
        REGISTRY[key] = Indicator(key, label, unit, fn, sources, group or key.split(".")[0],
                                  usage, counts_rows)
        return fn

    return register


def autodiscover():
    import_app_modules("indicators")


_shared: ContextVar[dict | None] = ContextVar("indicator_rows", default=None)


def shared(key, compute):
    """Indicators that read the same grouped rows (a ledger's five) share one query
    while ``table`` computes them; outside ``table`` this just computes."""
    memo = _shared.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _users_of(model, organ_ids) -> set:
    """The organs with any row of ``model`` (shared by the indicators of one module): one
    EXISTS per organ that stops at its first row, rather than a DISTINCT over all of them
    (a county year of 日统计 is a million rows)."""
    ids = tuple(organ_ids)
    # Rows that carry their organ (derived tables) are found by it, without the org join.
    path = "organ" if any(f.name == "organ" for f in model._meta.fields) else ORGAN
    org_model = model._meta.get_field(path.split("__")[0]).related_model
    return shared(("users", model, ids), lambda: set(
        org_model.objects.filter(pk__in=ids)
        .filter(Exists(model.objects.order_by().filter(**{path: OuterRef("pk")})))
        .values_list("pk", flat=True)))


def table(organ_ids, period: Period, keys=None) -> dict:
    """{key: {organ_id: value}} for the chosen (default: all) indicators, in the order
    they were declared; indicators reading the same rows share one query."""
    return series(organ_ids, [period], keys)[0]


def _series(organ_ids, periods, inds):
    """(cache parts, computation) of a series."""
    def compute():
        token = _shared.set({})
        try:
            return [{ind.key: ind.values(organ_ids, p) for ind in inds} for p in periods]
        finally:
            _shared.reset(token)

    return (("indicators.series", tuple(organ_ids), tuple((p.start, p.end) for p in periods),
             tuple(ind.key for ind in inds)), compute)


def series(organ_ids, periods, keys=None) -> list[dict]:
    """``table()`` for each of ``periods`` (a trend's months or weeks) as one computation:
    which organs use a module is asked once for all periods, and the whole series is one
    cache entry (one lookup for a chart, not one per month)."""
    organ_ids, periods = list(organ_ids), list(periods)
    chosen = [REGISTRY[k] for k in (keys or REGISTRY)]
    # Cached until the data changes (core.freshness). A home page has every indicator of
    # its organs: the comparison, charts and ranking of the same organs read theirs off it.
    if len(chosen) < len(REGISTRY):
        found, whole = freshness.cached_only(*_series(organ_ids, periods, REGISTRY.values()))
        if found:
            return [{ind.key: values[ind.key] for ind in chosen} for values in whole]
    return freshness.cached(*_series(organ_ids, periods, chosen))


def warm(organ_ids, period: Period):
    """Start computing every indicator of ``organ_ids`` for ``period`` in the background
    (a home page's table) unless it is cached at the current version."""
    freshness.warm(*_series(list(organ_ids), [period], list(REGISTRY.values())))


def bring_up_to_date(organ_ids, period: Period) -> bool:
    """Compute every indicator of ``organ_ids`` for ``period`` now unless cached at the
    current version (``freshness.bring_up_to_date``); True when computed."""
    return freshness.bring_up_to_date(*_series(list(organ_ids), [period], list(REGISTRY.values())))


ORGAN = "org__organ"


def per_organ(qs, organ_ids, value, **aggregates):
    """One GROUP BY query over the organs asked about: {organ_id: value(row)}."""
    rows = qs.filter(org__organ__in=organ_ids).values(ORGAN).annotate(**aggregates).order_by()
    return {r[ORGAN]: value(r) for r in rows}


def count_per_organ(qs, organ_ids, distinct=False):
    return per_organ(qs, organ_ids, lambda r: r["n"], n=Count("id", distinct=distinct))


def count_in_family(family: dict, name, rows, organ_ids, period):
    """One member of a family of counts of the same rows under different filters
    (``family``: {name: Q}, e.g. sessions by kind): the whole family is counted in one
    GROUP BY with a filtered COUNT each, shared while ``table`` computes them. Organs with
    none are left out, as ``count_per_organ`` leaves them."""
    ids = tuple(organ_ids)

    def compute():
        counted = per_organ(rows(period), ids, lambda r: r, **{
            f"n{i}": Count("id", filter=q) for i, q in enumerate(family.values())})
        return {member: {o: r[f"n{i}"] for o, r in counted.items() if r[f"n{i}"]}
                for i, member in enumerate(family)}

    return shared((rows, ids, period), compute)[name]


def rate(numerator, denominator, digits=1):
    """Percentage, or None (no data) when there is nothing to divide."""
    return round(100.0 * numerator / denominator, digits) if denominator else None


def display(value) -> str:
    """A figure as pages show it: "—" for no data."""
    return "—" if value is None else str(value)
