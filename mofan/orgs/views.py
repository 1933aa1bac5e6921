"""Campaign views that are not generic screens: the plan's file, the 责任清单 as .xlsx and
starting next year's campaign (list, detail and forms are CampaignScreens)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from mofan.audit.services import record
from mofan.core.excel import xlsx_bytes, xlsx_response
from mofan.core.files import file_response
from mofan.core.screens import visible_or_404

from . import services
from .models import Campaign


def _campaign(request, pk):
    return visible_or_404(Campaign.objects.select_related("org"), request.user, pk)


@require_GET
def plan_file(request, pk):
    campaign = _campaign(request, pk)
    if not campaign.plan_file:
        raise Http404("没有上传实施方案文件")
    record("export", campaign, label=f"下载实施方案 {campaign}")
    return file_response(campaign.plan_file, campaign.file_download_name)


@require_GET
def responsibility_xlsx(request, pk):
    campaign = _campaign(request, pk)
    rows = [
        [i, d.leader.name if d.leader else "", d.leader.position if d.leader else "",
         d.org.name, d.work]
        for i, d in enumerate(campaign.responsibilities.select_related("org", "leader"), 1)
    ]
    record("export", campaign, label=f"导出责任清单 {campaign}")
    title = f"{campaign.org.name}{campaign.year}年模范机关创建责任清单"
    content = xlsx_bytes("责任清单", ["序号", "责任领导", "职务", "责任单位/股室", "责任内容"],
                         rows, title=title)
    return xlsx_response(f"{title}.xlsx", content)


@require_POST
def campaign_next_year(request, pk):
    campaign = _campaign(request, pk)
    if not campaign.can_edit(request.user):
        raise PermissionDenied("只有本机关的单位管理员可以开始新一年度的创建活动")
    try:
        started = services.start_next_year(campaign, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("orgs:campaign_detail", pk=campaign.pk)
    note = (f"（{'、'.join(started.left)}已离职，未复制）" if started.left else "")
    messages.success(request, f"已开始 {started.campaign.year} 年度创建活动：复制领导小组 "
                              f"{started.seats} 人、责任清单 {started.duties} 项{note}。"
                              "请填写新一年的实施方案。")
    return redirect("orgs:campaign_edit", pk=started.campaign.pk)
