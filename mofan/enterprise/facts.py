"""Facts of 产业链党建 for documents: the joint committee's name; and the enterprises'
names, which the public version masks."""

from django.urls import reverse

from mofan.core.facts import TEXT, fact, place_names

from .models import ChainCommittee, Enterprise

GROUP = "产业链党建与纾困解难"


@fact("enterprise.chain_committee", "产业链联合党委名称", TEXT,
      url=lambda organ, period: reverse("enterprise:chaincommittee_list"), group=GROUP)
def chain_committee(organ, period):
    names = (ChainCommittee.objects.filter(org__organ=organ, founded_on__lte=period.end)
             .order_by("founded_on", "id").values_list("name", flat=True))
    return "、".join(names)


@place_names("企业")
def enterprise_places(organ):
    return Enterprise.objects.filter(org__organ=organ).values_list("name", flat=True)
