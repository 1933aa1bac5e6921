from django.http import Http404
from django.shortcuts import render

from mofan.audit.services import record
from mofan.core.excel import xlsx_bytes, xlsx_response
from mofan.core.files import file_response

from .models import Campaign


def _campaign(request, pk):
    try:
        return Campaign.objects.visible_to(request.user).select_related("org").get(pk=pk)
    except Campaign.DoesNotExist as exc:
        raise Http404("记录不存在或不在您的管理范围内") from exc


def campaign_list(request):
    campaigns = Campaign.objects.visible_to(request.user).select_related("org")
    return render(request, "orgs/campaign_list.html", {"campaigns": campaigns, "title": "创建活动"})


def campaign_detail(request, pk):
    """The launch, the 领导小组 and the 责任清单 on one page."""
    campaign = _campaign(request, pk)
    group = campaign.group.select_related("person", "person__org")
    duties = campaign.responsibilities.select_related("org", "leader")
    return render(request, "orgs/campaign_detail.html", {
        "campaign": campaign, "group": group, "duties": duties, "title": str(campaign),
    })


def plan_file(request, pk):
    campaign = _campaign(request, pk)
    if not campaign.plan_file:
        raise Http404("没有上传实施方案文件")
    record("export", campaign, label=f"下载实施方案 {campaign}")
    return file_response(campaign.plan_file)


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
