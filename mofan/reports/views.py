"""年度总结: the preview (each figure linked to its records), the editor with its field
picker, "start from last year's summary", and the Word files (正式版 / 公开版)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mofan.audit.services import record, snapshot
from mofan.core import facts, indicators
from mofan.core.files import download_response
from mofan.core.gongwen import DOCX_TYPE
from mofan.core.screens import bootstrapify
from mofan.core.views import organ_choice, requested_year

from . import services
from .language import ALIASES, BUILTINS, FILTERS, KIND_NAMES, parse
from .models import SummaryTemplate


def _page_url(organ, year, name="reports:summary", **extra):
    query = "&".join(f"{k}={v}" for k, v in {"organ": organ.pk, "year": year, **extra}.items())
    return f"{reverse(name)}?{query}"


def _may_edit(user, organ) -> bool:
    """The organ's 单位管理员 writes its summary; the 机关工委 reads it."""
    return SummaryTemplate.may_write(user, organ)


@require_GET
def summary(request):
    organ, organs = organ_choice(request)
    year = requested_year(request)
    public = request.GET.get("public") == "1"
    template = services.template_for(organ, year)
    result = services.build(template, links=not public)
    if public:
        result = services.masked(result, services.places_of(organ))
    last = SummaryTemplate.objects.filter(org=organ, year=year - 1).exists()
    return render(request, "reports/summary.html", {
        "title": "年度总结", "organ": organ, "organs": organs, "year": year,
        "template": template, "summary": result, "public": public,
        "may_edit": _may_edit(request.user, organ), "can_copy": last and template.pk is None,
        "page_url": _page_url(organ, year),
    })


class TemplateForm(forms.ModelForm):
    class Meta:
        model = SummaryTemplate
        fields = ["title", "body", "signature", "signed_on"]
        widgets = {
            "title": forms.TextInput(attrs={"id": "summary-title"}),
            "body": forms.Textarea(attrs={"rows": 28, "id": "summary-body",
                                          "spellcheck": "false"}),
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


@require_http_methods(["GET", "POST"])
def summary_edit(request):
    organ, _ = organ_choice(request)
    year = requested_year(request)
    if not _may_edit(request.user, organ):
        raise PermissionDenied("年度总结由本机关的单位管理员编写")
    template = services.template_for(organ, year)
    form = TemplateForm(request.POST or None, instance=template)
    bootstrapify(form.fields)
    problems = []
    if request.method == "POST" and form.is_valid():
        problems = parse(form.cleaned_data["title"], form.cleaned_data["body"]).problems
        if not problems:
            with transaction.atomic():
                before = snapshot(template) if template.pk else None
                obj = form.save(commit=False)
                obj.updated_by = request.user
                obj.save()
                record("update" if before else "create", obj, before=before,
                       after=snapshot(obj))
            messages.success(request, "年度总结已保存。")
            return redirect(_page_url(organ, year))
    status = 422 if request.method == "POST" else 200
    return render(request, "reports/summary_edit.html", {
        "title": "编辑年度总结", "organ": organ, "year": year, "form": form,
        "problems": problems, "picker": field_picker(),
        "filters": [(f.name, f.help, [a for a, n in ALIASES.items() if n == f.name])
                    for f in FILTERS.values()],
        "page_url": _page_url(organ, year),
    }, status=status)


@require_POST
def summary_copy(request):
    organ, _ = organ_choice(request)
    year = requested_year(request)
    if not _may_edit(request.user, organ):
        raise PermissionDenied("年度总结由本机关的单位管理员编写")
    try:
        services.copy_forward(organ, year, actor=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已从 {year - 1} 年度总结复制，数字将按 {year} 年度的记录填写。")
    return redirect(_page_url(organ, year))


@require_GET
def summary_docx(request):
    organ, _ = organ_choice(request)
    year = requested_year(request)
    public = request.GET.get("public") == "1"
    template = services.template_for(organ, year)
    try:
        result, content = services.generate(template, public=public, actor=request.user)
    except ValueError as exc:
        messages.error(request, f"未生成 Word 文件。{exc}")
        return redirect(_page_url(organ, year))
    suffix = "（公开版）" if public else ""
    return download_response(content, f"{organ.name}{year}年度工作总结{suffix}.docx", DOCX_TYPE)


def field_picker():
    """[(group, [(key, label, note)])]: the builtins, every indicator (with its unit)
    and every fact, grouped as the home page groups them."""
    groups = {"通用": [(name, label, unit) for name, (label, _, unit) in BUILTINS.items()]}
    for ind in indicators.REGISTRY.values():
        groups.setdefault(ind.group, []).append((ind.key, ind.label, ind.unit))
    for fact in facts.FACTS.values():
        note = KIND_NAMES[fact.kind]
        if fact.kind == facts.LIST:
            note += "：" + "、".join(fact.parts)
        groups.setdefault(fact.group, []).append((fact.key, fact.label, note))
    return list(groups.items())
