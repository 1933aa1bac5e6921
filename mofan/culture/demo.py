"""A year of 文化惠民 for the demo bureau: the reference's large events, tens of 送戏下乡
shows, about a thousand screenings from the projection team's monthly lists, free
training with thousands of participants and 乡镇 events the bureau guided.

The generator is derived from the shared one without drawing from it, so adding this
step changes nothing of what the other apps' demo steps produce.
"""

import datetime as dt
import random

from .models import Event

ORDER = 60

TOWNSHIPS = {
    "城关镇": ["东门社区", "西门社区", "南街社区", "法水村"],
    "三溪镇": ["三溪村", "上溪村", "下溪村", "石桥村"],
    "东岭镇": ["东岭村", "茶园村", "竹山村"],
    "西河乡": ["西河村", "枫林村", "新屋村"],
    "南山镇": ["南山村", "龙潭村", "桃源村", "古樟村"],
    "北湖乡": ["北湖村", "荷塘村", "渔村"],
    "青石乡": ["青石村", "岭背村", "高坑村"],
    "云顶镇": ["云顶村", "坳上村", "塘下村", "黄土岗村"],
}
LARGE = [
    (1, "“三溪情”书法美术作品联展", "县文化馆", "exhibition_hall"),
    (2, "“贺新春 闹元宵”文艺活动", "县文化馆", "square"),
    (2, "法水村“村晚”", "城关镇法水村", "village"),
    (6, "中国朗诵艺术节·庆“七一”朗诵展演", "县文广新旅局", "theatre"),
    (7, "全省第十三届少儿艺术节（本县赛区）", "县文化馆", "theatre"),
    (9, "全市“喜迎党的二十大”综艺节目展演本县专场晚会", "县文广新旅局", "theatre"),
]
VENUES = {"exhibition_hall": "县文化馆展厅", "square": "县人民广场", "village": "法水村文化广场",
          "theatre": "县影剧院"}
OPERAS = ["采茶戏《孙成打酒》", "采茶戏《睄妹子》", "小戏《礼物》", "现代采茶戏《一个人的长征》",
          "赣南采茶戏专场", "黄梅戏选段专场", "文艺小分队综艺演出"]
FILMS = ["《长津湖》", "《我和我的祖国》", "《悬崖之上》", "《1921》", "《守岛人》", "《中国医生》",
         "《你好，李焕英》", "《我和我的家乡》", "《夺冠》", "《革命者》", "《狙击手》", "《奇迹·笨小孩》",
         "科教片《农村安全用电》", "科教片《防范电信诈骗》", "科教片《柑橘栽培技术》"]
TRAININGS = ["书法", "美术", "舞蹈", "声乐", "古筝", "二胡", "摄影", "太极拳"]
GUIDED = ["广场舞展演", "农民篮球赛", "乡村文艺汇演", "农民运动会", "元宵灯会", "端午龙舟赛",
          "重阳敬老文艺演出", "中秋晚会", "丰收节文艺演出", "老年门球赛"]


def own_rng(world, name):
    """A generator determined by the demo seed (and what ran before) that leaves the
    shared one untouched."""
    return random.Random(f"{name}:{world.rng.getstate()[1][:8]}")


def _day(rng, year, month):
    return dt.date(year, month, rng.randint(1, 28))


def events_for(world, organ, culture_hall, rng):
    year = world.year
    rows = []
    places = [(t, v) for t, villages in TOWNSHIPS.items() for v in villages]
    for month, title, organiser, venue in LARGE:
        rows.append(Event(org=organ, kind=Event.LARGE, title=title, date=_day(rng, year, month),
                          organiser=organiser, venue=VENUES[venue], shows=1,
                          audience=rng.randrange(800, 3000, 50), audience_basis=Event.ESTIMATE))
    rows.append(Event(org=organ, kind=Event.VILLAGE_GALA, title="三溪村“村晚”",
                      date=dt.date(year, 1, 20), township="三溪镇", village="三溪村",
                      organiser="三溪镇综合文化站", audience=600, audience_basis=Event.ESTIMATE))
    for i in range(36):  # 送戏下乡: one performance per row, a few double bills
        township, village = rng.choice(places)
        rows.append(Event(
            org=organ, kind=Event.OPERA, date=_day(rng, year, 1 + i * 11 // 36 + (i % 2)),
            title=f"送戏下乡·{village}", township=township, village=village,
            organiser="县采茶剧团", programme=rng.choice(OPERAS), shows=2 if i % 9 == 0 else 1,
            audience=rng.randrange(200, 600, 10), audience_basis=Event.ESTIMATE))
    for month in range(1, 13):  # the projection team's monthly list: one village evening a row
        for _ in range(rng.randint(70, 78)):
            township, village = rng.choice(places)
            film = rng.choice(FILMS)
            rows.append(Event(
                org=organ, kind=Event.FILM, date=_day(rng, year, month),
                title=f"送电影下乡·{township}{village}{film}", township=township,
                village=village, organiser="县农村电影放映队", programme=film,
                shows=1 + (rng.random() < 0.15), audience=rng.randrange(40, 180, 5),
                audience_basis=Event.ESTIMATE))
    for i, art in enumerate(TRAININGS):
        start = dt.date(year, 3 + i % 2 * 4, 1 + i)
        rows.append(Event(
            org=culture_hall, kind=Event.TRAINING, title=f"免费开放阳光艺术培训·{art}班",
            date=start, end_date=start + dt.timedelta(days=rng.choice((30, 45, 60))),
            venue="县文化馆培训室", organiser="县文化馆", programme=f"{art}基础",
            shows=rng.randint(8, 16), audience=rng.randrange(260, 520, 1),
            audience_basis=Event.EXACT))
    for i in range(46):
        township = rng.choice(list(TOWNSHIPS))
        rows.append(Event(
            org=culture_hall, kind=Event.GUIDED, date=_day(rng, year, 1 + i % 12),
            title=f"{township}{rng.choice(GUIDED)}", township=township,
            organiser=f"{township}综合文化站", notes="县文化馆派员指导编排",
            audience=rng.randrange(100, 800, 20), audience_basis=Event.ESTIMATE))
    rows.append(Event(org=culture_hall, kind=Event.EXHIBITION, date=dt.date(year, 5, 18),
                      end_date=dt.date(year, 6, 18), title="“5·18国际博物馆日”馆藏文物展",
                      venue="县博物馆", organiser="县博物馆", audience=4200,
                      audience_basis=Event.EXACT))
    return rows


def load(world):
    main = world.data["main"]
    halls = [u for u in main["units"] if u.name == "县文化馆"]
    rng = own_rng(world, "culture")
    Event.objects.bulk_create(events_for(world, main["organ"], halls[0] if halls
                                         else main["organ"], rng), batch_size=500)
    load_county(world)


ORGAN_EVENTS = [
    (Event.LARGE, "“迎新春”机关文艺汇演"), (Event.LARGE, "“七一”红歌比赛"),
    (Event.LARGE, "机关干部职工趣味运动会"), (Event.GUIDED, "结对村广场舞展演"),
    (Event.GUIDED, "结对社区重阳敬老文艺演出"), (Event.GUIDED, "结对村农民篮球赛"),
    (Event.OPERA, "联合县采茶剧团送戏到结对村"), (Event.FILM, "送电影到结对村"),
]


def load_county(world):
    """The county's other organs: their own 文化惠民 — a few organ events, what they guided in
    their paired villages, and a show or film they brought there (the county's big
    programmes stay with the 文旅 bureau)."""
    rows = []
    places = [(t, v) for t, villages in TOWNSHIPS.items() for v in villages]
    for parts in world.county_organs():
        organ = parts["organ"]
        rng, d = world.rng_for("culture", organ.code), world.diligence(organ)
        for _ in range(2 + int(8 * d) + rng.randint(0, 3)):
            kind, title = rng.choice(ORGAN_EVENTS)
            township, village = rng.choice(places)
            rows.append(Event(
                org=organ, kind=kind, title=f"{organ.short_name or organ.name}{title}",
                date=_day(rng, world.year, rng.randint(1, 12)), township=township,
                village="" if kind == Event.LARGE else village,
                organiser=organ.name, shows=1, audience=rng.randrange(60, 900, 10),
                programme=rng.choice(FILMS) if kind == Event.FILM else "",
                audience_basis=Event.ESTIMATE))
    Event.objects.bulk_create(rows, batch_size=2000)
