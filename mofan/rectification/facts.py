"""Facts of 巡察整改 for documents: the inspection rounds fed back in the year and the
rules made or revised to answer their problems."""

from django.urls import reverse

from mofan.core.facts import LIST, fact

from .indicators import _rules
from .models import InspectionRound

GROUP = "巡察整改"


@fact("rectification.rounds", "巡察轮次（本年度反馈）", LIST, item="{轮次}",
      parts=("轮次", "巡察组"),
      url=lambda organ, period: reverse("rectification:inspectionround_list"), group=GROUP)
def rounds(organ, period):
    rows = (InspectionRound.objects
            .filter(org__organ=organ, feedback_on__range=(period.start, period.end))
            .order_by("feedback_on", "id").values_list("name", "inspector"))
    return [{"轮次": name, "巡察组": inspector} for name, inspector in rows]


@fact("rectification.rules", "整改建立和完善的制度", LIST, item="《{制度}》", parts=("制度",),
      url=lambda organ, period: reverse("rectification:rule_list"), group=GROUP)
def rules(organ, period):
    titles = (_rules(period).filter(org__organ=organ).order_by("issued_on", "id")
              .values_list("title", flat=True).distinct())
    return [{"制度": t} for t in dict.fromkeys(titles)]
