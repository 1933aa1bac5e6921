"""考评 pages: the committee's criteria (draft → published → new version), the ranking of
organs and each organ's breakdown (the organ sees only its own)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mofan.audit.services import record
from mofan.core.excel import xlsx_bytes, xlsx_response
from mofan.core.indicators import REGISTRY, fmt
from mofan.core.scoping import COMMITTEE
from mofan.core.views import organs_in_view, requested_year
from mofan.orgs.models import Org

from . import services
from .forms import GroupForm, ItemForm, ManualScoreForm, SetForm
from .models import CriteriaGroup, CriteriaItem, CriteriaSet


def _committee(request):
    """Criteria pages are the committee's: anyone else gets a 404."""
    if request.user.role != COMMITTEE or not request.user.org_id:
        raise Http404("仅工委管理员可查看")
    return request.user.org


def _set(request, pk) -> CriteriaSet:
    _committee(request)
    return get_object_or_404(CriteriaSet.objects.visible_to(request.user), pk=pk)


def _group(request, pk) -> CriteriaGroup:
    _committee(request)
    return get_object_or_404(CriteriaGroup.objects.select_related("criteria_set").filter(
        criteria_set__in=CriteriaSet.objects.visible_to(request.user)), pk=pk)


def _item(request, pk) -> CriteriaItem:
    _committee(request)
    return get_object_or_404(CriteriaItem.objects.select_related("group__criteria_set").filter(
        group__criteria_set__in=CriteriaSet.objects.visible_to(request.user)), pk=pk)


def _refused(request, exc):
    for m in getattr(exc, "messages", [str(exc)]):
        messages.error(request, m)


@require_http_methods(["GET", "POST"])
def set_list(request):
    _committee(request)
    form = SetForm(request.POST or None, initial={"year": requested_year(request)})
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        if form.cleaned_data["default"]:
            cset = services.create_default_set(request.user, year)
        else:
            cset = services.create_set(request.user, year,
                                       form.cleaned_data["title"] or f"{year}年度考评方案")
        messages.success(request, f"已新建 {cset}（草稿）")
        return redirect("evaluation:set_detail", cset.pk)
    sets = CriteriaSet.objects.visible_to(request.user).order_by("-year", "-version")
    return render(request, "evaluation/set_list.html",
                  {"title": "考评方案", "sets": sets, "form": form})


@require_GET
def set_detail(request, pk):
    cset = _set(request, pk)
    groups = list(cset.groups.prefetch_related("items"))
    for g in groups:
        for item in g.items.all():
            ind = REGISTRY.get(item.indicator)
            item.indicator_label = f"{ind.label}（{ind.unit}）" if ind else ""
    return render(request, "evaluation/set_detail.html", {
        "title": str(cset), "cset": cset, "groups": groups,
        "total_weight": sum(g.weight for g in groups),
        "group_form": GroupForm(), "item_form": ItemForm(criteria_set=cset),
        "current": services.current_set(cset.org, cset.year),
    })


@require_POST
def set_publish(request, pk):
    cset = _set(request, pk)
    try:
        services.publish(cset, request.user)
        messages.success(request, f"已发布 {cset}：此后不能修改，修改请“修订为新版本”")
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    return redirect("evaluation:set_detail", cset.pk)


@require_POST
def set_revise(request, pk):
    cset = _set(request, pk)
    try:
        copy = services.new_version(cset, request.user)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("evaluation:set_detail", cset.pk)
    messages.success(request, f"已建立 {copy}（草稿），发布后按新版本计分")
    return redirect("evaluation:set_detail", copy.pk)


def _save(request, obj, cset, **kwargs):
    try:
        services.save_part(obj, request.user, cset=cset, **kwargs)
        return True
    except ValidationError as exc:
        _refused(request, exc)
    return False


@require_POST
def group_create(request, pk):
    cset = _set(request, pk)
    form = GroupForm(request.POST, instance=CriteriaGroup(criteria_set=cset))
    if form.is_valid():
        _save(request, form.instance, cset)
    else:
        _refused(request, ValidationError([f"{form.fields[f].label}：{e}" for f, es in
                                           form.errors.items() for e in es]))
    return redirect("evaluation:set_detail", cset.pk)


@require_POST
def item_create(request, pk):
    cset = _set(request, pk)
    form = ItemForm(request.POST, criteria_set=cset)
    if form.is_valid():
        _save(request, form.instance, cset)
    else:
        _refused(request, ValidationError([f"{form.fields[f].label if f in form.fields else ''}：{e}"
                                           for f, es in form.errors.items() for e in es]))
    return redirect("evaluation:set_detail", cset.pk)


@require_http_methods(["GET", "POST"])
def group_edit(request, pk):
    group = _group(request, pk)
    cset = group.criteria_set
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid() and _save(request, form.instance, cset):
        return redirect("evaluation:set_detail", cset.pk)
    return render(request, "evaluation/part_form.html",
                  {"title": f"修改类别·{group.name}", "form": form, "cset": cset})


@require_POST
def group_delete(request, pk):
    group = _group(request, pk)
    _save(request, group, group.criteria_set, delete=True)
    return redirect("evaluation:set_detail", group.criteria_set.pk)


@require_http_methods(["GET", "POST"])
def item_edit(request, pk):
    item = _item(request, pk)
    cset = item.group.criteria_set
    form = ItemForm(request.POST or None, instance=item, criteria_set=cset)
    if request.method == "POST" and form.is_valid() and _save(request, form.instance, cset):
        return redirect("evaluation:set_detail", cset.pk)
    return render(request, "evaluation/part_form.html",
                  {"title": f"修改考评内容·{item.name}", "form": form, "cset": cset})


@require_POST
def item_delete(request, pk):
    item = _item(request, pk)
    _save(request, item, item.group.criteria_set, delete=True)
    return redirect("evaluation:set_detail", item.group.criteria_set.pk)


@require_POST
def manual_score(request, pk):
    item = _item(request, pk)
    form = ManualScoreForm(request.POST)
    organ = None
    if form.is_valid():
        organ = Org.objects.visible_to(request.user).filter(
            pk=form.cleaned_data["organ"], kind=Org.ORGAN).first()
    if organ is None:
        raise Http404("该机关不在您的管理范围内")
    try:
        services.set_manual_score(item, organ, form.cleaned_data["points"],
                                  form.cleaned_data["reason"], request.user)
        messages.success(request, f"已评分：{organ.name}·{item.name}")
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    cset = item.group.criteria_set
    return redirect(f"{reverse('evaluation:breakdown', args=[organ.pk])}?set={cset.pk}")


# ------------------------------------------------------------------ scores


def _scored_set(request, committee):
    """?set=<pk> (any version the committee can see), else the year's current version."""
    wanted = request.GET.get("set", "")
    if wanted.isdigit():
        found = CriteriaSet.objects.filter(org=committee, pk=int(wanted)).first()
        if found:
            return found
    return services.current_set(committee, requested_year(request))


@require_GET
def ranking(request):
    committee = _committee(request)
    year = requested_year(request)
    cset = _scored_set(request, committee)
    scores = services.evaluate(cset, organs_in_view(request.user)) if cset else []
    if cset and request.GET.get("export") == "xlsx":
        record("export", cset, label=f"导出考评排名 {cset}")
        return xlsx_response(f"{cset.year}年考评排名（第{cset.version}版）.xlsx",
                             ranking_xlsx(cset, scores))
    return render(request, "evaluation/ranking.html", {
        "title": "考评排名", "year": cset.year if cset else year, "cset": cset,
        "scores": scores, "groups": list(cset.groups.all()) if cset else [],
        "versions": CriteriaSet.objects.filter(org=committee, status=CriteriaSet.PUBLISHED),
    })


def ranking_xlsx(cset, scores) -> bytes:
    groups = [g.group for g in scores[0].groups] if scores else list(cset.groups.all())
    headers = ["名次", "机关", *[f"{g.name}（{g.weight}分）" for g in groups], "总分", "待人工评分项"]
    rows = [[s.rank, s.organ.name, *[float(g.weighted) for g in s.groups], float(s.total),
             s.pending] for s in scores]
    return xlsx_bytes("考评排名", headers, rows,
                      title=f"{cset.title}（第{cset.version}版）考评排名")


@require_GET
def breakdown(request, pk):
    organ = Org.objects.filter(pk=pk, kind=Org.ORGAN).first()
    if organ is None or not services.breakdown_allowed(request.user, organ):
        raise Http404("没有该机关的考评得分，或不在您的查看范围内")
    committee = organ.parent if organ.parent and organ.parent.kind == Org.COMMITTEE else None
    if request.user.role == COMMITTEE:
        committee = request.user.org
    cset = _scored_set(request, committee) if committee else None
    if cset is not None and request.user.role != COMMITTEE and not cset.is_published:
        cset = services.current_set(committee, cset.year)  # an organ never sees drafts
    score = services.evaluate(cset, [organ])[0] if cset else None
    rank = None
    if score and request.user.role == COMMITTEE:
        rank = next((s.rank for s in services.evaluate(cset, organs_in_view(request.user))
                     if s.organ.pk == organ.pk), None)
    if score:
        for g in score.groups:
            for s in g.items:
                ind = REGISTRY.get(s.item.indicator)
                s.value_text = (fmt(s.value, ind.unit) if ind else
                                ("—" if s.value is None else f"{s.value} 分"))
                s.indicator_label = ind.label if ind else ""
    if score and request.GET.get("export") == "xlsx":
        record("export", organ, label=f"导出考评得分 {organ.name} {cset}")
        return xlsx_response(f"{organ.name}{cset.year}年考评得分.xlsx", breakdown_xlsx(cset, score))
    return render(request, "evaluation/breakdown.html", {
        "title": f"{organ.name}考评得分", "organ": organ, "cset": cset, "score": score,
        "rank": rank, "year": cset.year if cset else requested_year(request),
        "can_score": request.user.role == COMMITTEE and cset is not None and cset.is_published,
    })


def breakdown_xlsx(cset, score) -> bytes:
    headers = ["类别", "考评内容", "分值", "指标值", "得分", "说明"]
    rows = []
    for g in score.groups:
        for s in g.items:
            value = s.value if isinstance(s.value, int | float) or s.value is None else float(s.value)
            rows.append([g.group.name, s.item.name, float(s.item.points),
                         value if value is not None else "—", float(s.score),
                         s.manual.reason if s.manual else s.note])
        rows.append([g.group.name, "类别得分", float(g.group.weight), "", float(g.weighted), ""])
    rows.append(["", "总分", float(sum(g.group.weight for g in score.groups)), "", float(score.total), ""])
    return xlsx_bytes("考评得分", headers, rows,
                      title=f"{score.organ.name}{cset.title}（第{cset.version}版）得分")


@require_GET
def mine(request):
    user = request.user
    if not user.org_id or not user.org.organ_id:
        raise Http404
    return redirect(f"{reverse('evaluation:breakdown', args=[user.org.organ_id])}"
                    f"?year={requested_year(request)}")
