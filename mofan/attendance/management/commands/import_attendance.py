from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mofan.attendance.importing import import_file
from mofan.attendance.parsing import FileError
from mofan.orgs.models import Org


class Command(BaseCommand):
    help = "导入办公平台导出的考勤文件（.xlsx / .xls / .csv）：先校验，全部无误才导入"

    def add_arguments(self, parser):
        parser.add_argument("file", help="考勤导出文件")
        parser.add_argument("--org", required=True, help="机关代码，如 wgxlj")
        parser.add_argument("--source", default="", help="来源名称（使用该来源保存的列对应）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不导入")

    def handle(self, *args, file, org, source, dry_run, **options):
        organ = Org.objects.filter(code=org, kind=Org.ORGAN).first()
        if organ is None:
            raise CommandError(f"没有代码为“{org}”的机关")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        try:
            report = import_file(organ, path.read_bytes(), path.name, source=source,
                                 dry_run=dry_run)
        except FileError as exc:
            raise CommandError(str(exc)) from exc
        shape = {"daily": "每日统计", "punches": "原始打卡记录"}[report.shape]
        self.stdout.write(f"文件格式：{shape}")
        self.stdout.write(f"读取 {report.read} 行")
        self.stdout.write(f"{'可导入' if dry_run else '导入'} {report.imported} 条")
        self.stdout.write(f"重复 {report.duplicates} 条")
        self.stdout.write(f"错误 {report.rejected} 行")
        for row, reason in report.errors:
            self.stdout.write(f"  第 {row} 行：{reason}")
        if report.errors and not dry_run:
            raise CommandError(f"有 {report.rejected} 行错误，全部未导入；请修正后重新导入")
        if dry_run:
            self.stdout.write("（仅校验，未导入）")
        else:
            self.stdout.write(self.style.SUCCESS("导入完成。"))
