from django.core.management.base import BaseCommand, CommandError

from mofan.audit.services import verify_audit


class Command(BaseCommand):
    help = ("校验审计日志：逐行校验加密钥的哈希链，并与表外锚点比对（发现末尾被截断）；"
            "发现被改动、删除或截断时以非零状态退出并指出第一处")

    def handle(self, *args, **options):
        verdict = verify_audit()
        for warning in verdict.warnings:
            self.stderr.write(self.style.WARNING(f"注意：{warning}"))
        if not verdict.ok:
            where = f"，首个异常行 #{verdict.row_id}" if verdict.row_id else ""
            raise CommandError(f"审计日志校验失败：{verdict.reason}"
                               f"（已校验 {verdict.rows_checked} 行{where}）")
        message = f"审计日志校验通过：共 {verdict.rows_checked} 行，哈希链完整"
        if verdict.legacy_rows:
            message += f"（其中 {verdict.legacy_rows} 行是启用密钥前的 SHA-256 记录，已由加密钥的记录封存）"
        if verdict.newest_anchor:
            a = verdict.newest_anchor
            message += (f"；与 {verdict.anchors_checked} 个锚点一致，"
                        f"最新锚点 {a.at} 记录到第 {a.last_id} 行")
        self.stdout.write(self.style.SUCCESS(message + "。"))
