"""Import of work-app exports: parse, match people, then (outside a dry run) store every
punch or nothing. Re-importing an overlapping month stores nothing twice."""

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

from mofan.audit.services import record
from mofan.orgs.models import Org, Person

from . import parsing
from .models import Absence, AbsenceDay, ColumnMapping, ImportRun, Punch

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
BATCH = 5000
APPROVAL_KINDS = [k for k, _ in Absence.KIND_CHOICES] + ["请假"]


@dataclass
class Report:
    shape: str = ""
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    errors: list = field(default_factory=list)  # [(row, reason)]
    first: dt.date | None = None
    last: dt.date | None = None
    absences: int = 0

    @property
    def rejected(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        return (f"读取 {self.read} 行，导入 {self.imported} 条，重复 {self.duplicates} 条，"
                f"错误 {self.rejected} 行")


class Matcher:
    """People of one organ by 工号, UserId and name (within department)."""

    def __init__(self, organ: Org):
        people = list(Person.objects.filter(org__organ=organ).select_related("org")
                      .only("id", "name", "staff_no", "app_user_id", "org__name",
                            "org__short_name", "org_id"))
        self.by_no = {p.staff_no: p for p in people if p.staff_no}
        self.by_uid = {p.app_user_id: p for p in people if p.app_user_id}
        self.by_name = defaultdict(list)
        for p in people:
            self.by_name[p.name].append(p)

    def match(self, rec: parsing.Record) -> tuple[Person | None, str]:
        if rec.user_id and rec.user_id in self.by_uid:
            return self.by_uid[rec.user_id], ""
        if rec.staff_no and rec.staff_no in self.by_no:
            return self.by_no[rec.staff_no], ""
        ids = "、".join(x for x in (rec.staff_no and f"工号 {rec.staff_no}",
                                   rec.user_id and f"UserId {rec.user_id}") if x)
        if not rec.name:
            return None, f"未找到{ids}对应的人员"
        found = self.by_name.get(rec.name, [])
        if rec.dept and len(found) > 1:
            dept = parsing.norm(rec.dept)
            found = [p for p in found
                     if dept in (parsing.norm(p.org.name), parsing.norm(p.org.short_name))]
        if not found:
            where = f"（部门“{rec.dept}”）" if rec.dept else ""
            return None, f"未找到人员“{rec.name}”{where}" + (f"，{ids}也未登记" if ids else "")
        if len(found) > 1:
            return None, f"“{rec.name}”有 {len(found)} 人同名，无法确定是谁：请在文件中填写工号或 UserId"
        return found[0], ""


def _approval_kind(text: str) -> str | None:
    for kind in APPROVAL_KINDS:
        if kind in text:
            return "事假" if kind == "请假" else kind
    return None


def import_file(organ: Org, data: bytes, filename: str, *, source: str = "",
                dry_run: bool = False, user=None, run: ImportRun | None = None,
                progress: Callable[[int], None] | None = None) -> Report:
    """Read, validate and (unless ``dry_run`` or any row is wrong) store the file."""
    mapping = {}
    if source:
        saved = ColumnMapping.objects.filter(org=organ, source=source).first()
        mapping = saved.mapping if saved else {}
    sheet = parsing.parse(data, filename, mapping)
    report = Report(shape=sheet.shape, read=len(sheet.records))
    matcher = Matcher(organ)
    punches: dict[tuple[int, dt.datetime], tuple[Person, dt.datetime]] = {}
    approvals: dict[tuple[int, dt.date], tuple[Person, str, bool]] = {}
    for rec in sheet.records:
        if rec.error:
            report.errors.append((rec.row, rec.error))
            continue
        person, why = matcher.match(rec)
        if person is None:
            report.errors.append((rec.row, why))
            continue
        for naive in rec.times:
            at = naive.replace(second=naive.second, microsecond=0, tzinfo=LOCAL)
            key = (person.pk, at)
            if key in punches:
                report.duplicates += 1
            else:
                punches[key] = (person, at)
        if rec.approval and (kind := _approval_kind(rec.approval)):
            approvals[(person.pk, rec.date)] = (person, kind, bool(rec.times))
        if rec.date:
            report.first = min(filter(None, (report.first, rec.date)))
            report.last = max(filter(None, (report.last, rec.date)))
    if progress:
        progress(30)
    existing = _existing(organ, report, punches)
    new = [(p, at) for key, (p, at) in punches.items() if key not in existing]
    report.duplicates += len(punches) - len(new)
    report.imported = len(new)
    if dry_run or report.errors:
        return report
    with transaction.atomic():
        prep = Punch._meta.get_field("at").get_db_prep_value
        run_id = run.pk if run else None
        for i in range(0, len(new), BATCH):
            insert_punches([(p.pk, organ.pk, prep(at, connection), at.date(),
                             at.hour * 60 + at.minute, run_id) for p, at in new[i:i + BATCH]])
            if progress:
                progress(30 + int(60 * (i + BATCH) / max(len(new), 1)))
        report.absences = _store_approvals(organ, approvals, source or filename)
        record("import", run, label=f"导入考勤 {filename}",
               object_type="attendance.importrun", object_id=str(run.pk if run else ""),
               after={"file": filename, "source": source, "read": report.read,
                      "imported": report.imported, "duplicates": report.duplicates}, user=user)
        if report.first:
            from .stats import recompute

            recompute(organ, report.first, report.last)
    if progress:
        progress(100)
    return report


def insert_punches(rows) -> None:
    """(person_id, organ_id, at, date, minute, run_id) rows in one executemany per batch —
    model instances cost more than the insert itself at a county month's size. A punch
    already stored (same person and instant) is skipped."""
    table = Punch._meta.db_table
    verb, tail = (("INSERT OR IGNORE", "") if connection.vendor == "sqlite"
                  else ("INSERT", " ON CONFLICT (person_id, at) DO NOTHING"))
    sql = (f"{verb} INTO {table} (person_id, organ_id, at, date, minute, run_id, kind) "  # noqa: S608
           f"VALUES (%s, %s, %s, %s, %s, %s, 'import'){tail}")
    with connection.cursor() as cur:
        cur.executemany(sql, rows)


def _existing(organ, report, punches) -> set:
    if not punches or report.first is None:
        return set()
    lo, hi = report.first - dt.timedelta(days=1), report.last + dt.timedelta(days=1)
    return set(Punch.objects.filter(organ=organ, date__range=(lo, hi))
               .values_list("person_id", "at"))


def _store_approvals(organ, approvals, source) -> int:
    """The export's 关联的审批单 as absences: the whole day when nothing was punched,
    otherwise the half without punches is left to the day's statistics (morning)."""
    made = 0
    for (_pid, day), (person, kind, punched) in approvals.items():
        part = "am" if punched else "day"
        if Absence.objects.filter(person=person, start__lte=day, end__gte=day).exists():
            continue
        absence = Absence.objects.create(person=person, kind=kind, start=day, end=day,
                                         part=part, note="导入的审批单", source=source[:40])
        expand(absence, organ)
        made += 1
    return made


def expand(absence: Absence, organ=None) -> None:
    organ = organ or absence.person.org.organ
    AbsenceDay.objects.filter(absence=absence).delete()
    AbsenceDay.objects.bulk_create([
        AbsenceDay(absence=absence, person_id=absence.person_id, organ_id=organ.pk, date=d,
                   part=absence.part, trip=absence.kind in Absence.TRIPS)
        for d in absence.days()])
