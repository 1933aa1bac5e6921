"""文化惠民 indicators. Shows and screenings are 场 summed over events (one event may
count several 场), as the reference counts them; an organ that never recorded a cultural
event has no data (None), not 0."""

from functools import partial

from django.db.models import Sum

from mofan.core import indicators
from mofan.core.indicators import per_organ

from .models import Event

indicators.add_pillar("service", "服务型", 20, prefixes=("culture.",))

indicator = partial(indicators.indicator, group="文化惠民", usage=Event)


def events(period, kind):
    return Event.objects.filter(kind=kind, date__range=(period.start, period.end))


def _define(key, label, unit, kind, field):
    def compute(organ_ids, period):
        return per_organ(events(period, kind), organ_ids, lambda r: r["n"], n=Sum(field))

    def sources(organ, period):
        return events(period, kind).filter(org__organ=organ)

    compute.__name__ = key.replace(".", "_")
    indicator(key, label, unit, sources=sources, counts_rows=False)(compute)
    return compute


large_events = _define("culture.large_events", "举办大型文化活动场次", "场",
                       Event.LARGE, "shows")
opera_to_villages = _define("culture.opera_to_villages", "送戏下乡场次", "场",
                            Event.OPERA, "shows")
films_to_villages = _define("culture.films_to_villages", "送电影下乡场次", "场",
                            Event.FILM, "shows")
training_participants = _define("culture.training_participants", "免费开放培训参与人次",
                                "人次", Event.TRAINING, "audience")
guided_township_events = _define("culture.guided_township_events", "指导乡镇自办文体活动场次",
                                 "场", Event.GUIDED, "shows")
