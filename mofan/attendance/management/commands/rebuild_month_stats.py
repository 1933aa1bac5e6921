from django.core.management.base import BaseCommand

from mofan.attendance.stats import rebuild_rollup


class Command(BaseCommand):
    help = "由考勤日统计重新汇总各机关的月统计（迁移时已自动运行；用于核对或修复）"

    def handle(self, *args, **options):
        n = rebuild_rollup()
        self.stdout.write(f"已重新汇总 {n} 条机关月统计。")
