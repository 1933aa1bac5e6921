"""Business rules of the org app that are more than a form: starting a new year's campaign."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from mofan.audit.services import record, snapshot
from mofan.core.scoping import ensure_writable

from .models import Campaign, GroupMember, Responsibility


@dataclass
class NextYear:
    campaign: Campaign
    seats: int  # 领导小组 seats copied
    duties: int  # 责任清单 rows copied
    left: list  # names of people who had left: their seat not copied, their duty row unnamed


def start_next_year(campaign: Campaign, *, actor) -> NextYear:
    """Start next year's campaign from this one: the 领导小组 and the 责任清单 are copied
    (a new year usually keeps them, with a few changes); the plan's title is carried with
    its year moved on, its 文号, 印发日期, file and 动员部署会 are left for the new plan.
    People who have left by 1 January are not copied (a duty row they held is kept with
    no leader, for the office to reassign).

    Refuses (ValidationError) when the organ has that year's campaign already;
    PermissionDenied when the actor may not edit this campaign.
    """
    if not campaign.can_edit(actor):
        raise PermissionDenied("只有本机关的单位管理员可以开始新一年度的创建活动")
    year = campaign.year + 1
    if Campaign.objects.filter(org_id=campaign.org_id, year=year).exists():
        raise ValidationError(f"本机关 {year} 年的创建活动已存在，不能重复开始")
    starts = dt.date(year, 1, 1)

    def stays(person):
        return person is None or person.left_on is None or person.left_on >= starts

    with transaction.atomic():
        new = Campaign.objects.create(
            org_id=campaign.org_id, year=year,
            plan_title=campaign.plan_title.replace(str(campaign.year), str(year)),
            approach=campaign.approach, measures=campaign.measures)
        seats = list(campaign.group.select_related("person"))
        duties = list(campaign.responsibilities.select_related("leader"))
        gone = sorted({s.person.name for s in seats if not stays(s.person)}
                      | {d.leader.name for d in duties if not stays(d.leader)})
        kept = GroupMember.objects.bulk_create([
            GroupMember(campaign=new, org_id=new.org_id, person_id=s.person_id, role=s.role,
                        duty=s.duty, sort=s.sort)
            for s in seats if stays(s.person)])
        rows = Responsibility.objects.bulk_create([
            Responsibility(campaign=new, org_id=d.org_id,
                           leader_id=d.leader_id if stays(d.leader) else None,
                           work=d.work, sort=d.sort)
            for d in duties])
        ensure_writable(new, actor)
        record("create", new, label=f"开始 {year} 年度创建活动（复制自 {campaign.year} 年）",
               after={**snapshot(new), "copied_from": campaign.pk, "group": len(kept),
                      "duties": len(rows), "not_copied": gone})
    return NextYear(new, len(kept), len(rows), gone)
