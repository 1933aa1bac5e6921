import time

from django.core.management.base import BaseCommand

from mofan.core import indicators
from mofan.core.params import reporting_year
from mofan.core.views import home_tables


class Command(BaseCommand):
    help = ("把每个首页的指标表（各工委的全县表、各机关自己的表）按当前数据算好放进缓存，"
            "首个打开首页的人不必等待计算；已是最新的表跳过。部署时由定时器每 10 分钟运行一次"
            "（mofan-warm-figures.timer）")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="默认：报告年度（首页打开的年度）")

    def handle(self, *args, year, **options):
        period = indicators.Period.year(year or reporting_year())
        tables, started, computed = home_tables(), time.monotonic(), 0
        for n, organ_ids in enumerate(tables, 1):
            if indicators.bring_up_to_date(organ_ids, period):
                computed += 1
            if len(organ_ids) > 1 or n == len(tables) or n % 10 == 0:
                self.stdout.write(f"  {n}/{len(tables)} 张表已检查")
        self.stdout.write(f"{period.start.year} 年度首页指标表 {len(tables)} 张：计算 {computed} 张，"
                          f"{len(tables) - computed} 张已是最新；用时 {time.monotonic() - started:.1f} 秒")
