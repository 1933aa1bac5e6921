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
    """Read, validate and (unless ``dry_run`` or any row is wrong) store the file.

    ``progress`` (0–100) moves while the file is read and parsed (5–60) and while people
    are matched (60–80); storing is one transaction (all or nothing), so what it writes
    is seen by others only when it commits."""
    mapping = {}
    if source:
        saved = ColumnMapping.objects.filter(org=organ, source=source).first()
        mapping = saved.mapping if saved else {}
    tell = progress or (lambda pct: None)
    sheet = parsing.parse(data, filename, mapping,
                          progress and (lambda share: tell(5 + int(55 * share))))
    report = Report(shape=sheet.shape, read=len(sheet.records))
    matcher = Matcher(organ)
    punches: dict[tuple[int, dt.datetime], dt.datetime] = {}
    approvals: dict[tuple[int, dt.date], tuple[Person, str, bool]] = {}
    dates = set()
    total = max(len(sheet.records), 1)
    for i, rec in enumerate(sheet.records):
        if progress and i % parsing.PROGRESS_EVERY == 0:
            tell(60 + int(20 * i / total))
        if rec.error:
            report.errors.append((rec.row, rec.error))
            continue
        person, why = matcher.match(rec)
        if person is None:
            report.errors.append((rec.row, why))
            continue
        for naive in rec.times:
            at = naive.replace(microsecond=0, tzinfo=LOCAL)
            key = (person.pk, at)
            if key in punches:
                report.duplicates += 1
            else:
                punches[key] = at
        if rec.approval and (kind := _approval_kind(rec.approval)):
            approvals[(person.pk, rec.date)] = (person, kind, bool(rec.times))
        if rec.date:
            dates.add(rec.date)
    if dates:
        report.first, report.last = min(dates), max(dates)
    tell(80)
    if dry_run or report.errors:
        # What a real run would store: the file's punches not in the database yet.
        existing = _existing(organ, report, punches)
        report.imported = sum(1 for key in punches if key not in existing)
        report.duplicates += len(punches) - report.imported
        return report
    run_id = run.pk if run else None
    rows = [(pid, organ.pk, at, at.date(), at.hour * 60 + at.minute, run_id)
            for (pid, _), at in punches.items()]
    del punches
    with transaction.atomic():
        report.imported = store_punches(rows)
        report.duplicates += len(rows) - report.imported
        report.absences = _store_approvals(organ, approvals, source or filename)
        record("import", run, label=f"导入考勤 {filename}",
               object_type="attendance.importrun", object_id=str(run.pk if run else ""),
               after={"file": filename, "source": source, "read": report.read,
                      "imported": report.imported, "duplicates": report.duplicates}, user=user)
        if report.first:
            from .stats import recompute

            recompute(organ, report.first, report.last)
    tell(100)
    return report


PUNCH_COLUMNS = ("person_id", "organ_id", "at", "date", "minute", "run_id")


def store_punches(rows) -> int:
    """Store (person_id, organ_id, at, date, minute, run_id) rows (``at`` aware) in bulk,
    skipping any punch already stored (same person and instant); returns how many were
    new. Model instances would cost more than the insert itself at a county month's
    size. PostgreSQL: COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT
    DO NOTHING; SQLite: one prepared INSERT OR IGNORE run over all rows."""
    if not rows:
        return 0
    table = Punch._meta.db_table
    cols = ", ".join(PUNCH_COLUMNS)
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("CREATE TEMPORARY TABLE IF NOT EXISTS att_punch_stage "
                        "(person_id integer, organ_id integer, at timestamptz, date date, "
                        "minute smallint, run_id integer) ON COMMIT DROP")
            with cur.cursor.copy(f"COPY att_punch_stage ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(f"INSERT INTO {table} ({cols}, kind) "  # noqa: S608
                        f"SELECT {cols}, 'import' FROM att_punch_stage "
                        "ON CONFLICT (person_id, at) DO NOTHING")
            stored = cur.rowcount
            cur.execute("TRUNCATE att_punch_stage")
            return stored
        utc = dt.UTC
        # Django's SQLite format for an aware instant: naive UTC, str() of the datetime.
        cur.executemany(f"INSERT OR IGNORE INTO {table} ({cols}, kind) "  # noqa: S608
                        "VALUES (%s, %s, %s, %s, %s, %s, 'import')",
                        [(p, o, str(at.astimezone(utc).replace(tzinfo=None)), d, m, r)
                         for p, o, at, d, m, r in rows])
        return cur.rowcount


def _existing(organ, report, punches) -> set:
    if not punches or report.first is None:
        return set()
    lo, hi = report.first - dt.timedelta(days=1), report.last + dt.timedelta(days=1)
    return set(Punch.objects.filter(organ=organ, date__range=(lo, hi))
               .values_list("person_id", "at"))


def _store_approvals(organ, approvals, source) -> int:
    """The export's 关联的审批单 as absences: the whole day when nothing was punched,
    otherwise the half without punches is left to the day's statistics (morning). A day
    already covered by an absence of that person is left as it is. A handful of queries
    whatever the count."""
    if not approvals:
        return 0
    days = [day for _pid, day in approvals]
    covered = set()
    for pid, start, end in (Absence.objects
                            .filter(person_id__in={pid for pid, _ in approvals},
                                    start__lte=max(days), end__gte=min(days))
                            .values_list("person_id", "start", "end")):
        covered.update((pid, start + dt.timedelta(days=i))
                       for i in range((end - start).days + 1))
    made = [Absence(person=person, kind=kind, start=day, end=day,
                    part="am" if punched else "day", note="导入的审批单", source=source[:40])
            for (pid, day), (person, kind, punched) in approvals.items()
            if (pid, day) not in covered]
    Absence.objects.bulk_create(made)
    AbsenceDay.objects.bulk_create([
        AbsenceDay(absence=a, person_id=a.person_id, organ_id=organ.pk, date=a.start,
                   part=a.part, trip=a.kind in Absence.TRIPS) for a in made])
    return len(made)


def expand(absence: Absence, organ=None) -> None:
    organ = organ or absence.person.org.organ
    AbsenceDay.objects.filter(absence=absence).delete()
    AbsenceDay.objects.bulk_create([
        AbsenceDay(absence=absence, person_id=absence.person_id, organ_id=organ.pk, date=d,
                   part=absence.part, trip=absence.kind in Absence.TRIPS)
        for d in absence.days()])
