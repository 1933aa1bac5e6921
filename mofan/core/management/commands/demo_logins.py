from django.core.management.base import BaseCommand

from mofan.accounts.demo import DEMO_LOGINS, issue_passwords
from mofan.core.params import reporting_year
from mofan.orgs.models import Campaign


class Command(BaseCommand):
    help = "为演示账号生成新的随机密码并打印（仅用于演示环境；首次登录须修改密码）"

    def add_arguments(self, parser):
        parser.add_argument("--print-year", action="store_true",
                            help="只打印演示数据的年度（make demo 用它让页面打开演示年度）")

    def handle(self, *args, **options):
        if options["print_year"]:
            self.stdout.write(str(self.demo_year() or ""))
            return
        issued = issue_passwords(list(DEMO_LOGINS))
        if not issued:
            self.stdout.write("没有演示账号。")
            return
        self.stdout.write("\n演示账号（密码为本次随机生成，首次登录须改为自己的密码）：")
        self.stdout.write(f"  {'用户名':<14}{'密码':<18}角色")
        for user, password in issued:
            self.stdout.write(f"  {user.username:<16}{password:<20}{DEMO_LOGINS.get(user.username, '')}")
        self.stdout.write("")
        demo_year = self.demo_year()
        if demo_year and demo_year != reporting_year():
            self.stdout.write(
                f"※ 演示数据为 {demo_year} 年度，页面默认打开报告年度 {reporting_year()} 年：点页面上的"
                f"“‹ {demo_year} 年”查看演示数据，或以 MOFAN_REPORTING_YEAR={demo_year} 启动。\n")

    @staticmethod
    def demo_year():
        return Campaign.objects.order_by("-year").values_list("year", flat=True).first()
