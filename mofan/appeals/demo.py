"""Demo 民情台账: 察民情·访民意·听民声 and 12345 appeals through every state."""

import datetime as dt

from mofan.core import ledger
from mofan.core.ledger.demo import (
    BulkPlayer,
    actor_for_person,
    after,
    fates_for,
    keeper_for,
    pick_fate,
    play,
)

from .models import Appeal
from .services import VISIT_LABELS, do_visit

ORDER = 40

PLACES = ["城关镇东街社区", "城关镇西街社区", "城关镇花园社区", "河口镇河口村", "河口镇新民村",
          "青石乡青石村", "青石乡柳树村", "古镇景区", "县体育广场", "滨河公园"]

# (title, citizen's words, category, source weight hint)
APPEALS = [
    ("图书馆周末开放时间咨询", "周末图书馆几点开门？孩子想去自习。", "consult"),
    ("文化馆舞蹈培训报名咨询", "文化馆的公益舞蹈班什么时候报名，要不要交钱？", "consult"),
    ("农家书屋图书陈旧", "村里农家书屋的书都是好多年前的，希望更新一批。", "suggestion"),
    ("广场舞噪音扰民", "晚上九点以后广场舞音响还很大，影响休息。", "complaint"),
    ("景区停车收费不明", "古镇景区停车场收费没有公示，收费人员说法不一。", "complaint"),
    ("送戏下乡场次偏少", "今年村里只来过一次戏，老人们希望多来几场。", "suggestion"),
    ("村文化广场路灯损坏", "文化广场的路灯坏了两盏，晚上活动不安全。", "help"),
    ("旅行社退费纠纷", "报了旅行团因病没去，旅行社不肯退费。", "complaint"),
    ("非遗传承人申报咨询", "家里的竹编手艺想申报非遗传承人，需要什么材料？", "consult"),
    ("有线电视信号差", "山里的有线电视经常没信号，过年想看春晚。", "help"),
    ("博物馆讲解预约", "单位想组织党员参观博物馆，怎么预约讲解？", "consult"),
    ("网吧接纳未成年人", "学校旁边的网吧晚上有学生在上网。", "complaint"),
    ("增设社区健身器材", "小区里没有健身器材，老人只能在马路边锻炼。", "suggestion"),
    ("文物保护标志被遮挡", "老街古井旁的文物保护碑被广告牌挡住了。", "suggestion"),
    ("景区厕所卫生差", "古镇景区公共厕所没人打扫，游客意见很大。", "complaint"),
    ("困难群众观影需求", "村里老人行动不便，希望送电影进村到院坝放映。", "help"),
    ("演出场所消防隐患", "城区某歌厅安全通道堆放杂物。", "complaint"),
    ("乡村旅游扶持政策咨询", "想在村里办农家乐，有没有扶持政策？", "consult"),
]
SOURCES = [("observe", 3), ("visit", 3), ("listen", 4), ("hotline", 3), ("other", 1)]


def _appeal(world, organ, day, rng, own=False):
    """An appeal; ``own``: names and phones from ``rng`` too (the county's organs)."""
    title, words, category = rng.choice(APPEALS)
    by = rng if own else None
    return Appeal(
        org=organ, title=title, words=words, category=category,
        source=rng.choices([s for s, _ in SOURCES], weights=[w for _, w in SOURCES])[0],
        urgent=rng.random() < 0.05, place=rng.choice(PLACES),
        citizen=world.name(by)[0] + rng.choice(["先生", "女士", "大爷", "阿姨"]),
        contact=world.phone(by) if rng.random() < 0.8 else "", registered_on=day)


def _owners(parts, keeper):
    """Section and unit heads and staff who handle appeals (never the keeper himself)."""
    people = [p for org in parts["sections"] + parts["units"] for p in parts["staff"][org][:3]]
    keeper_person = getattr(keeper, "person_id", None)
    return [p for p in people if p.pk != keeper_person]


def _visit(world, item, keeper):
    rng = world.rng
    roll = rng.random()
    result = "satisfied" if roll < 0.7 else "basic" if roll < 0.88 else "unsatisfied"
    cause = ""
    if result == "unsatisfied":
        cause = "own" if rng.random() < 0.6 else "objective"
    do_visit(item, actor=keeper, result=result, cause=cause, at=after(item, 2),
             note="电话回访当事人。")


def load_organ(world, parts, count):
    rng, organ = world.rng, parts["organ"]
    keeper = keeper_for(organ)
    owners = _owners(parts, keeper)
    for _ in range(count):
        day = world.day(rng.randint(1, 11))
        item = _appeal(world, organ, day, rng)
        owner = rng.choice(owners)
        fate = pick_fate(rng)
        play(item, fate, world=world, keeper=keeper, owner=owner)
        if item.state == ledger.CLOSED and rng.random() < 0.85:
            _visit(world, item, keeper)
            if item.state == ledger.IN_PROGRESS and rng.random() < 0.5:
                # Reopened and handled again.
                me = actor_for_person(owner)
                ledger.do_submit(item, actor=me, at=after(item, 2),
                                 result="重新上门协调，问题已彻底解决。")
                ledger.do_close(item, actor=keeper, at=after(item, 1), note="同意销号。")
    return keeper


def load(world):
    main = world.data["main"]
    keeper = load_organ(world, main, 150 if world.scale == "organ" else 60)
    # The walk of issue #3: the 办公室股长 (demo account wgxlj_bgs) has overdue appeals
    # waiting for him: one just assigned, one returned to him once already.
    rng = world.rng
    head = main["staff"][main["sections"][0]][0]
    for month, fate, title, words in [
        (12, "assigned", "老街古戏台夜间演出噪音投诉",
         "古戏台晚上演出到十点多，锣鼓声太大，住在旁边的老人睡不着。"),
        (11, "assigned", "社区文化活动室开放时间建议",
         "社区文化活动室工作日白天才开，上班的人用不上，建议晚上也开放。"),
        (11, "returned", "送电影下乡放映点调整",
         "村里放电影的地方在晒谷场，冬天太冷，希望改到村委会会议室。"),
    ]:
        day = dt.date(world.year, month, rng.randint(1, 5))
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        item = Appeal(org=main["organ"], title=title, words=words, category="complaint"
                      if "投诉" in title else "suggestion", source="listen",
                      place=rng.choice(PLACES), citizen="王女士", contact=world.phone(),
                      registered_on=day)
        play(item, fate, world=world, keeper=keeper, owner=head)
    if "other" in world.data:
        load_organ(world, world.data["other"], 15)
    player = BulkPlayer(Appeal)
    for parts in world.county_organs():
        load_county_organ(world, parts, player)
    player.flush()


def load_county_organ(world, parts, player):
    """The county's other organs: a year of appeals in bulk, as many and as well handled as
    the organ is diligent; closed ones visited (an unsatisfied visit reopens, as 回访 does)."""
    organ = parts["organ"]
    rng, d = world.rng_for("appeals", organ.code), world.diligence(organ)
    keeper = keeper_for(organ)
    owners = _owners(parts, keeper)
    fates = fates_for(d)
    for _ in range(int(12 + 40 * d) + rng.randint(0, 6)):
        item = _appeal(world, organ, world.day(rng.randint(1, 11), rng), rng, own=True)
        owner = rng.choice(owners)
        player.play(item, pick_fate(rng, fates), rng=rng, keeper=keeper, owner=owner)
        if item.state == ledger.CLOSED and rng.random() < 0.6 + 0.35 * d:
            _bulk_visit(player, item, keeper, rng, d)
            if item.state == ledger.IN_PROGRESS and rng.random() < 0.5:
                me = player.actor(owner)
                player.submit(item, actor=me, at=player.after(item, 2),
                              result="重新上门协调，问题已彻底解决。")
                player.close(item, actor=keeper, at=player.after(item, 1), note="同意销号。")


def _bulk_visit(player, item, keeper, rng, d):
    """A visit whose result follows the organ's diligence."""
    roll = rng.random()
    result = "satisfied" if roll < 0.45 + 0.35 * d else "basic" if roll < 0.9 else "unsatisfied"
    cause = ("own" if rng.random() < 0.6 else "objective") if result == "unsatisfied" else ""
    bulk_visit(player, item, keeper, result, cause)


def bulk_visit(player, item, keeper, result, cause="", note="电话回访当事人。"):
    """``do_visit`` in memory: the same fields, 回访 event and, when the organ's own handling
    left the citizen unsatisfied, the 重办 event."""
    at = player.after(item, 2)

    def change(it):
        it.visit_result, it.visit_cause, it.visited_at = result, cause, at

    player.step(item, "visit", at, actor=keeper, change=change,
                note=f"回访：{VISIT_LABELS[result]}。{note}", data={"result": result, "cause": cause})
    if cause == "own":
        player.reopen(item, actor=keeper, at=at,
                      reason=f"回访不满意（本单位办理原因），重新办理。{note}".strip())
