from django.core.management.base import BaseCommand, CommandError

from mofan.audit.services import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链，发现被改动或删除的行时以非零状态退出并指出第一处"

    def handle(self, *args, **options):
        ok, row_id, reason, checked = verify_chain()
        if not ok:
            raise CommandError(f"审计日志校验失败：{reason}（已校验 {checked} 行，首个异常行 #{row_id}）")
        self.stdout.write(self.style.SUCCESS(f"审计日志校验通过：共 {checked} 行，哈希链完整。"))
