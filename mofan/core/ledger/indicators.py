"""The five indicators every ledger has (``ledgers.<key>.*``), declared by the ledger's
own ``indicators.py`` with ``define_indicators(Model, label)``."""

from django.db.models import Avg, Count, Q
from django.utils import timezone

from mofan.core.indicators import add_pillar, indicator, per_organ, rate, shared

from .states import CLOSED, RUNNING_STATES

# Every ledger's figures are compared under one pillar, whichever app keeps the ledger.
add_pillar("ledgers", "台账", 40, prefixes=("ledgers.",))


def define_indicators(model, label, group=None):
    """Register the ledger's indicators under ``group`` (default: the ledger's own label).
    An organ with no item in the ledger at all has no data (None), not zero."""
    key = f"ledgers.{model._meta.app_label}"
    group = group or str(model._meta.verbose_name)

    def rows(organ_ids, period):
        return shared((model, tuple(organ_ids), period), lambda: _rows(organ_ids, period))

    def _rows(organ_ids, period):
        today = timezone.localdate()
        return per_organ(
            model.objects.registered_in(period), organ_ids, lambda r: r,
            total=Count("id"),
            closed=Count("id", filter=Q(state=CLOSED)),
            on_time=Count("id", filter=Q(state=CLOSED, closed_on_time=True)),
            overdue=Count("id", filter=Q(state__in=RUNNING_STATES, deadline__lt=today)),
            avg_days=Avg("days_to_close", filter=Q(state=CLOSED)),
        ).items()

    def src(extra=None):
        def sources(organ, period):
            qs = model.objects.filter(org__organ=organ).registered_in(period)
            return qs.filter(extra) if extra is not None else qs
        return sources

    def declare(name, label_, unit, sources):
        return indicator(f"{key}.{name}", label_, unit, sources=sources, group=group,
                         usage=model)

    @declare("total", f"{label}登记数", "件", src())
    def total(organ_ids, period):
        return {o: r["total"] for o, r in rows(organ_ids, period)}

    @declare("closed", f"{label}办结数", "件", src(Q(state=CLOSED)))
    def closed(organ_ids, period):
        return {o: r["closed"] for o, r in rows(organ_ids, period)}

    @declare("closed_on_time_rate", f"{label}按期办结率", "%", src(Q(state=CLOSED)))
    def closed_on_time_rate(organ_ids, period):
        return {o: rate(r["on_time"], r["closed"]) for o, r in rows(organ_ids, period)}

    @declare("overdue_open", f"{label}逾期未办结数", "件",
             lambda organ, period: src()(organ, period).overdue())
    def overdue_open(organ_ids, period):
        return {o: r["overdue"] for o, r in rows(organ_ids, period)}

    @declare("avg_days_to_close", f"{label}平均办结天数", "天", src(Q(state=CLOSED)))
    def avg_days_to_close(organ_ids, period):
        return {o: None if r["avg_days"] is None else round(r["avg_days"], 1)
                for o, r in rows(organ_ids, period)}

    return total, closed, closed_on_time_rate, overdue_open, avg_days_to_close
