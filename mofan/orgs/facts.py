"""Facts of the creation campaign for documents (core/facts.py): the mobilisation meeting,
the 实施方案, the 第一责任人, the approach and measures; and the county's name, the first
of the place names a public version masks."""

import re

from django.urls import reverse

from mofan.core.facts import DATE, LIST, TEXT, fact, place_names

from .models import Campaign, GroupMember, Org

GROUP = "创建活动"
# "示例县委直属机关工委" → "示例县": the county (city, district, banner) the tree is about.
_COUNTY = re.compile(r"^(.+?[县市区旗])")


def county_name(organ) -> str:
    """The county named by the top of the organ's tree (the 机关工委), else by the organ."""
    top_id = int(organ.path.strip("/").split("/")[0]) if organ.path else organ.pk
    names = list(Org.objects.filter(pk=top_id).values_list("name", flat=True)) + [organ.name]
    for name in names:
        if m := _COUNTY.match(name):
            return m.group(1)
    return ""


def _campaign(organ, period):
    return (Campaign.objects.filter(org=organ, year=period.start.year)
            .only("pk", "plan_title", "plan_doc_no", "plan_issued_on", "mobilized_on",
                  "approach", "measures").first())


def _campaign_url(organ, period):
    campaign = Campaign.objects.filter(org=organ, year=period.start.year).only("pk").first()
    return reverse("orgs:campaign_detail", args=[campaign.pk]) if campaign else None


def _campaign_fact(key, label, kind, attr):
    def compute(organ, period):
        campaign = _campaign(organ, period)
        return getattr(campaign, attr) if campaign else None

    compute.__name__ = attr
    fact(key, label, kind, url=_campaign_url, group=GROUP)(compute)


_campaign_fact("orgs.mobilized_on", "动员部署会日期", DATE, "mobilized_on")
_campaign_fact("orgs.plan_title", "实施方案标题", TEXT, "plan_title")
_campaign_fact("orgs.plan_doc_no", "实施方案文号", TEXT, "plan_doc_no")
_campaign_fact("orgs.plan_issued_on", "实施方案印发日期", DATE, "plan_issued_on")

_SEPARATORS = re.compile(r"[、，,；;\n]+")


def _items(text):
    return [{"内容": part.strip()} for part in _SEPARATORS.split(text or "") if part.strip()]


@fact("orgs.approach", "创建工作思路（逐项）", LIST, item="{内容}", url=_campaign_url, group=GROUP)
def approach(organ, period):
    campaign = _campaign(organ, period)
    return _items(campaign.approach) if campaign else None


@fact("orgs.measures", "创建主要措施（逐项）", LIST, item="{内容}", url=_campaign_url, group=GROUP)
def measures(organ, period):
    campaign = _campaign(organ, period)
    return _items(campaign.measures) if campaign else None


@fact("orgs.first_responsible", "第一责任人（领导小组组长）职务", TEXT, url=_campaign_url,
      group=GROUP)
def first_responsible(organ, period):
    seat = (GroupMember.objects.filter(campaign__org=organ, campaign__year=period.start.year,
                                       role="leader")
            .select_related("person").first())
    return (seat.person.position or seat.person.name) if seat else None


@fact("orgs.county", "所在县（市、区）名称", TEXT, group=GROUP)
def county(organ, period):
    return county_name(organ)


@place_names("县（市、区）")
def county_places(organ):
    return [county_name(organ)]
