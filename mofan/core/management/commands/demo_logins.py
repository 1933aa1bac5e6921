from django.core.management.base import BaseCommand

from mofan.accounts.demo import issue_passwords

DEMO_USERS = [
    ("wgxlj_admin", "单位管理员（示例县文广新旅局）"),
    ("wgxlj_bgs", "负责人（办公室股长）"),
    ("wgxlj_member", "干部/党员"),
    ("gongwei", "工委管理员（看全部机关）"),
    ("fgj_admin", "单位管理员（另一机关，看不到文广新旅局）"),
    ("sysadmin", "系统管理员"),
    ("secadmin", "安全管理员"),
    ("auditor", "审计员"),
]


class Command(BaseCommand):
    help = "为演示账号生成新的随机密码并打印（仅用于演示环境；首次登录须修改密码）"

    def handle(self, *args, **options):
        labels = dict(DEMO_USERS)
        issued = issue_passwords([u for u, _ in DEMO_USERS])
        if not issued:
            self.stdout.write("没有演示账号。")
            return
        self.stdout.write("\n演示账号（密码为本次随机生成，首次登录须改为自己的密码）：")
        self.stdout.write(f"  {'用户名':<14}{'密码':<18}角色")
        for user, password in issued:
            self.stdout.write(f"  {user.username:<16}{password:<20}{labels.get(user.username, '')}")
        self.stdout.write("")
