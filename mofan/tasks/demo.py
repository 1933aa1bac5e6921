"""Demo 创建任务: the 实施方案's tasks (强党建、树新风、办实事、促改革、转观念、求实效)."""

import datetime as dt

from mofan.core.ledger.demo import BulkPlayer, fates_for, keeper_for, pick_fate, play

from .models import Task

ORDER = 35

# (pillar, measure, title, content, leader index, section index)
TASKS = [
    ("party", "branches", "规范支部“三会一课”", "各支部按月召开支部党员大会、支委会，按季度上党课", 0, 1),
    ("party", "branches", "开展支部标准化规范化建设", "对照标准逐项查摆，年内支部全部达标", 0, 1),
    ("party", "review", "开展党员身份“亮起来”专项查摆", "查摆党员先锋作用发挥不充分问题，建立问题清单", 4, 1),
    ("party", "rules", "修订党组理论学习中心组学习制度", "明确第一议题、集中学习和研讨交流要求", 0, 0),
    ("ethos", "culture", "建设模范机关文化长廊", "在机关楼道布置模范机关文化墙和廉政文化长廊", 2, 7),
    ("ethos", "culture", "评选“模范干部”“服务标兵”", "每季度评选一次，在局网站和公众号宣传", 3, 1),
    ("ethos", "review", "开展作风纪律专项查摆", "查摆“庸懒散慢”问题，形成整改台账", 4, 0),
    ("ethos", "culture", "开展“文明科室”创建", "制定文明科室评比细则并组织评比", 3, 0),
    ("service", "other", "开展察民情、访民意、听民声活动", "每月组织干部进社区、进村入户收集群众诉求", 2, 0),
    ("service", "other", "组织送戏下乡、送电影下乡", "全年送戏下乡不少于 60 场、送电影下乡不少于 600 场", 2, 3),
    ("service", "other", "在职党员到社区报到服务", "每名在职党员每年到社区服务不少于 4 次", 0, 1),
    ("service", "other", "纾困解难服务文旅企业", "召开政企座谈会和政企夜谈，建立企业诉求台账", 2, 6),
    ("reform", "rules", "修订公务接待管理办法", "细化接待审批、清单和公函要求", 4, 2),
    ("reform", "rules", "建立考勤“日统计、周通报、月处理”制度", "依托办公平台打卡数据，每周通报", 3, 0),
    ("reform", "other", "推进文旅审批事项“一网通办”", "梳理审批事项清单，压缩办理时限", 2, 6),
    ("reform", "rules", "完善财务报销审核制度", "规范报销流程和票据审核", 4, 2),
    ("mindset", "review", "开展“转观念、提效能”大讨论", "各股室结合职能撰写讨论发言材料", 1, 0),
    ("mindset", "other", "组织干部业务能力培训", "全年组织业务培训不少于 6 期", 1, 1),
    ("mindset", "other", "开展“我为群众办实事”岗位练兵", "各股室选派骨干参加窗口服务技能比武", 3, 6),
    ("results", "other", "建立创建工作月调度机制", "每月召开领导小组办公室调度会，通报进度", 0, 0),
    ("results", "review", "开展创建工作年中自查", "对照创建标准逐项自查，形成自查报告", 0, 0),
    ("results", "other", "做好创建资料归档", "按学习型、服务型、效能型分类整理台账资料", 3, 0),
    ("results", "rules", "建立创建工作考核评价办法", "把创建任务完成情况纳入股室年度考核", 0, 1),
    ("party", "branches", "开展“党建+文旅”品牌创建", "打造一个有特色的支部党建品牌", 1, 5),
    ("ethos", "culture", "开展廉政文化进景区活动", "在主要景区设置廉政文化宣传点", 4, 5),
    ("service", "other", "开展文化惠民演出季", "暑期在城区广场组织公益演出不少于 20 场", 2, 3),
    ("service", "other", "开展文物安全大检查", "对全县文物保护单位开展安全巡查", 4, 4),
    ("reform", "other", "推进智慧旅游平台建设", "完成全县景区客流监测接入", 2, 5),
    ("mindset", "other", "开展安全生产专项整治", "对文化娱乐场所开展消防安全检查", 4, 8),
    ("results", "other", "编制年度创建工作总结", "总结创建成效，报送县直机关工委", 0, 0),
    ("party", "review", "开展党风廉政建设风险点查摆", "各股室梳理岗位廉政风险点并制定防控措施", 4, 2),
    ("ethos", "culture", "开展读书分享会", "每季度组织一次干部职工读书分享", 1, 7),
]
TASK_FATES = [("in_progress", 3), ("extended", 2), ("submitted", 2), ("returned", 1),
              ("closed", 20), ("closed_late", 4), ("returned_closed", 3), ("assigned", 1)]


def load_organ(world, parts, tasks):
    rng, organ, campaign = world.rng, parts["organ"], parts["campaign"]
    keeper = keeper_for(organ)
    sections = parts["sections"]
    for pillar, measure, title, content, leader_i, section_i in tasks:
        section = sections[section_i % len(sections)]
        owner = parts["staff"][section][0]
        if getattr(keeper, "person_id", None) == owner.pk:
            owner = parts["staff"][section][-1]
        day = campaign.plan_issued_on + dt.timedelta(days=rng.randint(0, 200))
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        item = Task(org=organ, campaign=campaign, pillar=pillar, measure=measure, title=title,
                    content=content, leader=parts["leaders"][leader_i % len(parts["leaders"])],
                    registered_on=day)
        play(item, pick_fate(rng, TASK_FATES), world=world, keeper=keeper, owner=owner,
             owner_unit=section)


def load(world):
    load_organ(world, world.data["main"], TASKS)
    if "other" in world.data:
        load_organ(world, world.data["other"], TASKS[:6])
    player = BulkPlayer(Task)
    for parts in world.county_organs():
        load_county_organ(world, parts, player)
    player.flush()


def load_county_organ(world, parts, player):
    """The county's other organs: their own 责任分工 list (a diligent organ lists more of the
    plan's tasks and closes more of them on time), written in bulk."""
    organ, campaign = parts["organ"], parts["campaign"]
    rng, d = world.rng_for("tasks", organ.code), world.diligence(organ)
    keeper = keeper_for(organ)
    sections = parts["sections"]
    fates = fates_for(d, TASK_FATES)
    for pillar, measure, title, content, leader_i, section_i in rng.sample(
            TASKS, int(10 + 20 * d) + rng.randint(0, 2)):
        section = sections[section_i % len(sections)]
        owner = parts["staff"][section][0]
        day = campaign.plan_issued_on + dt.timedelta(days=rng.randint(0, 200))
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        item = Task(org=organ, campaign=campaign, pillar=pillar, measure=measure, title=title,
                    content=content, leader=parts["leaders"][leader_i % len(parts["leaders"])],
                    registered_on=day)
        player.play(item, pick_fate(rng, fates), rng=rng, keeper=keeper, owner=owner,
                    owner_unit=section)
