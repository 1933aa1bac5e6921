"""A year of 学习型机关 records for the demo bureau, with a few gaps to fix.

Gaps on purpose: 机关第二党支部 has no 主题党日 in February (春节) and its November plan is
still a draft; 文化事业单位党支部 filed no plan for July; two 党组会议 did not open with the
study item (so they do not count as 第一议题).
"""

import datetime as dt

from django.utils import timezone

from .models import (
    AgendaItem,
    Attendance,
    Meeting,
    RedBase,
    RedService,
    StudyPlan,
    StudySession,
)

ORDER = 40

THEMES = [
    "学习贯彻习近平新时代中国特色社会主义思想",
    "学习领悟“两个确立”的决定性意义",
    "八扬八治作风建设",
    "为什么要建设模范机关、建设什么样的模范机关、如何建设模范机关",
    "全面从严治党",
    "党史学习教育常态化长效化",
    "庆祝建党101周年，重温入党誓词",
    "习近平总书记关于文化和旅游工作的重要论述",
    "喜迎党的二十大",
    "学习宣传贯彻党的二十大精神",
    "党的二十大报告专题学习",
    "深入学习《中国共产党章程》",
]
MATERIALS = [
    "《习近平谈治国理政》第四卷有关篇目",
    "习近平总书记在中央和国家机关党的建设工作会议上的重要讲话",
    "《中国共产党支部工作条例（试行）》",
    "习近平总书记关于文化、文物和旅游工作的重要论述摘编",
    "习近平总书记视察本省重要讲话精神",
    "《中国共产党纪律处分条例》",
    "党的二十大报告原文",
    "《关于新时代加强和改进思想政治工作的意见》",
]
FIRST_TOPICS = [
    "传达学习习近平总书记最新重要讲话精神",
    "传达学习习近平总书记关于文化和旅游工作的重要指示批示精神",
    "传达学习习近平总书记在省部级主要领导干部专题研讨班上的重要讲话精神",
    "传达学习习近平总书记关于安全生产的重要指示精神",
    "传达学习习近平总书记关于疫情防控的重要指示精神",
]
OTHER_ITEMS = ["研究部署文旅项目建设工作", "研究文化惠民活动方案", "研究干部教育培训计划",
               "听取巡察整改工作进展汇报", "研究安全生产专项整治工作", "研究“三重一大”事项"]
SEMINARS = [
    ("学习领悟“两个确立”的决定性意义", "如何把“两个确立”转化为做到“两个维护”的实际行动"),
    ("八扬八治作风建设", "对照“八扬八治”查找机关作风方面的问题和差距"),
    ("全面从严治党", "落实全面从严治党主体责任，推动管党治党向基层延伸"),
    ("为什么要建设模范机关、建设什么样的模范机关、如何建设模范机关",
     "结合文旅工作实际，谈模范机关创建的路径和举措"),
]
THEME_DAY_FORMS = ["study", "listen", "watch", "talk", "volunteer", "study", "listen", "watch",
                   "talk", "volunteer", "other", "study"]
THEME_DAY_TEXT = {
    "study": "共学党建知识：", "listen": "共听优秀党课：", "watch": "共看红色影视：",
    "talk": "共谈入党感悟：", "volunteer": "志愿服务：", "other": "主题活动：",
}
ABSENCES = [("duty", "出差"), ("duty", "公务外出"), ("leave", "病假"), ("duty", "下乡督导"),
            ("duty", "参加上级培训"), ("leave", "事假"), ("other", "家中老人住院陪护")]
BASES = [
    ("“示例事件”史迹陈列馆", "exhibition", "示例县城关镇红军路12号"),
    ("示例中央苏区纪念馆", "memorial", "示例县苏区大道8号"),
    ("示例第一党支部旧址", "branch_site", "示例县示例村"),
]
GROUP_NAMES = {
    "public_body": ["县直机关", "县财政局", "县教育体育局", "示例镇人民政府", "县人民医院"],
    "society": ["县老年协会", "县青年志愿者协会", "县作家协会", "县退役军人协会"],
    "students": ["示例县第一中学", "示例县实验小学", "示例县职业中专", "示例县第二中学"],
    "other": ["外地游客团", "企业职工", "社区居民"],
}


def _members(parts):
    """{party org pk: [person, ...]} for the leading group and each branch."""
    people = [p for group in parts["staff"].values() for p in group] + list(parts["leaders"])
    by_branch = {b.pk: [] for b in parts["branches"]}
    for p in sorted(people, key=lambda p: (p.sort, p.pk)):
        if p.branch_id in by_branch:
            by_branch[p.branch_id].append(p)
    by_branch[parts["leading_group"].pk] = list(parts["leaders"])
    return by_branch


def _session(world, kind, po, members, date, theme, **extra):
    host = extra.pop("host", None) or (members[0] if members else None)
    recorder = extra.pop("recorder", None) or (members[1] if len(members) > 1 else host)
    return StudySession(
        kind=kind, party_org=po, org_id=po.org_id, date=date, theme=theme,
        place=extra.pop("place", "局三楼会议室"), host=host, recorder=recorder,
        materials=extra.pop("materials", world.rng.choice(MATERIALS)), **extra,
    )


def load(world):
    main = world.data["main"]
    year, rng = world.year, world.rng
    lg = main["leading_group"]
    branches = main["branches"]
    members = _members(main)
    gap_theme_branch = branches[1] if len(branches) > 1 else branches[0]
    gap_plan_branch = branches[2] if len(branches) > 2 else branches[0]

    # --- monthly plans
    plans = []
    for po in [lg, *branches]:
        for m in range(1, 13):
            if po == gap_plan_branch and m == 7:
                continue
            draft = po == gap_theme_branch and m == 11
            planned = "\n".join([
                f"1.集中学习：{THEMES[m - 1]}",
                f"2.{'理论学习中心组专题学习' if po == lg else '主题党日：' + THEME_DAY_TEXT[THEME_DAY_FORMS[m - 1]] + THEMES[m - 1]}",
                "3.个人自学：“学习强国”平台每日学习",
            ])
            plans.append(StudyPlan(
                party_org=po, org_id=po.org_id, month=dt.date(year, m, 1), theme=THEMES[m - 1],
                planned=planned, status=StudyPlan.DRAFT if draft else StudyPlan.FILED,
                filed_on=None if draft else dt.date(year, m, 1) - dt.timedelta(days=3)
                if m > 1 else dt.date(year, 1, 3)))
    StudyPlan.objects.bulk_create(plans)

    # --- 党组会议 (two a month) with agendas; two did not open with study
    meetings = []
    for m in range(1, 13):
        for day in (rng.randint(3, 12), rng.randint(16, 26)):
            d = dt.date(year, m, day)
            meetings.append(Meeting(
                party_org=lg, org_id=lg.org_id, date=d, place="局党组会议室", host=members[lg.pk][0],
                title=f"{year}年第{len(meetings) + 1}次党组会议"))
    Meeting.objects.bulk_create(meetings)
    late_study = {5, 17}
    items = []
    for i, mt in enumerate(meetings):
        study = AgendaItem(meeting=mt, order=1, title=FIRST_TOPICS[i % len(FIRST_TOPICS)],
                           is_study=True)
        others = [AgendaItem(meeting=mt, order=0, title=t)
                  for t in rng.sample(OTHER_ITEMS, rng.randint(1, 3))]
        ordered = [others[0], study, *others[1:]] if i in late_study else [study, *others]
        for n, item in enumerate(ordered, 1):
            item.order = n
        items += ordered
    AgendaItem.objects.bulk_create(items)

    sessions = []
    for i, mt in enumerate(meetings):
        sessions.append(_session(
            world, StudySession.FIRST_TOPIC, lg, members[lg.pk], mt.date,
            FIRST_TOPICS[i % len(FIRST_TOPICS)], meeting=mt, place=mt.place))
    # --- 中心组理论学习, monthly; 专题研讨 four times a year
    for m in range(1, 13):
        sessions.append(_session(
            world, StudySession.CENTRAL_GROUP, lg, members[lg.pk], world.day(m),
            THEMES[m - 1], place="局党组会议室",
            topics=SEMINARS[m % 4][1] if m % 3 == 0 else ""))
    for m, (theme, topic) in zip((3, 6, 9, 11), SEMINARS, strict=True):
        sessions.append(_session(
            world, StudySession.SEMINAR, lg, members[lg.pk], world.day(m),
            f"专题研讨：{theme}", topics=topic,
            minutes="中心组成员逐一发言，结合分管工作谈认识、找差距、提措施。"))
    # --- branches: 集中学习 and 主题党日 every month
    for b in branches:
        ms = members[b.pk]
        if not ms:
            continue
        for m in range(1, 13):
            sessions.append(_session(world, StudySession.BRANCH, b, ms, world.day(m),
                                     THEMES[m - 1], place="支部活动室"))
            if b == gap_theme_branch and m == 2:
                continue
            form = THEME_DAY_FORMS[m - 1]
            sessions.append(_session(
                world, StudySession.THEME_DAY, b, ms, world.day(m),
                THEME_DAY_TEXT[form] + THEMES[m - 1], theme_day_form=form,
                place="“示例事件”史迹陈列馆" if form == "watch" else "支部活动室"))
    # --- 党课: leaders in four branches, two branch secretaries
    leaders = main["leaders"]
    # The 党组书记 gives the 七一 lecture.
    lecture_plan = [(7, 0, True), (3, 1, True), (9, 2, True), (10, 3, True), (5, None, False),
                    (12, None, False)]
    for n, (m, leader_idx, is_leader) in enumerate(lecture_plan):
        b = branches[n % len(branches)]
        speaker = leaders[leader_idx] if is_leader else members[b.pk][0]
        d = dt.date(year, 7, 1) if leader_idx == 0 else world.day(m)
        sessions.append(_session(
            world, StudySession.LECTURE, b, members[b.pk], d,
            f"专题党课：{THEMES[m - 1]}", speaker=speaker, leader_lecture=is_leader))
    StudySession.objects.bulk_create(sessions)

    # --- the roll: taken for every session held by today; a session still to come (a demo
    # of the current year) has its roll 未点名.
    today = timezone.localdate()
    roll = []
    for s in sessions:
        for p in members[s.party_org_id]:
            r = rng.random()
            if s.date > today:
                roll.append(Attendance(session=s, org_id=s.org_id, person=p))
            elif r < 0.92:
                roll.append(Attendance(session=s, org_id=s.org_id, person=p,
                                       status=Attendance.PRESENT,
                                       spoke=s.kind == StudySession.SEMINAR))
            else:
                makeup = (s.date + dt.timedelta(days=rng.randint(1, 10))
                          if rng.random() < 0.6 else None)
                absence, reason = rng.choice(ABSENCES)
                roll.append(Attendance(session=s, org_id=s.org_id, person=p,
                                       status=Attendance.ABSENT, absence=absence,
                                       reason=reason, makeup_on=makeup))
    Attendance.objects.bulk_create(roll, batch_size=2000)

    # --- red-education bases and services
    museum = next((u for u in main["units"] if "博物馆" in u.name), main["organ"])
    bases = RedBase.objects.bulk_create([
        RedBase(org=museum, name=name, kind=kind, address=addr, sort=i)
        for i, (name, kind, addr) in enumerate(BASES)])
    guides = [world.name() for _ in range(4)]
    services = []
    for _ in range(128):
        base = rng.choices(bases, weights=(5, 3, 2))[0]
        group = rng.choices(list(GROUP_NAMES), weights=(4, 2, 4, 1))[0]
        services.append(RedService(
            base=base, org_id=base.org_id, date=world.day(), group=group,
            group_name=rng.choice(GROUP_NAMES[group]),
            people=rng.randint(30, 80) if group == "students" else rng.randint(12, 45),
            guide=rng.choice(guides)))
    RedService.objects.bulk_create(services)

    # --- the other organ of the small demo: plans and branch study, so the committee's
    # grid has a second organ to compare.
    other = world.data.get("other")
    if other:
        omembers = _members(other)
        plans, sessions = [], []
        for b in other["branches"]:
            for m in range(1, 13):
                plans.append(StudyPlan(party_org=b, org_id=b.org_id, month=dt.date(year, m, 1),
                                       theme=THEMES[m - 1], status=StudyPlan.FILED,
                                       filed_on=dt.date(year, m, 1)))
                sessions.append(_session(world, StudySession.BRANCH, b, omembers[b.pk],
                                         world.day(m), THEMES[m - 1]))
                if m % 2:
                    sessions.append(_session(world, StudySession.THEME_DAY, b, omembers[b.pk],
                                             world.day(m), THEMES[m - 1], theme_day_form="study"))
        StudyPlan.objects.bulk_create(plans)
        StudySession.objects.bulk_create(sessions)
        Attendance.objects.bulk_create([
            Attendance(session=s, org_id=s.org_id, person=p,
                       status=Attendance.PRESENT if s.date <= today else Attendance.UNTAKEN)
            for s in sessions for p in omembers[s.party_org_id]])
    for parts in world.county_organs():
        load_county_organ(world, parts)


def load_county_organ(world, parts):
    """A year of study for one of the county's other organs, written in bulk: plans, 党组会议
    with 第一议题, 中心组 and 专题研讨, branch study and 主题党日, 党课 and the roll. A less
    diligent organ skips more months, opens fewer meetings with study and is absent more."""
    organ, year = parts["organ"], world.year
    rng, d = world.rng_for("study", organ.code), world.diligence(organ)
    lg, branches = parts["leading_group"], parts["branches"]
    members = _members(parts)
    slack = 1 - d

    def day(m):
        return world.day(m, rng)

    def session(kind, po, date, theme, **extra):
        extra.setdefault("materials", rng.choice(MATERIALS))
        return _session(world, kind, po, members[po.pk], date, theme, place="机关会议室",
                        **extra)

    plans = []
    for po in [lg, *branches]:
        for m in range(1, 13):
            if rng.random() < 0.35 * slack:
                continue
            draft = rng.random() < 0.1 * slack
            plans.append(StudyPlan(
                party_org=po, org_id=po.org_id, month=dt.date(year, m, 1), theme=THEMES[m - 1],
                planned=f"1.集中学习：{THEMES[m - 1]}\n2.个人自学：“学习强国”平台每日学习",
                status=StudyPlan.DRAFT if draft else StudyPlan.FILED,
                filed_on=None if draft else dt.date(year, m, 1)))
    StudyPlan.objects.bulk_create(plans)

    meetings = [Meeting(party_org=lg, org_id=lg.org_id, date=day(1 + i * 12 // n), place="党组会议室",
                        host=members[lg.pk][0], title=f"{year}年第{i + 1}次党组会议")
                for n in [int(10 + 14 * d)] for i in range(n)]
    Meeting.objects.bulk_create(meetings)
    items, sessions = [], []
    for mt in meetings:
        topic = rng.choice(FIRST_TOPICS)
        ordered = [AgendaItem(meeting=mt, order=0, title=t)
                   for t in rng.sample(OTHER_ITEMS, rng.randint(1, 3))]
        ordered.insert(1 if rng.random() < 0.3 * slack else 0,
                       AgendaItem(meeting=mt, order=0, title=topic, is_study=True))
        for n, item in enumerate(ordered, 1):
            item.order = n
        items += ordered
        sessions.append(session(StudySession.FIRST_TOPIC, lg, mt.date, topic, meeting=mt))
    AgendaItem.objects.bulk_create(items)
    for m in range(1, 13):
        if rng.random() > 0.5 * slack:
            sessions.append(session(StudySession.CENTRAL_GROUP, lg, day(m), THEMES[m - 1]))
    for m, (theme, topic) in list(zip((3, 6, 9, 11), SEMINARS, strict=True))[:1 + int(3.5 * d)]:
        sessions.append(session(StudySession.SEMINAR, lg, day(m), f"专题研讨：{theme}",
                                topics=topic))
    for b in branches:
        if not members[b.pk]:
            continue
        for m in range(1, 13):
            if rng.random() > 0.3 * slack:
                sessions.append(session(StudySession.BRANCH, b, day(m), THEMES[m - 1]))
            if rng.random() > 0.45 * slack:
                form = THEME_DAY_FORMS[m - 1]
                sessions.append(session(StudySession.THEME_DAY, b, day(m),
                                        THEME_DAY_TEXT[form] + THEMES[m - 1], theme_day_form=form))
    lecturing = [b for b in branches if members[b.pk]]
    for n in range(1 + int(4 * d)):
        b = lecturing[n % len(lecturing)]
        m = rng.randint(1, 12)
        leader = n < len(parts["leaders"]) and rng.random() < 0.5 + 0.5 * d
        sessions.append(session(StudySession.LECTURE, b, day(m), f"专题党课：{THEMES[m - 1]}",
                                speaker=parts["leaders"][n] if leader else members[b.pk][0],
                                leader_lecture=leader))
    StudySession.objects.bulk_create(sessions, batch_size=2000)

    today = timezone.localdate()
    present = 0.8 + 0.18 * d
    roll = []
    for s in sessions:
        for p in members[s.party_org_id]:
            if s.date > today:
                roll.append(Attendance(session=s, org_id=s.org_id, person=p))
            elif rng.random() < present:
                roll.append(Attendance(session=s, org_id=s.org_id, person=p,
                                       status=Attendance.PRESENT,
                                       spoke=s.kind == StudySession.SEMINAR))
            else:
                absence, reason = rng.choice(ABSENCES)
                roll.append(Attendance(
                    session=s, org_id=s.org_id, person=p, status=Attendance.ABSENT,
                    absence=absence, reason=reason,
                    makeup_on=s.date + dt.timedelta(days=rng.randint(1, 10))
                    if rng.random() < 0.3 + 0.5 * d else None))
        if len(roll) >= 2000:
            Attendance.objects.bulk_create(roll)
            roll = []
    Attendance.objects.bulk_create(roll)
