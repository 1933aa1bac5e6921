"""Facts of 文化惠民 for documents: the large events of the year by name; and the
townships and villages the events went to, for the public version's mask."""

from django.urls import reverse

from mofan.core.facts import LIST, fact, place_names

from .models import Event

GROUP = "文化惠民"


@fact("culture.large_event_list", "大型文化活动", LIST, item="{活动}", parts=("活动", "地点"),
      url=lambda organ, period: reverse("culture:event_list")
      + f"?kind={Event.LARGE}&year={period.start.year}", group=GROUP)
def large_event_list(organ, period):
    rows = (Event.objects.filter(org__organ=organ, kind=Event.LARGE,
                                 date__range=(period.start, period.end))
            .order_by("date", "id").values_list("title", "venue"))
    return [{"活动": title, "地点": venue} for title, venue in rows]


@place_names("乡镇、村（文化活动）")
def event_places(organ):
    for township, village in (Event.objects.filter(org__organ=organ)
                              .values_list("township", "village").distinct()):
        yield township
        yield village
