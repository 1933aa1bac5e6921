from django.core.management.base import BaseCommand

from mofan.core.background import requeue_all


class Command(BaseCommand):
    help = "重新排队上次工作进程停止时未完成的导入（考勤导入与 Excel 后台导入；在启动工作进程前运行）"

    def handle(self, *args, **options):
        n = requeue_all()
        self.stdout.write(f"重新排队 {n} 个未完成的导入。")
