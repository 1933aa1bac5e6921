import random
import resource
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mofan.core.demo import World, steps
from mofan.core.views import default_year
from mofan.orgs.models import Org


class Command(BaseCommand):
    help = "载入演示年度数据（确定性：同一 seed 得到同样的数据）"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["organ", "county"], default="organ",
                            help="organ：一个工委、示例县文广新旅局和另一小机关；county：40 个机关约 3000 人，每个机关各模块全年记录")
        parser.add_argument("--year", type=int, default=default_year(), help="演示年度，默认上一个完整年度")
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument("--organs", type=int, default=40,
                            help="county 规模的机关数（默认 40；测试用小县，如 4）")
        parser.add_argument("--if-empty", action="store_true", help="数据库已有数据时什么也不做")

    def handle(self, *args, scale, year, seed, if_empty, organs, **options):
        if Org.objects.exists():
            if if_empty:
                self.stdout.write("数据库中已有数据，跳过演示数据载入。")
                return
            raise CommandError("数据库中已有数据；演示数据只能载入空数据库。")
        if organs < 2:
            raise CommandError("--organs 至少为 2")
        world = World(rng=random.Random(seed), year=year, scale=scale, seed=seed, organs=organs)
        started = time.monotonic()
        with transaction.atomic():
            for step in steps():
                t0 = time.monotonic()
                step.load(world)
                name = step.__name__.split(".")[1]
                self.stdout.write(f"  · {name} 完成（{time.monotonic() - t0:.1f} 秒）")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        self.stdout.write(self.style.SUCCESS(
            f"演示数据已载入：{year} 年度，规模 {scale}，用时 {time.monotonic() - started:.1f} 秒，"
            f"内存峰值 {peak:.0f} MiB。"))
