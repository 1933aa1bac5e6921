from django.core.management.base import BaseCommand, CommandError

from mofan.accounts.services import issue_from_console
from mofan.core.scoping import ROLE_LABELS
from mofan.orgs.models import Org


class Command(BaseCommand):
    help = ("在服务器上为账号生成一次性密码并打印一次（首次登录须修改），记入审计。"
            "用于建立最初的三员账号，或管理员被锁在外面而无人可为其重置时。")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=list(ROLE_LABELS), default="",
                            help="账号不存在时新建，须同时给出角色和 --org")
        parser.add_argument("--org", default="", help="所属单位代码（新建时）")

    def handle(self, username, role, org, **options):
        unit = Org.objects.filter(code=org).first() if org else None
        if org and unit is None:
            raise CommandError(f"没有代码为 {org} 的单位")
        try:
            account, password, created = issue_from_console(username, role=role, org=unit)
        except ValueError as e:
            raise CommandError(f"没有账号 {username}；{e}") from e
        self.stdout.write(f"{'已新建' if created else '已重置'}账号 {account.username}"
                          f"（{account.role_label}）的密码，本密码只显示这一次，首次登录须修改：")
        self.stdout.write(f"  {password}")
