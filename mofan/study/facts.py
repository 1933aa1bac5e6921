"""Facts of 学习型 for documents: the red-education bases and the seminars' themes."""

import re

from django.urls import reverse

from mofan.core.facts import LIST, fact, place_names

from .models import RedBase, StudySession

GROUP = "学习型"


def _bases(organ):
    return RedBase.objects.filter(org__organ=organ).order_by("sort", "id")


@fact("study.red_bases", "红色教育基地", LIST, item="{名称}", parts=("名称", "类型", "地址"),
      url=lambda organ, period: reverse("study:redbase_list"), group=GROUP)
def red_bases(organ, period):
    return [{"名称": b.name, "类型": b.get_kind_display(), "地址": b.address}
            for b in _bases(organ)]


# A seminar's theme is often entered as "专题研讨：…"; the document names only the "…",
# in quotation marks, so quotes inside it become single ones (“学习领悟‘两个确立’…”).
_SEMINAR_PREFIX = re.compile(r"^专题研讨[：:]\s*")
_INNER_QUOTES = str.maketrans("“”", "‘’")


@fact("study.seminar_themes", "专题研讨主题", LIST, item="“{主题}”",
      url=lambda organ, period: reverse("study:studysession_list")
      + f"?kind={StudySession.SEMINAR}&year={period.start.year}", group=GROUP)
def seminar_themes(organ, period):
    sessions = (StudySession.objects
                .filter(org__organ=organ, kind=StudySession.SEMINAR,
                        date__range=(period.start, period.end))
                .order_by("date", "id").values_list("theme", flat=True))
    themes = dict.fromkeys(_SEMINAR_PREFIX.sub("", theme).strip().translate(_INNER_QUOTES)
                           for theme in sessions)
    return [{"主题": t} for t in themes if t]


@place_names("红色教育基地")
def base_places(organ):
    return _bases(organ).values_list("name", flat=True)
