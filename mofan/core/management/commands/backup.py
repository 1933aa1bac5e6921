from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from mofan.audit.services import record
from mofan.core.backup import backup_folder, write_backup


class Command(BaseCommand):
    help = "备份：把数据库全部业务数据与上传文件写入一个 .zip（一致性快照）"

    def add_arguments(self, parser):
        parser.add_argument("--output", help="备份文件路径，默认 var/backups/mofan-时间.zip")

    def handle(self, *args, output, **options):
        if output:
            path = Path(output)
        else:
            path = backup_folder() / f"mofan-{timezone.localtime():%Y%m%d-%H%M%S}.zip"
        manifest = write_backup(path)
        rows = sum(manifest["counts"].values())
        record("backup", object_type="core.backup", label=f"备份 {rows} 行到 {path.name}")
        self.stdout.write(self.style.SUCCESS(f"已备份 {rows} 行数据到 {path}"))
