"""Facts of 全域旅游 for documents: the honours of the year with their levels, the
placings, the scenic areas; and the names a public version masks (scenic areas, their
townships, the places that received honours)."""

from django.urls import reverse

from mofan.core.facts import LIST, fact, place_names

from .models import Honour, ScenicArea

GROUP = "全域旅游"
_LEVEL_ORDER = [level for level, _ in Honour.LEVEL_CHOICES]


def _honours(organ, period):
    return Honour.objects.filter(org__organ=organ, awarded_on__range=(period.start, period.end))


def _honour_url(organ, period):
    return reverse("tourism:honour_list") + f"?year={period.start.year}"


@fact("tourism.honour_list", "文旅荣誉（不含评比名次）", LIST,
      item="{获得者}获评{荣誉}（{级别}）", parts=("获得者", "荣誉", "级别", "授予单位"),
      url=_honour_url, group=GROUP)
def honour_list(organ, period):
    rows = sorted(_honours(organ, period).filter(rank_scope=""),
                  key=lambda h: (_LEVEL_ORDER.index(h.level), h.awarded_on, h.pk))
    return [{"获得者": h.recipient, "荣誉": h.title, "级别": h.get_level_display(),
             "授予单位": h.awarding_body} for h in rows]


@fact("tourism.placings", "文旅评比名次", LIST, item="{评比}{名次}",
      parts=("评比", "名次", "级别"), url=_honour_url, group=GROUP)
def placings(organ, period):
    rows = _honours(organ, period).exclude(rank_scope="").filter(rank__isnull=False)
    rows = sorted(rows, key=lambda h: (h.rank_scope != Honour.PROVINCE, h.awarded_on, h.pk))
    return [{"评比": h.title, "名次": f"{h.get_rank_scope_display()}第{h.rank}名",
             "级别": h.get_level_display()} for h in rows]


@fact("tourism.scenic_areas", "景区", LIST, item="{名称}", parts=("名称", "等级", "乡镇"),
      url=lambda organ, period: reverse("tourism:scenicarea_list"), group=GROUP)
def scenic_areas(organ, period):
    return [{"名称": a.name, "等级": a.get_grade_display(), "乡镇": a.township}
            for a in ScenicArea.objects.filter(org__organ=organ).order_by("name", "id")]


@place_names("景区")
def scenic_area_places(organ):
    for name, township in ScenicArea.objects.filter(org__organ=organ).values_list(
            "name", "township"):
        yield name
        yield township


@place_names("荣誉获得地")
def honour_places(organ):
    return (Honour.objects.filter(org__organ=organ, recipient_kind__in=(
        "county", "village", "scenic_area", "route")).values_list("recipient", flat=True)
        .distinct())
