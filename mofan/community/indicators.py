"""服务型 · 在职党员到社区报到 and 实事项目 indicators: one query for many organs each,
grouped by ``org__organ``. Services count once the branch secretary has confirmed them.

An organ that never recorded a service (or a project) reads "—", never 0.
"""

from functools import partial

from django.db.models import Count, F, Q, Sum

from mofan.core import indicators
from mofan.core.indicators import count_per_organ, per_organ
from mofan.orgs.models import Person

from .models import (
    DEFAULT_KINDS,
    UNIT_CHOICES,
    Measure,
    Project,
    Registration,
    ServiceParticipant,
    ServiceRecord,
)

indicators.add_pillar("service", "服务型", 20, prefixes=("community.",))

GROUP = "服务型·社区服务"
service_indicator = partial(indicators.indicator, group=GROUP, usage=ServiceRecord)


def _records(period, **filters):
    return ServiceRecord.objects.filter(status=ServiceRecord.CONFIRMED,
                                        date__range=(period.start, period.end), **filters)


def _participants(period, **filters):
    prefixed = {f"record__{k}": v for k, v in filters.items()}
    return ServiceParticipant.objects.filter(
        record__status=ServiceRecord.CONFIRMED,
        record__date__range=(period.start, period.end), **prefixed)


# --- registrations -----------------------------------------------------------------


def _registered(period):
    """Registrations in force at some time in the period."""
    return Registration.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start),
                                       registered_on__lte=period.end)


@indicators.indicator(
    "community.members_registered", "到社区报到的在职党员", "人", group=GROUP,
    usage=Registration,
    sources=lambda organ, period: Person.objects.filter(
        pk__in=_registered(period).filter(org__organ=organ).values("person")))
def members_registered(organ_ids, period):
    return per_organ(_registered(period), organ_ids, lambda r: r["n"],
                     n=Count("person", distinct=True))


# --- services ----------------------------------------------------------------------


@service_indicator(
    "community.members_serving", "到社区服务的党员", "人",
    sources=lambda organ, period: Person.objects.filter(
        pk__in=_participants(period).filter(org__organ=organ).values("person")))
def members_serving(organ_ids, period):
    return per_organ(_participants(period), organ_ids, lambda r: r["n"],
                     n=Count("person", distinct=True))


@service_indicator(
    "community.service_person_times", "党员参与社区服务人次", "人次",
    sources=lambda organ, period: _participants(period).filter(org__organ=organ))
def service_person_times(organ_ids, period):
    """Each member once per record (the participant rows are unique per record)."""
    return count_per_organ(_participants(period), organ_ids)


@service_indicator(
    "community.service_hours", "党员社区服务时长（按人累计）", "小时", counts_rows=False,
    sources=lambda organ, period: _participants(period).filter(org__organ=organ))
def service_hours(organ_ids, period):
    """Sum over members of each record's hours; records without hours add nothing, and an
    organ whose records carry no hours at all reads "—"."""
    return per_organ(_participants(period), organ_ids,
                     lambda r: float(r["h"]) if r["h"] is not None else None,
                     h=Sum(F("record__hours")))


def _per_kind(rows, kind, organ_ids, period):
    """{(organ_id, kind code): count} for every kind in one GROUP BY, shared by the
    per-kind indicators while ``indicators.table`` computes them."""
    ids = tuple(organ_ids)

    def compute():
        grouped = (rows(period).filter(org__organ__in=ids)
                   .values(indicators.ORGAN, kind).annotate(n=Count("id")).order_by())
        return {(r[indicators.ORGAN], r[kind]): r["n"] for r in grouped}

    return indicators.shared((rows, ids, period), compute)


def _kind_indicators(code, name):
    def person_times(organ_ids, period):
        counts = _per_kind(_participants, "record__kind__code", organ_ids, period)
        return {o: counts[o, code] for o in organ_ids if (o, code) in counts}

    def events(organ_ids, period):
        counts = _per_kind(_records, "kind__code", organ_ids, period)
        return {o: counts[o, code] for o in organ_ids if (o, code) in counts}

    person_times.__name__ = f"service_person_times_{code}"
    events.__name__ = f"service_events_{code}"
    service_indicator(
        f"community.service_person_times.{code}", f"党员参与{name}人次", "人次",
        sources=lambda organ, period: _participants(period, kind__code=code)
        .filter(org__organ=organ))(person_times)
    service_indicator(
        f"community.service_events.{code}", f"{name}服务次数", "次",
        sources=lambda organ, period: _records(period, kind__code=code)
        .filter(org__organ=organ))(events)


for _code, _name in DEFAULT_KINDS:
    _kind_indicators(_code, _name)


# --- 实事项目 --------------------------------------------------------------------------

project_indicator = partial(indicators.indicator, group=GROUP, usage=Project)


def _done(period):
    return Project.objects.filter(status=Project.DONE,
                                  finished_on__range=(period.start, period.end))


def _ongoing(period):
    """Under way at the end of the period (started by then, not finished by then)."""
    return Project.objects.filter(
        Q(status=Project.ONGOING) | Q(status=Project.DONE, finished_on__gt=period.end),
        Q(started_on__isnull=True) | Q(started_on__lte=period.end))


@project_indicator("community.projects_done", "完成实事项目", "个",
                   sources=lambda organ, period: _done(period).filter(org__organ=organ))
def projects_done(organ_ids, period):
    return count_per_organ(_done(period), organ_ids)


@project_indicator("community.projects_ongoing", "正在实施的实事项目", "个",
                   sources=lambda organ, period: _ongoing(period).filter(org__organ=organ))
def projects_ongoing(organ_ids, period):
    return count_per_organ(_ongoing(period), organ_ids)


def _done_in(period, prefix="project__"):
    return Q(**{f"{prefix}status": Project.DONE,
                f"{prefix}finished_on__range": (period.start, period.end)})


def _measures(period, unit):
    return Measure.objects.filter(_done_in(period), unit=unit, quantity__isnull=False)


def _quantities(organ_ids, period):
    """{(organ_id, unit): quantity finished in the period} for every unit an organ ever
    measured in, in one GROUP BY shared by the per-unit indicators."""
    ids = tuple(organ_ids)

    def compute():
        grouped = (Measure.objects.filter(quantity__isnull=False, org__organ__in=ids)
                   .values(indicators.ORGAN, "unit")
                   .annotate(q=Sum("quantity", filter=_done_in(period))).order_by())
        return {(r[indicators.ORGAN], r["unit"]): _number(r["q"]) if r["q"] is not None else 0
                for r in grouped}

    return indicators.shared((Measure, ids, period), compute)


def _quantity_indicator(unit, label):
    def compute(organ_ids, period):
        """Per unit, never across units. An organ that never measured anything in this
        unit reads "—"; one that did, but finished nothing in the period, reads 0."""
        found = _quantities(organ_ids, period)
        return {oid: found.get((oid, unit)) for oid in organ_ids}

    compute.__name__ = f"project_quantity_{unit}"
    indicators.indicator(
        f"community.project_quantity.{unit}", f"完成实事项目工程量（{label}）", label,
        group=GROUP, usage=Measure, counts_rows=False,
        sources=lambda organ, period: _measures(period, unit).filter(org__organ=organ),
    )(compute)


def _number(value):
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


for _unit, _label in UNIT_CHOICES:
    _quantity_indicator(_unit, _label)
