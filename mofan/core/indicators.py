"""Indicator registry (DESIGN.md mechanism 3).

Each app declares its statistics in ``<app>/indicators.py``::

    @indicator("orgs.staff_count", "在编在岗人数", "人")
    def staff_count(organ_ids, period):
        return dict(Person.objects.filter(...).values_list("org__organ").annotate(n=Count("id")))

The function answers for many organs and one period in one query and returns
``{organ_id: value}``; organs it leaves out read as 0. ``sources`` (optional) returns the
queryset of records behind one organ's value, so any number in a report links to rows.
Dashboards, bulletins, the summary and the evaluation read only indicators.
"""

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.db.models import Count


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def __str__(self):
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    compute: Callable
    sources: Callable | None = None

    @property
    def group(self) -> str:
        """The record type it counts: "ledgers.appeals.total" and "appeals.x" → "appeals"."""
        parts = self.key.split(".")
        return parts[1] if parts[0] == "ledgers" else parts[0]

    def values(self, organ_ids, period: Period) -> dict:
        organ_ids = list(organ_ids)
        found = self.compute(organ_ids, period)
        return {oid: found.get(oid, 0) for oid in organ_ids}

    def value(self, organ_id, period: Period):
        return self.values([organ_id], period)[organ_id]


REGISTRY: dict[str, Indicator] = {}


def indicator(key: str, label: str, unit: str, *, sources: Callable | None = None):
    def register(fn):
        if key in REGISTRY and REGISTRY[key].compute is not fn:
            raise ValueError(f"indicator {key} registered twice")
        REGISTRY[key] = Indicator(key, label, unit, fn, sources)
        return fn

    return register


def autodiscover():
    for config in apps.get_app_configs():
        if config.name.startswith("mofan."):
            try:
                import_module(f"{config.name}.indicators")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.indicators":
                    raise


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


def table(organ_ids, period: Period, keys=None) -> dict:
    """{key: {organ_id: value}} for the chosen (default: all) indicators."""
    chosen = [REGISTRY[k] for k in (keys or sorted(REGISTRY))]
    token = _shared.set({})
    try:
        return {ind.key: ind.values(organ_ids, period) for ind in chosen}
    finally:
        _shared.reset(token)


ORGAN = "org__organ"


def per_organ(qs, organ_ids, value, **aggregates):
    """One GROUP BY query over the organs asked about: {organ_id: value(row)}."""
    rows = qs.filter(org__organ__in=organ_ids).values(ORGAN).annotate(**aggregates).order_by()
    return {r[ORGAN]: value(r) for r in rows}


def count_per_organ(qs, organ_ids, distinct=False):
    return per_organ(qs, organ_ids, lambda r: r["n"], n=Count("id", distinct=distinct))


def rate(numerator, denominator, digits=1):
    """Percentage, or 0 when there is nothing to divide (a rate of nothing is shown as 0)."""
    return round(100.0 * numerator / denominator, digits) if denominator else 0.0
