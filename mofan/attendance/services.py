"""Attendance actions called by views, commands and tasks."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from mofan.audit.services import record
from mofan.core.background import Progress
from mofan.core.files import extension

from . import parsing
from .importing import import_file
from .models import DayStat, ImportRun

ALLOWED = ("xlsx", "xls", "csv")
SIGNATURES = {"xlsx": b"PK\x03\x04", "xls": b"\xd0\xcf\x11\xe0"}


def check_attendance_upload(upload) -> None:
    if upload is None:
        raise ValidationError("请选择要导入的文件")
    name = os.path.basename(upload.name or "")
    ext = extension(name)
    if ext not in ALLOWED:
        raise ValidationError(f"“{name}”的类型不支持，只能导入 .xlsx、.xls 或 .csv 文件")
    if upload.size == 0:
        raise ValidationError(f"“{name}”是空文件")
    if upload.size > settings.MOFAN_ATTENDANCE_MAX_BYTES:
        raise ValidationError(f"“{name}”太大，请按月拆分后导入")
    head = upload.read(8)
    upload.seek(0)
    if ext in SIGNATURES and not head.startswith(SIGNATURES[ext]):
        raise ValidationError(f"“{name}”的内容与扩展名不符")


def execute_run(run_id: int) -> str:
    """The task body: import the run's file, keeping progress and the outcome on the run.
    The import is one transaction, so a run interrupted by a worker restart left nothing
    behind and is simply run again."""
    run = ImportRun.objects.select_related("org").get(pk=run_id)
    if run.status in (ImportRun.DONE, ImportRun.REJECTED):
        return run.status
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.RUNNING, progress=5)

    # Each new percentage is one small write outside the import's transaction, so the
    # page polling the run sees the bar move while the file is read and checked.
    progress = Progress(ImportRun, run.pk, shown=5)

    try:
        with run.file.open("rb") as f:
            data = f.read()
        report = import_file(run.org, data, run.filename, source=run.source,
                             dry_run=run.dry_run, user=run.created_by, run=run,
                             progress=progress)
    except parsing.FileError as exc:
        _finish(run, ImportRun.FAILED, reason=str(exc))
        return "failed"
    except Exception as exc:
        _finish(run, ImportRun.FAILED, reason=f"导入时发生错误：{type(exc).__name__}，请联系系统管理员")
        raise
    status = ImportRun.REJECTED if report.errors else ImportRun.DONE
    _finish(run, status, read=report.read, imported=report.imported,
            duplicates=report.duplicates, rejected=report.rejected,
            errors=[[r, why] for r, why in report.errors[:1000]])
    return status


def _finish(run, status, **fields):
    ImportRun.objects.filter(pk=run.pk).update(status=status, progress=100, **fields)
    if status == ImportRun.FAILED:
        record("import", run, success=False, label=f"导入考勤失败 {run.filename}",
               after={"reason": fields.get("reason", "")}, user=run.created_by)


def unit_day_counts(stats) -> list[dict]:
    """Per unit of one day: due, attended and each anomaly, and the attendance rate."""
    rows = (stats.values("org_id", "org__name", "org__path").order_by("org__path")
            .annotate(n_due=Count("id", filter=Q(due=True)),
                      n_present=Count("id", filter=Q(due=True, attended=True)),
                      **{f"n_{s}": Count("id", filter=Q(status=s)) for s in DayStat.ANOMALIES},
                      leave=Count("id", filter=Q(status__in=[DayStat.LEAVE, DayStat.TRIP]))))
    out = []
    for r in rows:
        r["rate"] = round(100.0 * r["n_present"] / r["n_due"], 1) if r["n_due"] else None
        out.append(r)
    return out


def stats_range(organ):
    """The first and last day the organ has statistics for, or (None, None)."""
    from django.db.models import Max, Min

    r = DayStat.objects.filter(organ=organ).aggregate(lo=Min("date"), hi=Max("date"))
    return r["lo"], r["hi"]


def rules_changed(organ, since) -> int:
    """After a schedule or the policy changed from ``since`` on: recompute that range only."""
    from .stats import recompute

    lo, hi = stats_range(organ)
    if hi is None or hi < since:
        return 0
    return recompute(organ, max(lo, since), hi)


def save_absence(absence, *, actor=None) -> None:
    """Store an approved leave or trip, expand it and recompute its days."""
    from .importing import expand
    from .stats import recompute

    absence.full_clean()
    organ = absence.person.org.organ
    with transaction.atomic():
        absence.save()
        expand(absence, organ)
        record("create", absence, user=actor)
        recompute(organ, absence.start, absence.end)


def on_schedule_entered(sender, org, year, **kwargs) -> int:
    """The calendar's year was entered: recompute the provisional statistics of that year
    for the organs under ``org``."""
    import datetime as dt

    from mofan.orgs.models import Org

    from .stats import recompute

    organs = Org.objects.filter(kind=Org.ORGAN, path__startswith=org.path)
    n = 0
    for organ in organs:
        days = DayStat.objects.filter(organ=organ, date__year=year)
        if days.exists():
            lo, hi = stats_range(organ)
            n += recompute(organ, max(lo, dt.date(year, 1, 1)), min(hi, dt.date(year, 12, 31)))
    return 0  # the count the signal sums is of ledger items, not of person-days


def absence_deleted(sender, instance, **kwargs) -> None:
    """A deleted leave or trip no longer excuses its days: recompute them (inside the
    deletion's transaction)."""
    from mofan.orgs.models import Person

    from .stats import recompute

    person = Person.objects.filter(pk=instance.person_id).select_related("org").first()
    if person is not None and person.org.organ_id:
        recompute(person.org.organ, instance.start, instance.end)


def schedule_deleted(sender, instance, **kwargs) -> None:
    from mofan.orgs.models import Org

    if Org.objects.filter(pk=instance.org_id).exists():
        rules_changed(instance.org, instance.effective_from)


def calendar_day_saving(sender, instance, **kwargs) -> None:
    """Before an organ's own calendar day is changed: remember the date it had."""
    if instance.pk and not instance.schedule_id:
        instance._attendance_was = (type(instance).objects.filter(pk=instance.pk)
                                    .values_list("date", flat=True).first())


def calendar_day_changed(sender, instance, **kwargs) -> None:
    """An organ (or its committee) entered, changed or removed one day of its calendar —
    e.g. organised work on a Saturday made a working day: recompute that day (and the
    day it had before) for the organs under it that have statistics there. Days of an
    entered year's schedule are recomputed by ``on_schedule_entered`` instead."""
    from mofan.orgs.models import Org

    from .stats import recompute

    if instance.schedule_id:
        return
    org = Org.objects.filter(pk=instance.org_id).first()
    if org is None:
        return
    days = {instance.date, getattr(instance, "_attendance_was", None)} - {None}
    for organ in Org.objects.filter(kind=Org.ORGAN, path__startswith=org.path):
        lo, hi = stats_range(organ)
        for day in days:
            if lo is not None and lo <= day <= hi:
                recompute(organ, day, day)


def refresh_rollup(organ_id) -> int:
    """Add up again every month the organ has a rollup for (after Django's cascade deleted
    some of its 日统计 rows with a person or a unit)."""
    from django.db.models import Max, Min

    from .models import MonthStat
    from .stats import rollup

    r = MonthStat.objects.filter(organ_id=organ_id).aggregate(lo=Min("month"), hi=Max("month"))
    return rollup([organ_id], r["lo"], r["hi"]) if r["lo"] else 0


def person_deleted(sender, instance, **kwargs) -> None:
    """A deleted person's 日统计 went with them: their organ's months are added up again.
    Deleting their leave on the way recomputed its days while they still existed (the
    cascade deletes leave before people), so rows of theirs written then go first."""
    from mofan.orgs.models import Org

    DayStat.objects.filter(person_id=instance.pk).delete()
    organ_id = Org.objects.filter(pk=instance.org_id).values_list("organ_id", flat=True).first()
    if organ_id:
        refresh_rollup(organ_id)


def org_deleted(sender, instance, **kwargs) -> None:
    """A deleted unit's 日统计 (of people who have left it) went with it; a deleted organ's
    rollup went with it too."""
    if instance.organ_id and instance.organ_id != instance.pk:
        refresh_rollup(instance.organ_id)
