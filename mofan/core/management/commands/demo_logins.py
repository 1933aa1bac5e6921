from django.core.management.base import BaseCommand

from mofan.accounts.demo import DEMO_LOGINS, issue_passwords


class Command(BaseCommand):
    help = "为演示账号生成新的随机密码并打印（仅用于演示环境；首次登录须修改密码）"

    def handle(self, *args, **options):
        issued = issue_passwords(list(DEMO_LOGINS))
        if not issued:
            self.stdout.write("没有演示账号。")
            return
        self.stdout.write("\n演示账号（密码为本次随机生成，首次登录须改为自己的密码）：")
        self.stdout.write(f"  {'用户名':<14}{'密码':<18}角色")
        for user, password in issued:
            self.stdout.write(f"  {user.username:<16}{password:<20}{DEMO_LOGINS.get(user.username, '')}")
        self.stdout.write("")
