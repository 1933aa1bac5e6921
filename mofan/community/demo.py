"""A year of 在职党员到社区报到 for the demo bureau, in the reference summary's shape:
most party members registered with a paired community, services through the year
(疫情防控 counted in 人次, 环境卫生整治 / 政策宣讲 / 交通秩序维护 in 次), a few things found
there registered as 民情诉求, and the 实事项目 of the reference: roads paved, lights
installed, illegal buildings removed, with 雨污分流改造 and a car park still under way.

Left to do on purpose: a handful of services still wait for the secretary, and one was
returned for more detail.
"""

import datetime as dt
from decimal import Decimal

from django.apps import apps

from .models import (
    Community,
    Measure,
    Project,
    Registration,
    ServiceKind,
    ServiceParticipant,
    ServiceRecord,
    ensure_kinds,
)

ORDER = 47  # after the 民情台账 (40): projects answer its appeals

COMMUNITIES = [
    ("东街社区", "城关镇", "community", "刘主任"),
    ("西街社区", "城关镇", "community", "陈书记"),
    ("花园社区", "城关镇", "community", "黄主任"),
    ("新民村", "河口镇", "village", "周书记"),
    ("法水村", "青石乡", "village", "吴主任"),
]

# kind code -> (weight, members per record, hours, contents)
WORK = {
    "epidemic": (6, (3, 8), (3, 6), [
        "协助社区开展全员核酸检测，维持检测点秩序、扫码登记",
        "在小区卡口值守，测温、查验健康码和行程卡",
        "入户排查返乡人员，登记健康信息并宣传防疫政策",
    ]),
    "sanitation": (5, (2, 6), (2, 3), [
        "清理小区卫生死角和楼道堆积杂物",
        "开展背街小巷环境卫生整治，清运垃圾",
        "配合创文创卫，清理牛皮癣小广告",
    ]),
    "policy": (4, (1, 3), (1, 2), [
        "宣讲党的二十大精神和惠民政策",
        "宣传防范电信网络诈骗知识",
        "宣讲文明祭扫、移风易俗政策",
    ]),
    "traffic": (3, (2, 4), (2, 3), [
        "在路口开展文明交通劝导，劝导电动车佩戴头盔",
        "上下学高峰在校门口维护交通秩序",
    ]),
    "civilization": (2, (2, 5), (2, 3), ["参与文明城市创建志愿服务，劝导不文明行为"]),
    "rural": (2, (2, 4), (3, 6), ["到结对村开展乡村振兴帮扶，走访脱贫户"]),
    "survey": (3, (1, 2), (1, 2), [
        "走访小区居民，了解群众急难愁盼问题",
        "入户走访困难群众，征求意见建议",
    ]),
    "other": (1, (1, 3), (1, 2), ["参加社区组织的志愿服务活动"]),
}

# (title, what the member found) — registered as 民情诉求 from the record
FINDINGS = [
    ("幸福小区路面坑洼积水", "幸福小区内道路坑洼不平，下雨积水，老人出行不便。"),
    ("花园社区路灯不亮", "花园社区后街路灯坏了好几盏，晚上回家很黑。"),
    ("西街违章搭建占道", "西街有几处违章搭建的棚子占了消防通道。"),
    ("小区雨污混流返臭", "老小区下水道雨污混流，夏天返臭。"),
    ("小区停车难", "老小区没有停车场，车辆乱停堵住通道。"),
]

# (title, community, place, status, start month, finish month, measures, answers finding)
PROJECTS = [
    ("幸福小区路面硬化", "东街社区", "幸福小区", Project.DONE, 4, 6,
     [("铺平路面", "320", "sqm")], 0),
    ("花园社区路灯安装", "花园社区", "花园社区后街", Project.DONE, 5, 7,
     [("安装路灯", "8", "lamp")], 1),
    ("西街违法建设整治", "西街社区", "西街", Project.DONE, 6, 9,
     [("拆除违法乱建", "5", "place")], 2),
    ("幸福小区雨污分流改造", "东街社区", "幸福小区", Project.ONGOING, 10, None,
     [("雨污分流改造", None, "")], 3),
    ("东街社区停车场建设", "东街社区", "东街社区", Project.ONGOING, 11, None,
     [("停车场建设", "60", "space")], 4),
    ("法水村文化广场修缮", "法水村", "法水村", Project.PLANNED, None, None, [], None),
]


def _party_members(parts):
    people = [*parts["leaders"]] + [p for staff in parts["staff"].values() for p in staff]
    return [p for p in people if p.is_party_member]


def _communities(organ, count):
    return [Community.objects.create(org=organ, name=n, township=t, kind=k, contact=c, sort=i)
            for i, (n, t, k, c) in enumerate(COMMUNITIES[:count])]


def _register(world, members, communities):
    rng = world.rng
    regs = []
    for p in members:
        if rng.random() < 0.08:
            continue  # not yet registered
        c = rng.choice(communities)
        day = dt.date(world.year, rng.choice((2, 3, 3, 4)), rng.randint(1, 28))
        confirmed = rng.random() < 0.9
        regs.append(Registration(person=p, community=c, org_id=p.org_id, branch_id=p.branch_id,
                                 registered_on=day, confirmed_by=c.contact if confirmed else "",
                                 confirmed_on=day + dt.timedelta(days=rng.randint(0, 5))
                                 if confirmed else None))
    Registration.objects.bulk_create(regs)
    return {r.person_id: r.community for r in regs}


def _services(world, organ, members, where, count):
    rng = world.rng
    ensure_kinds(organ)
    kinds = {k.code: k for k in ServiceKind.objects.filter(org=organ)}
    codes = list(WORK)
    weights = [WORK[c][0] for c in codes]
    by_branch = {}
    for p in members:
        if p.pk in where:
            by_branch.setdefault(p.branch_id, []).append(p)
    secretaries = {b.pk: b.secretary_id for b in world.data.get("branches_of", {}).get(
        organ.pk, [])}
    records = []
    for i in range(count):
        code = rng.choices(codes, weights)[0]
        _, size, hours, contents = WORK[code]
        branch_id = rng.choice(sorted(by_branch, key=lambda b: b or 0))
        pool = by_branch[branch_id]
        team = rng.sample(pool, min(len(pool), rng.randint(*size)))
        lead = team[0]
        month = rng.choice((1, 2, 3, 4, 11, 12)) if code == "epidemic" else None
        day = world.day(month)
        status = ServiceRecord.CONFIRMED
        if day.month == 12 and i % 3 == 0:
            status = ServiceRecord.SUBMITTED
        elif i == 11:
            status = ServiceRecord.RETURNED
        secretary = secretaries.get(branch_id)
        if secretary in {p.pk for p in team}:
            secretary = None  # his own service: confirmed by the 单位管理员
        record = ServiceRecord.objects.create(
            org_id=lead.org_id, branch_id=branch_id, logged_by=lead, community=where[lead.pk],
            date=day, kind=kinds[code], hours=Decimal(rng.randint(*hours)),
            content=rng.choice(contents), status=status,
            status_note="请写明服务地点和具体内容" if status == ServiceRecord.RETURNED else "",
            confirmed_by_id=secretary if status == ServiceRecord.CONFIRMED else None,
            confirmed_on=day + dt.timedelta(days=rng.randint(1, 4))
            if status == ServiceRecord.CONFIRMED else None)
        ServiceParticipant.objects.bulk_create(
            ServiceParticipant(record=record, person=p, org_id=record.org_id) for p in team)
        records.append(record)
    return records


def _findings(world, organ, records):
    """What members found, registered as 民情诉求 from their records: the 实事项目 answer them."""
    from mofan.core import ledger

    Appeal = apps.get_model("appeals", "Appeal")
    surveys = [r for r in records if r.kind.code in ("survey", "sanitation")
               and r.date.month <= 8 and r.status == ServiceRecord.CONFIRMED]
    found = []
    for (title, words), record in zip(FINDINGS, surveys, strict=False):
        item = Appeal(org=organ, title=title, words=words, category="help", source="observe",
                      place=record.community.name, citizen=world.name()[0] + "女士",
                      registered_on=record.date)
        ledger.register_item(item, actor=ledger.SYSTEM, note=f"由社区服务记录登记：{record}")
        record.appeal = item
        record.save(update_fields=["appeal"])
        found.append(item)
    return found


def _projects(world, organ, communities, appeals):
    by_name = {c.name: c for c in communities}
    for title, community, place, status, start, finish, measures, answers in PROJECTS:
        if community not in by_name:
            continue
        p = Project.objects.create(
            org=organ, title=title, community=by_name[community], place=place, status=status,
            started_on=dt.date(world.year, start, 10) if start else None,
            finished_on=dt.date(world.year, finish, 25) if finish else None,
            description="党员到社区报到时发现的问题，列入“我为群众办实事”清单。")
        for i, (name, qty, unit) in enumerate(measures):
            Measure.objects.create(project=p, name=name, sort=i, unit=unit,
                                   quantity=Decimal(qty) if qty else None)
        if answers is not None and answers < len(appeals):
            p.appeals.add(appeals[answers])


def load_organ(world, parts, communities_count, services_count):
    organ = parts["organ"]
    world.data.setdefault("branches_of", {})[organ.pk] = parts["branches"]
    members = _party_members(parts)
    communities = _communities(organ, communities_count)
    where = _register(world, members, communities)
    records = _services(world, organ, members, where, services_count)
    return communities, records


def load(world):
    main = world.data["main"]
    communities, records = load_organ(world, main, len(COMMUNITIES),
                                      160 if world.scale == "organ" else 80)
    appeals = _findings(world, main["organ"], records)
    _projects(world, main["organ"], communities, appeals)
    if "other" in world.data:
        load_organ(world, world.data["other"], 2, 12)
    load_county(world)


def load_county(world):
    """The county's other organs: their paired communities, the members' registrations, a
    year of services (more and better confirmed the more diligent the organ) and a
    实事项目 or two, all written in bulk."""
    records, teams, projects, measures = [], [], [], []
    codes = list(WORK)
    weights = [WORK[c][0] for c in codes]
    for parts in world.county_organs():
        organ = parts["organ"]
        rng, d = world.rng_for("community", organ.code), world.diligence(organ)
        ensure_kinds(organ)
        kinds = {k.code: k for k in ServiceKind.objects.filter(org=organ)}
        communities = Community.objects.bulk_create([
            Community(org=organ, name=n, township=t, kind=k, contact=c, sort=i)
            for i, (n, t, k, c) in enumerate(rng.sample(COMMUNITIES, rng.randint(2, 3)))])
        regs = []
        for p in _party_members(parts):
            if rng.random() < 0.35 * (1 - d) + 0.03:
                continue
            c = rng.choice(communities)
            day = dt.date(world.year, rng.choice((2, 3, 3, 4)), rng.randint(1, 28))
            confirmed = rng.random() < 0.5 + 0.45 * d
            regs.append(Registration(
                person=p, community=c, org_id=p.org_id, branch_id=p.branch_id,
                registered_on=day, confirmed_by=c.contact if confirmed else "",
                confirmed_on=day + dt.timedelta(days=rng.randint(0, 5)) if confirmed else None))
        Registration.objects.bulk_create(regs)
        where = {r.person_id: r.community for r in regs}
        by_branch = {}
        for p in _party_members(parts):
            if p.pk in where:
                by_branch.setdefault(p.branch_id, []).append(p)
        secretaries = {b.pk: b.secretary_id for b in parts["branches"]}
        for i in range(int(15 + 45 * d) + rng.randint(0, 5)):
            code = rng.choices(codes, weights)[0]
            _, size, hours, contents = WORK[code]
            branch_id = rng.choice(sorted(by_branch, key=lambda b: b or 0))
            team = rng.sample(by_branch[branch_id], min(len(by_branch[branch_id]),
                                                         rng.randint(*size)))
            lead = team[0]
            day = world.day(rng.choice((1, 2, 3, 4, 11, 12)) if code == "epidemic" else None, rng)
            waiting = rng.random() < 0.25 * (1 - d) or (day.month == 12 and i % 3 == 0)
            status = ServiceRecord.SUBMITTED if waiting else ServiceRecord.CONFIRMED
            secretary = secretaries.get(branch_id)
            if secretary in {p.pk for p in team}:
                secretary = None
            records.append(ServiceRecord(
                org_id=lead.org_id, branch_id=branch_id, logged_by=lead,
                community=where[lead.pk], date=day, kind=kinds[code],
                hours=Decimal(rng.randint(*hours)), content=rng.choice(contents), status=status,
                confirmed_by_id=None if waiting else secretary,
                confirmed_on=None if waiting else day + dt.timedelta(days=rng.randint(1, 4))))
            teams.append(team)
        for title, community, place, status, start, finish, ms, _ in rng.sample(
                PROJECTS, 1 + int(2.5 * d)):
            c = rng.choice(communities)
            projects.append(Project(
                org=organ, title=title.replace(community, c.name), community=c,
                place=place if community == c.name else c.name, status=status,
                started_on=dt.date(world.year, start, 10) if start else None,
                finished_on=dt.date(world.year, finish, 25) if finish else None,
                description="党员到社区报到时发现的问题，列入“我为群众办实事”清单。"))
            measures.append(ms)
    ServiceRecord.objects.bulk_create(records, batch_size=2000)
    ServiceParticipant.objects.bulk_create(
        [ServiceParticipant(record=r, person=p, org_id=r.org_id)
         for r, team in zip(records, teams, strict=True) for p in team], batch_size=2000)
    Project.objects.bulk_create(projects)
    Measure.objects.bulk_create(
        [Measure(project=p, org_id=p.org_id, name=name, sort=i, unit=unit,
                 quantity=Decimal(qty) if qty else None)
         for p, ms in zip(projects, measures, strict=True)
         for i, (name, qty, unit) in enumerate(ms)])
