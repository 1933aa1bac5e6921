import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from mofan.core.calendar.services import calendar_for
from mofan.core.workcalendar import SOURCE_LABELS, WorkCalendar
from mofan.orgs.models import Org

KIND_LABELS = {"workday": "调休上班", "holiday": "放假", "restday": "休息"}


class Command(BaseCommand):
    help = ("工作日历：add DATE N 打印 DATE 之后第 N 个工作日（暂定时注明）；"
            "show YEAR 列出该年节假日与调休上班日及来源")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="DATE 之后第 N 个工作日")
        add.add_argument("date", help="起算日期，如 2026-12-20")
        add.add_argument("n", type=int, help="工作日数")
        add.add_argument("--org", help="机关代码（按该机关录入的日历计算）")
        show = sub.add_parser("show", help="列出某年的节假日与调休上班日")
        show.add_argument("year", type=int)
        show.add_argument("--org", help="机关代码")

    def calendar(self, code) -> WorkCalendar:
        if not code:
            return WorkCalendar()
        try:
            org = Org.objects.get(code=code)
        except Org.DoesNotExist as exc:
            raise CommandError(f"找不到代码为“{code}”的机关") from exc
        return calendar_for(org.organ or org)

    def handle(self, *args, action, org=None, **options):
        calendar = self.calendar(org)
        if action == "add":
            try:
                start = dt.date.fromisoformat(options["date"])
                due = calendar.due(start, options["n"])
            except ValueError as exc:
                raise CommandError(f"参数无效：{exc}") from exc
            note = "  暂定：该年法定节假日安排尚未录入" if due.provisional else ""
            self.stdout.write(f"{due.date:%Y-%m-%d}{note}")
            return
        year = options["year"]
        if calendar.is_provisional(year):
            self.stdout.write(f"{year} 年法定节假日安排尚未录入：以下为按法律推算的放假日（暂定），"
                              "调休无法推算")
        for day, kind, source, name in calendar.year_days(year):
            self.stdout.write(f"{day:%Y-%m-%d} {'一二三四五六日'[day.weekday()]}  "
                              f"{KIND_LABELS[kind]}  {name or '-'}  [{SOURCE_LABELS[source]} {source}]")
