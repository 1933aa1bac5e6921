"""Demo 纾困解难: enterprises, 座谈会 / 政企夜谈, and the demands raised there."""

import datetime as dt

from mofan.core.ledger.demo import keeper_for, pick_fate, play

from .models import Demand, Enterprise, Meeting

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
