"""Demo org tree, people, party organisations, the creation launch and its 责任清单."""

import datetime as dt

from .models import Campaign, GroupMember, Org, PartyOrg, Person, Responsibility

ORDER = 10

SECTIONS = ["办公室", "人事股", "财务股", "文化艺术股", "文物股", "旅游产业股", "市场管理股",
            "广播电视股", "安全监管股"]
UNITS = ["县图书馆", "县文化馆", "县博物馆", "县旅游服务中心", "县文物保护中心"]
SECTION_CODES = ["bgs", "rsg", "cwg", "whysg", "wwg", "lycyg", "scglg", "gbdsg", "aqjgg"]
UNIT_CODES = ["tsg", "whg", "bwg", "lyfwzx", "wwbhzx"]
LEADER_POSITIONS = ["党组书记、局长", "党组成员、副局长", "党组成员、副局长", "党组成员、副局长",
                    "党组成员、纪检组长"]
LEADER_DUTIES = [
    "全面负责模范机关创建工作，履行第一责任人职责",
    "分管学习型机关建设：第一议题、中心组学习、主题党日",
    "分管服务型机关建设：文旅产业链党建、纾困解难、文化惠民",
    "分管效能型机关建设：考勤管理、作风建设",
    "负责巡察整改监督、党风廉政建设和制度建设",
]
SECTION_DUTIES = {
    "办公室": "创建活动日常工作、考勤“日统计、周通报、月处理”、材料汇总",
    "人事股": "干部教育管理、党员信息维护、在职党员到社区报到",
    "财务股": "纾困资金、消费券发放台账，财务制度完善",
    "文化艺术股": "送戏下乡、送电影下乡、群众文化活动",
    "文物股": "红色教育阵地管理与讲解服务",
    "旅游产业股": "旅游统计、产业链联合党委每月一调度",
    "市场管理股": "政企夜谈、纾困解难诉求办理",
    "广播电视股": "创建宣传、模范机关文化建设",
    "安全监管股": "安全生产专项查摆与整改",
}
BRANCHES = ["机关第一党支部", "机关第二党支部", "文化事业单位党支部", "旅游服务中心党支部"]


def _org(name, code, kind, parent, sort, short=""):
    return Org.objects.create(name=name, code=code, kind=kind, parent=parent, sort=sort,
                              short_name=short)


def _people(world, org, n, positions, branch_for, start_sort=0, party_share=0.62):
    rng = world.rng
    people = []
    for i in range(n):
        party = rng.random() < party_share
        status = "cpc" if party else rng.choice(["masses", "masses", "league", "democratic"])
        if party and rng.random() < 0.06:
            status = "probationary"
        p = Person(
            name=world.name(), gender=rng.choice("MF"), org=org,
            position=positions[i] if i < len(positions) else rng.choice(["科员", "科员", "干部", "专技人员"]),
            staff_no=f"{org.pk:03d}{i + 1:02d}", app_user_id=f"u{org.pk:03d}{i + 1:02d}",
            phone=world.phone(), political_status=status,
            branch=branch_for(org) if status in Person.PARTY_STATUSES else None,
            joined_on=dt.date(rng.randint(1995, world.year - 1), rng.randint(1, 12), 1),
            sort=start_sort + i,
        )
        people.append(p)
    return Person.objects.bulk_create(people)


def build_organ(world, committee, name, code, sort, sections, units, branches, sizes):
    """One organ: its sections and units, people and branches. Returns a dict of parts."""
    organ = _org(name, code, Org.ORGAN, committee, sort, short=name.replace("示例县", ""))
    leading = PartyOrg.objects.create(org=organ, name=f"{name}党组", kind="leading_group")
    branch_objs = [PartyOrg.objects.create(org=organ, name=b, kind="branch", parent=None, sort=i)
                   for i, b in enumerate(branches)]
    secs = [_org(s, f"{code}-{c}", Org.SECTION, organ, i + 1) for i, (s, c) in enumerate(sections)]
    uns = [_org(u, f"{code}-{c}", Org.UNIT, organ, 20 + i) for i, (u, c) in enumerate(units)]

    def branch_for(org):
        if org in uns and len(branch_objs) > 2:
            return branch_objs[2 + (uns.index(org) % (len(branch_objs) - 2))]
        idx = secs.index(org) if org in secs else 0
        return branch_objs[idx % min(2, len(branch_objs))]

    leaders = _people(world, organ, len(LEADER_POSITIONS), LEADER_POSITIONS, branch_for,
                      party_share=1.0)
    staff = {}
    for s in secs:
        staff[s] = _people(world, s, world.rng.randint(*sizes[0]), ["股长"], branch_for)
    for u in uns:
        staff[u] = _people(world, u, world.rng.randint(*sizes[1]), ["主任", "副主任"], branch_for)
    leading.members.set(leaders)
    for b in branch_objs:
        members = list(Person.objects.filter(branch=b).order_by("id"))
        if members:
            b.secretary = members[0]
            b.save(update_fields=["secretary"])
    return {"organ": organ, "sections": secs, "units": uns, "leaders": leaders,
            "staff": staff, "branches": branch_objs, "leading_group": leading}


def build_campaign(world, parts):
    organ, year = parts["organ"], world.year
    campaign = Campaign.objects.create(
        org=organ, year=year,
        plan_title=f"{organ.name}关于打造让党放心、人民满意模范机关的实施方案",
        plan_doc_no=f"{organ.short_name[:2]}党组〔{year}〕3号",
        plan_issued_on=dt.date(year, 3, 10), mobilized_on=dt.date(year, 3, 15),
        approach="强党建、树新风、办实事、促改革、转观念、求实效",
        measures="专项查摆、建设模范机关文化、推进基层党组织建设、加强和完善制度",
    )
    leaders = parts["leaders"]
    seats = [GroupMember(campaign=campaign, person=leaders[0], role="leader",
                         duty="第一责任人，全面负责", sort=0)]
    seats += [GroupMember(campaign=campaign, person=p, role="deputy", duty=LEADER_DUTIES[i + 1],
                          sort=i + 1) for i, p in enumerate(leaders[1:])]
    heads = [parts["staff"][s][0] for s in parts["sections"]] + [
        parts["staff"][u][0] for u in parts["units"]]
    seats += [GroupMember(campaign=campaign, person=p, role="member", sort=10 + i)
              for i, p in enumerate(heads)]
    office = parts["sections"][0]
    seats.append(GroupMember(campaign=campaign, person=parts["staff"][office][0],
                             role="office_head", duty="领导小组办公室设在办公室，负责日常工作",
                             sort=50))
    seats += [GroupMember(campaign=campaign, person=p, role="office", sort=51 + i)
              for i, p in enumerate(parts["staff"][office][1:3])]
    for seat in seats:
        seat.org_id = organ.pk
    GroupMember.objects.bulk_create(seats)
    duties = [Responsibility(campaign=campaign, org=organ, leader=p, work=LEADER_DUTIES[i], sort=i)
              for i, p in enumerate(leaders)]
    duties += [Responsibility(campaign=campaign, org=s, leader=parts["staff"][s][0],
                              work=SECTION_DUTIES.get(s.name, "本股室创建任务落实"), sort=10 + i)
               for i, s in enumerate(parts["sections"])]
    duties += [Responsibility(campaign=campaign, org=u, leader=parts["staff"][u][0],
                              work="本单位创建任务落实、文化惠民服务", sort=30 + i)
               for i, u in enumerate(parts["units"])]
    Responsibility.objects.bulk_create(duties)
    return campaign


def load(world):
    committee = _org("示例县委直属机关工委", "jggw", Org.COMMITTEE, None, 0, short="机关工委")
    world.data["committee"] = committee
    if world.scale == "county":
        organs = [build_organ(
            world, committee, f"示例县第{i + 1}局", f"organ{i + 1:02d}", i + 1,
            [(s, f"s{j}") for j, s in enumerate(SECTIONS[:6])],
            [(u, f"u{j}") for j, u in enumerate(UNITS[:2])],
            ["机关党支部", "事业单位党支部", "离退休党支部"], ((7, 10), (8, 12)))
            for i in range(world.organs)]
        organs[0]["organ"].name = "示例县文广新旅局"
        organs[0]["organ"].code = "wgxlj"
        organs[0]["organ"].save()
        world.data["main"] = organs[0]
        world.data["organs"] = organs
    else:
        main = build_organ(world, committee, "示例县文广新旅局", "wgxlj", 1,
                           list(zip(SECTIONS, SECTION_CODES, strict=True)),
                           list(zip(UNITS, UNIT_CODES, strict=True)), BRANCHES, ((4, 6), (6, 8)))
        other = build_organ(world, committee, "示例县发展和改革局", "fgj", 2,
                            [("办公室", "bgs"), ("规划股", "ghg"), ("价格股", "jgg")], [],
                            ["发改局机关党支部"], ((3, 4), (0, 0)))
        world.data["main"], world.data["other"] = main, other
        world.data["organs"] = [main, other]
    for parts in world.data["organs"]:
        parts["campaign"] = build_campaign(world, parts)
