"""Facts of 在职党员到社区报到 for documents: the paired communities and villages, the
实事项目 finished and under way; and the names a public version masks."""

from django.urls import reverse

from mofan.core.facts import LIST, fact, place_names

from .indicators import GROUP, _done, _ongoing
from .models import Community, Project


def _project_url(organ, period):
    return reverse("community:project_list")


def _projects(qs):
    return [{"项目": p.title, "地点": p.place or p.community.name, "社区": p.community.name}
            for p in qs.select_related("community").order_by("finished_on", "started_on", "id")]


@fact("community.communities", "结对社区/村", LIST, item="{名称}", parts=("名称", "乡镇"),
      url=lambda organ, period: reverse("community:community_list"), group=GROUP)
def communities(organ, period):
    return [{"名称": c.name, "乡镇": c.township}
            for c in Community.objects.filter(org__organ=organ).order_by("sort", "id")]


@fact("community.projects_done_list", "完成的实事项目", LIST, item="{项目}",
      parts=("项目", "地点", "社区"), url=_project_url, group=GROUP)
def projects_done_list(organ, period):
    return _projects(_done(period).filter(org__organ=organ))


@fact("community.projects_ongoing_list", "正在实施的实事项目", LIST, item="{项目}",
      parts=("项目", "地点", "社区"), url=_project_url, group=GROUP)
def projects_ongoing_list(organ, period):
    return _projects(_ongoing(period).filter(org__organ=organ))


@place_names("社区、村")
def community_places(organ):
    for name, township in Community.objects.filter(org__organ=organ).values_list(
            "name", "township"):
        yield name
        yield township


@place_names("实事项目地点")
def project_places(organ):
    return Project.objects.filter(org__organ=organ).exclude(place="").values_list(
        "place", flat=True).distinct()
