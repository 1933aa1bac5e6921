"""Demo 纾困解难 and 产业链党建: enterprises, 座谈会 / 政企夜谈 and the demands raised there;
the joint party committee with a year of 调度 / 总结 / 考核 (one 调度 month missing, for the
cadence grid to show); loans, credit, subsidies and voucher batches in 元."""

import datetime as dt
import random
from decimal import Decimal

from mofan.core.ledger.demo import BulkPlayer, fates_for, keeper_for, pick_fate, play

from .models import (
    ChainCommittee,
    ChainMeeting,
    Demand,
    Enterprise,
    Meeting,
    SupportKind,
    SupportRecord,
    VoucherBatch,
)

ORDER = 45

ENTERPRISES = [
    ("示例县古镇旅游开发有限公司", "旅游景区"), ("示例县山水旅行社有限公司", "旅行社"),
    ("示例县云顶酒店管理有限公司", "住宿"), ("示例县红星影院有限公司", "电影放映"),
    ("示例县青石民宿专业合作社", "乡村民宿"), ("示例县文化传媒有限公司", "文化传媒"),
    ("示例县非遗竹编工艺品厂", "工艺美术"), ("示例县温泉度假村有限公司", "旅游景区"),
    ("示例县剧场演艺有限公司", "演艺"), ("示例县农家乐协会", "乡村旅游"),
    ("示例县书城有限公司", "出版物发行"), ("示例县漂流运营有限公司", "旅游景区"),
]
DEMANDS = [
    ("funds", "申请文旅消费券配套资金", "希望政府安排消费券配套资金，带动淡季客流。"),
    ("funds", "申请贷款贴息", "受疫情影响经营困难，希望协调银行贷款并给予贴息。"),
    ("land", "停车场扩建用地", "旺季停车位严重不足，希望协调景区周边临时停车用地。"),
    ("land", "民宿集群建设用地", "计划新建民宿集群，用地指标尚未落实。"),
    ("labour", "旺季导游和服务员短缺", "暑期旺季缺导游和服务员，希望协助招聘。"),
    ("labour", "非遗技艺传承人培训", "年轻人不愿学竹编，希望开展传承人培训。"),
    ("approval", "演出许可审批提速", "营业性演出审批材料多、时间长，希望简化。"),
    ("approval", "A级景区创建指导", "希望指导申报国家 3A 级旅游景区。"),
    ("other", "旅游交通标识设置", "通往景区的道路缺少旅游交通指示牌。"),
    ("other", "景区宣传推介", "希望在全县文旅推介会上给予展位和宣传。"),
]
FATES = [("registered", 1), ("assigned", 2), ("in_progress", 4), ("extended", 2),
         ("submitted", 2), ("returned", 2), ("closed", 18), ("closed_late", 4),
         ("returned_closed", 3)]


def load_organ(world, parts, n_enterprises, n_meetings, n_demands):
    rng, organ = world.rng, parts["organ"]
    keeper = keeper_for(organ)
    companies = [Enterprise.objects.create(
        org=organ, name=name, industry=industry, contact_name=world.name(), phone=world.phone())
        for name, industry in ENTERPRISES[:n_enterprises]]
    leaders = parts["leaders"]
    meetings = []
    for i in range(n_meetings):
        kind = "night" if i % 2 else "forum"
        day = dt.date(world.year, 2 + i * 10 // max(1, n_meetings), rng.randint(3, 26))
        m = Meeting.objects.create(
            org=organ, kind=kind, held_on=day, host=leaders[min(2, len(leaders) - 1)],
            place="局三楼会议室" if kind == "forum" else "古镇游客中心",
            topic=("文旅企业纾困解难座谈会" if kind == "forum" else "“政企夜谈”面对面")
            + f"（第{i + 1}期）")
        m.enterprises.set(rng.sample(companies, min(4, len(companies))))
        meetings.append(m)
    handlers = [parts["staff"][s][0] for s in parts["sections"][1:]] or [leaders[-1]]
    handlers = [p for p in handlers if p.pk != getattr(keeper, "person_id", None)]
    for _ in range(n_demands):
        meeting = rng.choice(meetings)
        company = rng.choice(list(meeting.enterprises.all()))
        demand_type, title, content = rng.choice(DEMANDS)
        item = Demand(org=organ, enterprise=company, meeting=meeting, demand_type=demand_type,
                      title=title, content=content, registered_on=meeting.held_on)
        play(item, pick_fate(rng, FATES), world=world, keeper=keeper,
             owner=rng.choice(handlers))


def load(world):
    load_organ(world, world.data["main"], 12, 8, 40)
    if "other" in world.data:
        load_organ(world, world.data["other"], 3, 2, 6)
    # The chain and the money draw from a generator of their own, derived from the shared
    # one's state without advancing it: the steps after this one see the same numbers.
    rng = random.Random(hash(world.rng.getstate()[1]))  # a tuple of ints: same hash every run
    load_chain_and_support(world, world.data["main"], rng)
    load_county(world)


def county_organs(world):
    """The county organs that serve enterprises (every third one: the economic bureaus);
    the others have no 纾困解难 work to show."""
    return world.county_organs()[::3]


def load_county(world):
    """Enterprises, 座谈会 / 政企夜谈 and their demands for the county's economic bureaus,
    the demands in bulk through the ledger's fates."""
    player = BulkPlayer(Demand)
    for parts in county_organs(world):
        organ = parts["organ"]
        rng, d = world.rng_for("enterprise", organ.code), world.diligence(organ)
        keeper = keeper_for(organ)
        companies = Enterprise.objects.bulk_create([Enterprise(
            org=organ, name=name, industry=industry, contact_name=world.name(rng),
            phone=world.phone(rng)) for name, industry in rng.sample(ENTERPRISES, rng.randint(3, 7))])
        leaders = parts["leaders"]
        n_meetings = 1 + int(5 * d)
        meetings = Meeting.objects.bulk_create([Meeting(
            org=organ, kind="night" if i % 2 else "forum",
            held_on=_weekday(world.year, 2 + i * 10 // n_meetings, rng.randint(3, 26)),
            host=leaders[min(2, len(leaders) - 1)], place="局会议室",
            topic=("企业纾困解难座谈会" if i % 2 == 0 else "“政企夜谈”面对面") + f"（第{i + 1}期）")
            for i in range(n_meetings)])
        attending = {m.pk: rng.sample(companies, min(3, len(companies))) for m in meetings}
        Meeting.enterprises.through.objects.bulk_create([
            Meeting.enterprises.through(meeting_id=m, enterprise_id=c.pk)
            for m, cs in attending.items() for c in cs])
        handlers = [parts["staff"][s][0] for s in parts["sections"][1:]]
        fates = fates_for(d, FATES)
        for _ in range(rng.randint(4, 6) + int(10 * d)):
            meeting = rng.choice(meetings)
            demand_type, title, content = rng.choice(DEMANDS)
            item = Demand(org=organ, enterprise=rng.choice(attending[meeting.pk]),
                          meeting=meeting, demand_type=demand_type, title=title,
                          content=content, registered_on=meeting.held_on)
            player.play(item, pick_fate(rng, fates), rng=rng, keeper=keeper,
                        owner=rng.choice(handlers))
    player.flush()


MEMBER_UNITS = [
    "县文广新旅局机关党委（书记单位）", "县商务局党组（副书记单位）", "县财政局党组",
    "县农商银行党委", "县文旅投资集团党支部", "古镇旅游开发有限公司党支部",
    "县旅游饭店协会党支部", "县民宿协会联合党支部",
]
DISPATCH_TOPICS = ["重点项目建设进度", "旅游旺季安全生产", "文旅消费季活动筹备", "企业用工和融资需求",
                   "景区提质升级", "乡村旅游精品线路推介"]
SUMMARY_TOPICS = ["一季度产业链工作总结", "二季度产业链工作总结", "三季度产业链工作总结",
                  "四季度产业链工作总结"]
DECISIONS = ["由县农商银行对接企业设备贷款需求，两周内反馈", "县商务局牵头做好文旅消费券第二批发放",
             "古镇景区停车场扩建用地由县自然资源局协调", "各成员企业党支部本月开展一次主题党日",
             "整理企业用工需求清单，对接县人社局专场招聘", "督促落实电费补贴兑现"]
RELIEF_EXTRA = [("forum", "文旅企业纾困解难座谈会（金融专场）"), ("night", "“政企夜谈”走进民宿集群"),
                ("forum", "文旅消费季企业座谈会"), ("night", "“政企夜谈”面对面（年终专场）")]


def load_chain_and_support(world, parts, rng):
    organ, year = parts["organ"], world.year
    companies = list(Enterprise.objects.filter(org=organ).order_by("id"))
    leader = parts["leaders"][0]
    committee = ChainCommittee.objects.create(
        org=organ, name="示例县文旅产业链联合党委", founded_on=dt.date(year - 1, 6, 18),
        secretary=leader.name, member_units="\n".join(MEMBER_UNITS))
    committee.enterprises.set(companies)
    missing = rng.randint(4, 10)  # the 调度 month nobody held: the grid marks it
    meetings = []
    for month in range(1, 13):
        if month == missing:
            continue
        meetings.append(ChainMeeting(
            committee=committee, org=organ, kind=ChainMeeting.DISPATCH,
            held_on=_weekday(year, month, rng.randint(3, 12)),
            topic=f"{month}月份产业链工作调度：{rng.choice(DISPATCH_TOPICS)}",
            place="局三楼会议室", host=leader.name, attendees="、".join(MEMBER_UNITS[:5]),
            minutes=f"听取各成员单位{month}月份工作情况汇报，研究解决企业反映的问题。",
            decisions="\n".join(rng.sample(DECISIONS, 2))))
    for q in range(4):
        meetings.append(ChainMeeting(
            committee=committee, org=organ, kind=ChainMeeting.SUMMARY,
            held_on=_weekday(year, 3 * q + 3, rng.randint(22, 28)), topic=SUMMARY_TOPICS[q],
            place="局三楼会议室", host=leader.name, attendees="全体成员单位",
            minutes="总结本季度产业链党建和产业发展工作，部署下季度重点任务。",
            decisions="\n".join(rng.sample(DECISIONS, 3))))
    meetings.append(ChainMeeting(
        committee=committee, org=organ, kind=ChainMeeting.REVIEW,
        held_on=_weekday(year, 12, rng.randint(20, 28)), topic=f"{year}年度成员单位和企业党支部考核",
        place="局三楼会议室", host=leader.name, attendees="全体成员单位、成员企业",
        minutes="对成员单位和成员企业党支部全年作用发挥情况进行考核评议。",
        decisions="评选产业链党建示范点 2 个\n考核结果报县委组织部备案"))
    ChainMeeting.objects.bulk_create(meetings)

    # More 座谈会 and 政企夜谈 (the reference counts them in tens), with minutes.
    for i, (kind, topic) in enumerate(RELIEF_EXTRA):
        m = Meeting.objects.create(
            org=organ, kind=kind, held_on=_weekday(year, 3 + i * 3, rng.randint(10, 25)),
            topic=topic, host=leader, place="古镇游客中心" if kind == "night" else "局三楼会议室",
            minutes="企业逐一反映经营困难，相关部门现场答复，会后建立问题清单。")
        m.enterprises.set(rng.sample(companies, min(5, len(companies))))

    SupportKind.ensure_defaults()
    kinds = {k.code: k for k in SupportKind.objects.all()}
    # A loan answers a company's 贷款贴息 demand, vouchers its 消费券 demand, if it raised one.
    answers = {"申请贷款贴息": ("equipment_loan", "caiyuan_credit", "finance"),
               "申请文旅消费券配套资金": ("voucher",)}
    funds = list(Demand.objects.filter(org=organ, demand_type="funds").order_by("id"))
    records = []

    def add(code, amount, content, month=None):
        company = rng.choice(companies)
        answered = next((d for d in funds if d.enterprise_id == company.pk
                         and code in answers.get(d.title, ())), None)
        records.append(SupportRecord(
            org=organ, enterprise=company, kind=kinds[code], amount=amount,
            date=_weekday(year, month or rng.randint(1, 12), rng.randint(1, 26)), content=content, demand=answered))

    for _ in range(6):
        add("equipment_loan", Decimal(rng.randint(80, 260) * 100_000), "协调县农商银行发放设备贷款")
    for _ in range(5):
        add("caiyuan_credit", Decimal(rng.randint(30, 100) * 100_000), "推荐纳入“财园信贷通”支持名单")
    for _ in range(4):
        add("finance", Decimal(rng.randint(50, 200) * 100_000), "对接金融机构提供流动资金支持")
    for _ in range(14):  # 电费补贴 to the 分, in the months of the epidemic
        add("power_subsidy", Decimal(rng.randint(400_000, 3_200_000)) / 100,
            "疫情期间电费补贴", month=rng.randint(1, 6))
    for _ in range(3):
        add("voucher", Decimal(rng.randint(5, 30) * 10_000), "文旅消费券配套资金")
    SupportRecord.objects.bulk_create(records)

    batches = [("“百城百夜”文旅消费券（第一批）", 5, 1_000_000), ("“百城百夜”文旅消费券（第二批）", 7, 800_000),
               ("国庆文旅消费券", 9, 600_000), ("冬季乡村旅游消费券", 12, 500_000)]
    VoucherBatch.objects.bulk_create(VoucherBatch(
        org=organ, title=title, issued_on=_weekday(year, month, 1),
        amount_issued=Decimal(amount),
        amount_redeemed=None if month == 12 else Decimal(amount * rng.randint(70, 95) // 100),
        channel=rng.choice(["云闪付", "微信小程序"])) for title, month, amount in batches)


def _weekday(year, month, day):
    d = dt.date(year, month, day)
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d
