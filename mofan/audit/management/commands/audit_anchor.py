from django.core.management.base import BaseCommand, CommandError

from mofan.audit.anchors import anchor_path, write_anchor
from mofan.audit.services import verify_audit


class Command(BaseCommand):
    help = ("把审计日志当前的末行（序号 + 哈希）追加到表外锚点文件，并校验全表；"
            "请由 cron 每日运行，输出可打印留存。校验失败时以非零状态退出")

    def handle(self, *args, **options):
        anchor = write_anchor("command")
        self.stdout.write(f"已写入锚点 {anchor_path()}：\n{anchor.line}")
        verdict = verify_audit()
        if not verdict.ok:
            raise CommandError(f"审计日志校验失败：{verdict.reason}")
        self.stdout.write(self.style.SUCCESS(
            f"审计日志校验通过：共 {verdict.rows_checked} 行，与 {verdict.anchors_checked} 个锚点一致。"))
