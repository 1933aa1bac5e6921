"""Demo 巡察整改: one inspection round, its problems, the rules they produced, ratings."""

import datetime as dt

from django.utils import timezone

from mofan.core import ledger
from mofan.core.ledger.demo import BulkPlayer, after, fates_for, keeper_for, pick_fate, play

from .models import InspectionRound, Problem, Rule
from .services import RATING_LABELS, do_rate

ORDER = 50

# (category, title, description, measures, rule title or "", section index)
PROBLEMS = [
    ("political", "第一议题学习不够深入", "党组会议第一议题学习以读原文为主，结合实际研讨不够。",
     "每次第一议题学习安排一名班子成员结合分管工作发言", "党组会议“第一议题”学习制度", 0),
    ("party", "支部“三会一课”记录不规范", "部分支部会议记录简单，缺少讨论内容。",
     "统一会议记录本，支部书记每月审核", "党支部“三会一课”工作规范", 1),
    ("party", "党员发展程序不严谨", "个别发展对象培养考察材料不全。", "逐一补齐档案材料", "", 1),
    ("discipline", "廉政风险点排查不全面", "廉政风险防控清单未覆盖下属事业单位。",
     "组织下属单位全面排查岗位风险点", "廉政风险防控管理办法", 4),
    ("style", "干部考勤管理松散", "存在迟到早退现象，考勤结果未与考核挂钩。",
     "实行考勤“日统计、周通报、月处理”", "机关考勤管理制度", 0),
    ("style", "下乡服务形式化", "部分送文化下乡活动群众参与度不高。", "按群众需求“点单”配送", "", 3),
    ("rules", "公务接待审批不规范", "部分接待无审批单、无公函。", "修订接待管理办法，实行接待清单制",
     "公务接待管理办法", 2),
    ("rules", "合同管理制度缺失", "对外合同无统一审核流程。", "建立合同合法性审核流程", "合同管理办法", 2),
    ("finance", "专项资金拨付滞后", "文旅专项资金拨付周期偏长。", "建立资金拨付台账，按月调度",
     "专项资金管理办法", 2),
    ("finance", "固定资产账实不符", "部分设备已报废未销账。", "开展资产清查，规范报废程序",
     "固定资产管理办法", 2),
    ("other", "文物安全巡查记录不全", "部分文物保护单位巡查记录缺失。", "落实文物巡查员制度",
     "文物安全巡查制度", 4),
    ("other", "安全生产检查整改不闭环", "检查发现的问题未跟踪复查。", "建立隐患整改闭环台账", "", 8),
    ("political", "意识形态阵地管理不严", "部分宣传栏内容更新不及时。", "明确阵地管理责任人",
     "意识形态工作责任制实施细则", 7),
    ("style", "窗口服务效率不高", "审批窗口一次性告知落实不到位。", "推行首问负责和一次性告知",
     "", 6),
]
FATES = [("in_progress", 2), ("submitted", 1), ("returned", 1), ("closed", 12),
         ("closed_late", 2), ("returned_closed", 2)]
RATINGS = [("good", 6), ("fair_good", 4), ("average", 2), ("poor", 1)]


def load_organ(world, parts, problems):
    rng, organ, year = world.rng, parts["organ"], world.year
    keeper = keeper_for(organ)
    rnd = InspectionRound.objects.create(
        org=organ, name=f"县委第三轮巡察（{year}年）", inspector="县委第二巡察组",
        feedback_on=dt.date(year, 4, 10), rectify_by=dt.date(year, 10, 10))
    sections, leaders = parts["sections"], parts["leaders"]
    for category, title, description, measures, rule_title, s_i in problems:
        section = sections[s_i % len(sections)]
        owner = parts["staff"][section][0]
        if getattr(keeper, "person_id", None) == owner.pk:
            owner = parts["staff"][section][-1]
        day = dt.date(year, 4, rng.randint(14, 18))
        item = Problem(org=organ, inspection_round=rnd, category=category, title=title,
                       description=description, measures=measures, lead_section=section,
                       leader=leaders[rng.randrange(1, len(leaders))], registered_on=day)
        play(item, pick_fate(rng, FATES), world=world, keeper=keeper, owner=owner,
             owner_unit=section)
        if rule_title:
            issued = timezone.localdate(item.submitted_at) if item.submitted_at else \
                dt.date(year, rng.randint(6, 11), rng.randint(1, 28))
            rule = Rule.objects.create(
                org=organ, title=f"{organ.short_name or organ.name}{rule_title}",
                doc_no=f"{(organ.short_name or organ.name)[:2]}发〔{year}〕{rng.randint(10, 90)}号",
                issued_on=issued, change=rng.choice(["created", "created", "revised"]))
            rule.problems.add(item)
        if item.state == ledger.CLOSED:
            rating = rng.choices([r for r, _ in RATINGS], weights=[w for _, w in RATINGS])[0]
            do_rate(item, actor=keeper, rating=rating, at=after(item, 5),
                    note="年底整改成效评定")
    Rule.objects.create(org=organ, title=f"{organ.short_name or organ.name}机关车辆管理规定",
                        doc_no=f"{(organ.short_name or organ.name)[:2]}发〔{year - 3}〕8号",
                        issued_on=dt.date(year - 3, 5, 6), status="repealed")


def load(world):
    load_organ(world, world.data["main"], PROBLEMS)
    if "other" in world.data:
        load_organ(world, world.data["other"], PROBLEMS[:4])
    load_county(world)


def load_county(world):
    """The county's other organs: one inspection round each, its problems in bulk, the rules
    they produced and the year-end ratings; a rating of 一般 or 差 opens the second-round
    problem ``do_rate`` would."""
    player = BulkPlayer(Problem)
    rules, rated = [], []
    for parts in world.county_organs():
        organ, year = parts["organ"], world.year
        rng, d = world.rng_for("rectification", organ.code), world.diligence(organ)
        keeper = keeper_for(organ)
        rnd = InspectionRound.objects.create(
            org=organ, name=f"县委第{rng.randint(1, 4)}轮巡察（{year}年）",
            inspector=f"县委第{rng.randint(1, 5)}巡察组", feedback_on=dt.date(year, 4, 10),
            rectify_by=dt.date(year, 10, 10))
        sections, leaders = parts["sections"], parts["leaders"]
        fates = fates_for(d, FATES)
        short = organ.short_name or organ.name
        for category, title, description, measures, rule_title, s_i in rng.sample(
                PROBLEMS, rng.randint(5, 12)):
            section = sections[s_i % len(sections)]
            item = Problem(org=organ, inspection_round=rnd, category=category, title=title,
                           description=description, measures=measures, lead_section=section,
                           leader=leaders[rng.randrange(1, len(leaders))],
                           registered_on=dt.date(year, 4, rng.randint(14, 18)))
            player.play(item, pick_fate(rng, fates), rng=rng, keeper=keeper,
                        owner=parts["staff"][section][0], owner_unit=section)
            if rule_title and rng.random() < 0.3 + 0.7 * d:
                issued = timezone.localdate(item.submitted_at) if item.submitted_at else \
                    dt.date(year, rng.randint(6, 11), rng.randint(1, 28))
                rules.append((Rule(org=organ, title=f"{short}{rule_title}",
                                   doc_no=f"{short[:2]}发〔{year}〕{rng.randint(10, 90)}号",
                                   issued_on=issued,
                                   change=rng.choice(["created", "created", "revised"])), item))
            if item.state == ledger.CLOSED:
                weights = [w * (1 + d) if r in ("good", "fair_good") else w * (2 - d)
                           for r, w in RATINGS]
                rating = rng.choices([r for r, _ in RATINGS], weights=weights)[0]
                at = player.after(item, 5)

                def change(it, rating=rating, at=at):
                    it.rating, it.rated_at = rating, at

                player.step(item, "rate", at, actor=keeper, change=change,
                            note=f"评定：{RATING_LABELS[rating]}。年底整改成效评定".strip("。"),
                            data={"rating": rating})
                if rating in Problem.SECOND_ROUND:
                    rated.append((item, keeper))
    player.flush()
    # Second rounds and the rules' problems need the first round's ids.
    for problem, keeper in rated:
        follow = Problem(
            org_id=problem.org_id, inspection_round_id=problem.inspection_round_id,
            category=problem.category, leader_id=problem.leader_id,
            lead_section_id=problem.lead_section_id, measures=problem.measures,
            description=problem.description, round_no=problem.round_no + 1, parent=problem,
            title=f"（第{problem.round_no + 1}轮整改）{problem.title}"[:200],
            registered_on=timezone.localdate(problem.rated_at))
        follow.org = problem.org
        player.register(follow, actor=keeper, at=problem.rated_at,
                        note=f"上一轮整改评定为“{RATING_LABELS[problem.rating]}”，转入下一轮整改")
    player.flush()
    Rule.objects.bulk_create([rule for rule, _ in rules], batch_size=2000)
    Rule.problems.through.objects.bulk_create(
        [Rule.problems.through(rule_id=rule.pk, problem_id=item.pk) for rule, item in rules],
        batch_size=2000)
