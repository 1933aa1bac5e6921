"""Tourism for the demo bureau: two years of county months (so growth is real) and of its
scenic areas, and the honours of the reference: a national industrial-tourism
demonstration base, a key rural-tourism village, a boutique route, a smart scenic area
and a provincial placing.

The generator is derived from the shared one without drawing from it, so adding this
step changes nothing of what the other apps' demo steps produce.
"""

import datetime as dt
import random
from decimal import Decimal

from .models import Honour, MonthlyFigure, ScenicArea

ORDER = 61

# Arrivals by month (万人次) of the year before the demo year: 春节 and the summer high.
BASE = [68, 52, 38, 41, 50, 37, 46, 55, 39, 61, 35, 30]
AREAS = [("示例山景区", "4A", "云顶镇", 0.22), ("古镇历史文化街区", "4A", "城关镇", 0.18),
         ("面包产业城", "3A", "三溪镇", 0.12), ("龙潭漂流", "3A", "南山镇", 0.06),
         ("法水村乡村旅游点", "", "城关镇", 0.04)]
SPEND_PER_VISIT = 690  # 元 per arrival, about the reference's ratio


def own_rng(world, name):
    return random.Random(f"{name}:{world.rng.getstate()[1][:8]}")


def honours(year):
    d = dt.date
    return [
        (Honour.NATIONAL, "国家工业旅游示范基地", "scenic_area", "面包产业城", "文化和旅游部",
         d(year, 1, 12), "", None),
        (Honour.NATIONAL, "全国乡村旅游重点村", "village", "法水村", "文化和旅游部、国家发展改革委",
         d(year, 8, 26), "", None),
        (Honour.NATIONAL, "“稻花香里说丰年”全国乡村旅游精品线路", "route", "三溪田园之旅",
         "文化和旅游部", d(year, 9, 20), "", None),
        (Honour.PROVINCIAL, "省级智慧景区", "scenic_area", "示例山景区", "省文化和旅游厅",
         d(year, 11, 8), "", None),
        (Honour.PROVINCIAL, "“风景独好”旅游名县候选县", "county", "示例县", "省文化和旅游厅",
         d(year, 12, 2), "", None),
        (Honour.CITY, "全市旅游产业发展先进县", "county", "示例县", "市委、市人民政府",
         d(year, 2, 21), "", None),
        (Honour.PROVINCIAL, "“百城百夜”文旅消费季活动", "county", "示例县", "省文化和旅游厅",
         d(year, 12, 15), Honour.PROVINCE, 12),
        (Honour.CITY, "“百城百夜”文旅消费季活动", "county", "示例县", "市文化广电新闻出版旅游局",
         d(year, 12, 10), Honour.CITY_RANK, 2),
        (Honour.COUNTY, "文旅系统先进集体", "enterprise", "示例县古镇旅游开发有限公司",
         "县人民政府", d(year, 1, 28), "", None),
    ]


def load(world):
    main = world.data["main"]
    organ, year = main["organ"], world.year
    rng = own_rng(world, "tourism")
    areas = [ScenicArea.objects.create(org=organ, name=n, grade=g, township=t)
             for n, g, t, _ in AREAS]
    rows = []
    for y, lift in ((year - 1, 1.0), (year, 1.2)):  # the demo year grows by about a fifth
        for month, base in enumerate(BASE, 1):
            if y == year - 1 and month == 1:
                continue  # the bureau's sheet for last January was never entered
            visitors = int(base * 10000 * lift * rng.uniform(0.95, 1.05))
            revenue = (Decimal(visitors * SPEND_PER_VISIT) * Decimal(rng.uniform(0.96, 1.1))
                       ).quantize(Decimal("0.01"))
            day = dt.date(y, month, 1)
            rows.append(MonthlyFigure(org=organ, organ=organ, month=day, visitors=visitors,
                                      revenue=revenue, source="县统计局月报"))
            for area, (*_, share) in zip(areas, AREAS, strict=True):
                if area.name == "面包产业城" and y < year:
                    continue  # opened to visitors in the demo year: no growth figure
                n = int(visitors * share * rng.uniform(0.9, 1.1))
                rows.append(MonthlyFigure(
                    org=organ, organ=organ, month=day, scenic_area=area, visitors=n,
                    revenue=(Decimal(n) * Decimal(rng.randint(150, 400))).quantize(Decimal("1")),
                    source="景区报送"))
    MonthlyFigure.objects.bulk_create(rows)
    Honour.objects.bulk_create([
        Honour(org=organ, level=level, title=title, recipient_kind=kind, recipient=who,
               awarding_body=body, awarded_on=day, rank_scope=scope, rank=rank)
        for level, title, kind, who, body, day, scope, rank in honours(year)])
    load_county(world)


ORGAN_HONOURS = [
    (Honour.COUNTY, "乡村旅游示范点", "village", "县文广新旅局"),
    (Honour.COUNTY, "文旅志愿服务先进集体", "other", "县文明办"),
    (Honour.CITY, "乡村旅游重点村", "village", "市文化广电新闻出版旅游局"),
    (Honour.COUNTY, "“百城百夜”文旅消费季优秀组织单位", "other", "县人民政府"),
]
PAIRED_VILLAGES = ["新民村", "法水村", "三溪村", "茶园村", "龙潭村", "荷塘村", "高坑村", "坳上村"]


def load_county(world):
    """The county's visitor and revenue figures stay with the 文旅 bureau (one county, one
    statistic); each other organ has the tourism honours its paired village or its
    volunteers won, one to three, more for a diligent organ."""
    rows = []
    for parts in world.county_organs():
        organ = parts["organ"]
        rng, d = world.rng_for("tourism", organ.code), world.diligence(organ)
        for level, title, kind, body in rng.sample(ORGAN_HONOURS, 1 + int(2.9 * d * rng.random())):
            rows.append(Honour(
                org=organ, level=level, title=title, recipient_kind=kind,
                recipient=rng.choice(PAIRED_VILLAGES) if kind == "village" else organ.name,
                awarding_body=body, awarded_on=world.day(rng=rng)))
    Honour.objects.bulk_create(rows)
