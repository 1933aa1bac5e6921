import re
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from mofan.audit.services import record
from mofan.core.backup import backup_folder, write_backup


class Command(BaseCommand):
    help = "备份：把数据库全部业务数据与上传文件写入一个 .zip（一致性快照）"

    def add_arguments(self, parser):
        parser.add_argument("--output", help="备份文件路径，默认 var/backups/mofan-时间.zip")
        parser.add_argument("--keep-days", type=int, default=0,
                            help="备份成功后删除备份目录中早于这么多天的 mofan-*.zip（0：不删除）")

    def handle(self, *args, output, keep_days, **options):
        if output:
            path = Path(output)
        else:
            path = backup_folder() / f"mofan-{timezone.localtime():%Y%m%d-%H%M%S}.zip"
        manifest = write_backup(path, progress=table_progress(self, options["verbosity"]))
        rows = sum(manifest["counts"].values())
        record("backup", object_type="core.backup", label=f"备份 {rows} 行到 {path.name}")
        self.stdout.write(self.style.SUCCESS(f"已备份 {rows} 行数据到 {path}"))
        if keep_days > 0:
            removed = prune(path.parent, keep_days, keep=path)
            if removed:
                record("delete", object_type="core.backup",
                       label=f"按保留期 {keep_days} 天删除旧备份 {len(removed)} 个",
                       before={"files": removed})
            self.stdout.write(f"保留期 {keep_days} 天：删除旧备份 {len(removed)} 个")


def table_progress(command, verbosity):
    """Each table as it is done: every table at -v 2, the big ones (a county year's punches
    take a while) at the default verbosity."""
    def progress(label, rows):
        if rows and (verbosity >= 2 or (verbosity == 1 and rows >= 10_000)):
            command.stdout.write(f"  · {label}：{rows} 行")
    return progress


BACKUP_NAME = re.compile(r"^mofan-\d{8}-\d{6}\.zip$")


def prune(folder: Path, keep_days: int, keep: Path) -> list[str]:
    """Delete this command's own backups (mofan-YYYYmmdd-HHMMSS.zip) older than
    ``keep_days``; never the one just written, never another file."""
    cutoff = time.time() - keep_days * 86400
    removed = []
    for f in sorted(folder.iterdir()):
        if (BACKUP_NAME.match(f.name) and f.is_file() and f.resolve() != keep.resolve()
                and f.stat().st_mtime < cutoff):
            f.unlink()
            removed.append(f.name)
    return removed
