"""The demo year: each app's ``demo.py`` adds its records to a shared ``World``.

An app declares ``ORDER`` (smaller runs first) and ``load(world)``; ``load_demo`` runs them
all in one transaction with one seeded random generator, so a seed always gives the
same year.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from .discovery import import_app_modules

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金贾韦夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力斌宇浩凯鹏飞晨欣怡婷雪琳颖慧佳俊峰波宁梅兰云海燕丹晶倩莉蕾瑶婧博睿哲翔宏志国庆春秋冬雨"


@dataclass
class World:
    rng: random.Random
    year: int
    scale: str
    data: dict = field(default_factory=dict)  # what one step leaves for the next
    seed: int = 0
    organs: int = 40  # organs of the county scale (tests load a small county)

    @property
    def county(self) -> bool:
        return self.scale == "county"

    def rng_for(self, *names) -> random.Random:
        """A generator of its own for one step and one organ, fixed by the seed alone: the
        county's extra records never draw from (or disturb) the shared ``rng``."""
        return random.Random(":".join(map(str, (self.seed, *names))))

    def diligence(self, organ) -> float:
        """How diligent an organ is, 0.35 … 1.0, drawn once per organ from the seed: the
        county steps scale counts, gaps and timeliness with it, so organs rank apart."""
        table = self.data.setdefault("diligence", {})
        if organ.pk not in table:
            table[organ.pk] = round(self.rng_for("diligence", organ.code).uniform(0.35, 1.0), 3)
        return table[organ.pk]

    def county_organs(self) -> list:
        """The organs that get county-only records: every organ but the demo bureau (whose
        year is the organ-scale one)."""
        return self.data["organs"][1:] if self.county else []

    def name(self, rng=None) -> str:
        rng = rng or self.rng
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        return rng.choice(SURNAMES) + given

    def day(self, month: int | None = None, rng=None) -> dt.date:
        """A random weekday of the year (or of one month)."""
        rng = rng or self.rng
        while True:
            m = month or rng.randint(1, 12)
            d = dt.date(self.year, m, rng.randint(1, 28))
            if d.weekday() < 5:
                return d

    def phone(self, rng=None) -> str:
        rng = rng or self.rng
        return f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"


def steps():
    found = [m for m in import_app_modules("demo") if hasattr(m, "load")]
    return sorted(found, key=lambda m: m.ORDER)
