"""Attendance benchmarks on the county scale (issue 11): each prints the median of several
runs, a floor measured in the same run, and the ratio.

    .venv/bin/python bench/attendance.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mofan_bench .venv/bin/python bench/attendance.py

- import of one county month (~130,000 punches: November, all 40 organs, one file per
  organ) from .xlsx and from .csv vs parsing the same files and a bare bulk insert of the
  same rows into an equivalent table; peak memory of the import;
- 日统计 of a county month (December, loaded by the demo) vs one bare SQL aggregate over
  the same punches and calendar;
- rendering a 周通报 (Word) vs bare python-docx writing the same table.

The import figure includes what an import does beyond the insert: matching people,
duplicate detection, the audit row and recomputing the month's statistics.
"""

import csv
import datetime as dt
import io
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="mofan-bench-")
os.environ.setdefault("MOFAN_VAR_DIR", TMP)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")

import django  # noqa: E402

django.setup()

from io import StringIO  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from docx import Document  # noqa: E402
from openpyxl import Workbook  # noqa: E402

YEAR = 2025


def median(fn, repeat=3, before=None):
    times = []
    for _ in range(repeat):
        if before:
            before()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def report(name, ours, floor):
    print(f"{name:<44} mofan {ours * 1000:9.1f} ms   floor {floor * 1000:9.1f} ms   "
          f"ratio {ours / floor:5.1f}x")


def month_files(organs, people_of):
    """One file per organ of November's punches, as .csv and .xlsx bytes."""
    from mofan.core.calendar.services import calendar_for
    from mofan.core.workcalendar import WORKDAY

    rng = random.Random(11)
    csvs, xlsxs, total = [], [], 0
    for organ in organs:
        cal = calendar_for(organ)
        rows = []
        day = dt.date(YEAR, 11, 1)
        while day.month == 11:
            if cal.kind(day) == WORKDAY:
                for p in people_of[organ.pk]:
                    for h, m in ((8, rng.randint(0, 40)), (17, rng.randint(30, 59))):
                        rows.append([p.name, p.staff_no, p.org.name,
                                     f"{day:%Y-%m-%d} {h:02d}:{m:02d}:{rng.randint(0, 59):02d}"])
            day += dt.timedelta(days=1)
        total += len(rows)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["原始打卡记录 报表生成时间：2025-12-01"])
        w.writerow(["姓名", "工号", "部门", "打卡时间"])
        w.writerows(rows)
        csvs.append((organ, buf.getvalue().encode("utf-8-sig")))
        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(["原始打卡记录 报表生成时间：2025-12-01"])
        ws.append(["姓名", "工号", "部门", "打卡时间"])
        for r in rows:
            ws.append(r)
        out = io.BytesIO()
        wb.save(out)
        xlsxs.append((organ, out.getvalue()))
    return csvs, xlsxs, total


def main():
    call_command("migrate", verbosity=0)
    from mofan.attendance import parsing, reports
    from mofan.attendance.importing import LOCAL, Matcher, import_file
    from mofan.attendance.models import Bulletin, DayPlan, DayStat, Punch
    from mofan.attendance.stats import recompute
    from mofan.orgs.models import Org, Person

    if not Org.objects.exists():
        t0 = time.perf_counter()
        call_command("load_demo", "--scale", "county", "--seed", "1", "--year", str(YEAR),
                     stdout=StringIO())
        print(f"county demo loaded in {time.perf_counter() - t0:.1f} s")
    organs = list(Org.objects.filter(kind=Org.ORGAN).order_by("id"))
    # Staff numbers make matching unambiguous, as a real export's 工号 would.
    people = list(Person.objects.filter(org__organ__in=organs).select_related("org"))
    for p in people:
        p.staff_no = p.staff_no or f"S{p.pk:05d}"
    Person.objects.bulk_update(people, ["staff_no"])
    people_of = {}
    for p in people:
        people_of.setdefault(p.org.organ_id, []).append(p)
    csvs, xlsxs, total = month_files(organs, people_of)
    print(f"database: {connection.vendor}; organs {len(organs)}, people {len(people)}, "
          f"one county month = {total} punches\n")

    nov = (dt.date(YEAR, 11, 1), dt.date(YEAR, 11, 30))

    def clear_november():
        Punch.objects.filter(date__range=nov).delete()
        DayStat.objects.filter(date__range=nov).delete()

    def ours_import(files):
        def run():
            for organ, data in files:
                report_ = import_file(organ, data, "bench" + (".csv" if data[:3] == b"\xef\xbb\xbf"
                                                                else ".xlsx"))
                assert not report_.errors, report_.errors[:3]
        return run

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_punch")
        cur.execute("CREATE TABLE bench_punch (id integer PRIMARY KEY, person_id integer, "
                    "organ_id integer, at timestamp, date date, minute integer, "
                    "UNIQUE (person_id, at))" if connection.vendor == "sqlite" else
                    "CREATE TABLE bench_punch (id serial PRIMARY KEY, person_id integer, "
                    "organ_id integer, at timestamptz, date date, minute integer, "
                    "UNIQUE (person_id, at))")
    at_field = Punch._meta.get_field("at")

    def floor_import(files):
        def run():
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("DELETE FROM bench_punch")
                for organ, data in files:
                    sheet = parsing.parse(data, "x.csv" if data[:3] == b"\xef\xbb\xbf" else "x.xlsx")
                    by_no = Matcher(organ).by_no
                    rows = []
                    for rec in sheet.records:
                        at = rec.times[0].replace(tzinfo=LOCAL)
                        rows.append((by_no[rec.staff_no].pk, organ.pk,
                                     at_field.get_db_prep_value(at, connection), at.date(),
                                     at.hour * 60 + at.minute))
                    cur.executemany("INSERT INTO bench_punch (person_id, organ_id, at, date, "
                                    "minute) VALUES (%s, %s, %s, %s, %s)", rows)
        return run

    for label, files in (("csv", csvs), ("xlsx", xlsxs)):
        ours = median(ours_import(files), before=clear_november)
        floor = median(floor_import(files))
        report(f"import county month .{label} ({total} punches)", ours, floor)
    clear_november()
    tracemalloc.start()
    ours_import(xlsxs[:1])()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    clear_november()
    per_organ = total / len(organs)
    print(f"peak memory, import of one organ's .xlsx month (~{per_organ:.0f} punches): "
          f"{peak / 2**20:.1f} MiB (python allocations, traced)\n")

    dec = (dt.date(YEAR, 12, 1), dt.date(YEAR, 12, 31))

    def ours_stats():
        for organ in organs:
            recompute(organ, *dec)

    pt, dp = Punch._meta.db_table, DayPlan._meta.db_table

    def floor_stats():
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT pu.person_id, pu.date, COUNT(*), MIN(pu.minute), MAX(pu.minute) "  # noqa: S608
                f"FROM {pt} pu JOIN {dp} q ON q.organ_id = pu.organ_id AND q.date = pu.date "
                "WHERE pu.date BETWEEN %s AND %s AND q.kind = 'workday' "
                "GROUP BY pu.person_id, pu.date", list(dec))
            cur.fetchall()

    n = Punch.objects.filter(date__range=dec).count()
    report(f"日统计 county month ({n} punches)", median(ours_stats), median(floor_stats))

    main = organs[0]
    monday = dt.date(YEAR, 12, 8)
    bulletin = (Bulletin.objects.filter(org=main, week=monday).first()
                or reports.publish(main, monday, actor=None))
    c = bulletin.content

    def ours_docx():
        reports.bulletin_docx(bulletin)

    def floor_docx():
        doc = Document()
        doc.add_paragraph(reports._title(c))
        t = doc.add_table(rows=1, cols=4)
        for u in c["units"]:
            cells = t.add_row().cells
            for i, v in enumerate([u["unit"], u["due"], u["present"], u["rate"]]):
                cells[i].text = str(v)
        t = doc.add_table(rows=1, cols=7)
        for x in c["named"]:
            cells = t.add_row().cells
            for i, v in enumerate([x["unit"], x["name"], x["late"], x["severe_late"],
                                   x["early"], x["missing"], x["absent"]]):
                cells[i].text = str(v)
        doc.save(io.BytesIO())

    report(f"周通报 Word ({len(c['named'])} named)", median(ours_docx, 7), median(floor_docx, 7))


if __name__ == "__main__":
    main()
