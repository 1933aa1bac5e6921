"""Attendance benchmarks on the county scale (issue 11): each prints the median of several
runs (``BENCH_REPEAT``, default 5; ours and the floor alternate; ``BENCH_ONLY_PART=stats``
or ``import`` leaves the other part out) with their spread, a floor measured in the same run,
and the ratio of the medians.

    .venv/bin/python bench/attendance.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mofan_bench .venv/bin/python bench/attendance.py

The county demo (a whole year of punches for every organ) is loaded first when the
database is empty; SQLite runs use a fresh temporary database each time.

- import of one county month (~122,000 punches: November, all 40 organs, one file per
  organ) from .xlsx and from .csv vs the same parsing, people looked up in one dict,
  duplicates within the file dropped, and a bare bulk insert that skips stored punches
  (COPY + INSERT … ON CONFLICT DO NOTHING on PostgreSQL, INSERT OR IGNORE on SQLite) into
  an equivalent table (the punch table's columns, unique constraint, indexes and foreign
  keys); peak memory of the import;
- 月汇总: the month rollup (MonthStat) that recompute_many rewrites after the 日统计, vs
  the bare GROUP BY of the month's 日统计 rows, read;
- 日统计 of a county month (December of the demo's year, every organ, one statement) vs
  the bare SQL aggregate over the same punches and calendar — every person × every day
  of the organ's calendar left-joined to the punches counted per person-day (the same
  person-days 日统计 writes) — (a) written into a table like the 日统计 table (ours writes
  its rows too) and (b) only read; and, for comparison with earlier rounds, (c) the
  punches per person-day on working days only (no row for a day without punches);
- rendering a 周通报 (Word) vs bare python-docx writing the same table.

The import figure includes what an import does beyond the insert: matching people (工号,
UserId, then name within the department), the audit row, the approvals of the export and
recomputing the month's 日统计 — all in the same transaction.
"""

import csv
import datetime as dt
import io
import os
import random
import resource
import tracemalloc

from _setup import compare, load_county, repeat, setup_django

setup_django()

from django.db import connection, transaction  # noqa: E402
from docx import Document  # noqa: E402
from openpyxl import Workbook  # noqa: E402

YEAR = 2025
REPEAT = repeat(5)
ONLY = os.environ.get("BENCH_ONLY_PART", "import,stats").split(",")  # the 周通报 always runs


def equivalent_table(table: str, name: str) -> None:
    """A table like ``table``: its columns, unique constraints, indexes and foreign keys
    (checked, as Django declares them, when the transaction commits)."""
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {name}")
        if connection.vendor == "postgresql":
            cur.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING ALL)")
            # LIKE leaves the foreign keys out; SQLite's copied DDL keeps them.
            cur.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid = %s::regclass AND contype = 'f'", [table])
            for (fk,) in cur.fetchall():
                cur.execute(f"ALTER TABLE {name} ADD {fk}")
        else:
            cur.execute("SELECT type, sql FROM sqlite_master WHERE tbl_name = %s "
                        "AND sql IS NOT NULL ORDER BY type DESC", [table])
            for kind, ddl in cur.fetchall():
                ddl = ddl.replace(f'"{table}"', f'"{name}"')
                if kind == "index":
                    ddl = ddl.replace('INDEX "', f'INDEX "{name}_', 1)
                cur.execute(ddl)


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
    load_county(YEAR)
    from mofan.attendance import parsing, reports
    from mofan.attendance.importing import LOCAL, import_file
    from mofan.attendance.models import Bulletin, DayPlan, DayStat, Punch
    from mofan.attendance.stats import recompute_many, rollup
    from mofan.orgs.models import Org, Person

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

    pt = Punch._meta.db_table
    equivalent_table(pt, "bench_punch")
    cols = "person_id, organ_id, at, date, minute, run_id, kind"

    def floor_import(files):
        """The same parsing, people by 工号 from one dict, duplicates within the file
        dropped, then the bare bulk insert that skips stored punches (PostgreSQL: COPY
        into a temporary table and one INSERT … ON CONFLICT DO NOTHING; SQLite: one
        prepared INSERT OR IGNORE)."""
        def run():
            with transaction.atomic(), connection.cursor() as cur:
                for organ, data in files:
                    sheet = parsing.parse(data, "x.csv" if data[:3] == b"\xef\xbb\xbf" else "x.xlsx")
                    by_no = {p.staff_no: p.pk for p in people_of[organ.pk]}
                    rows = {}
                    for rec in sheet.records:
                        for naive in rec.times:
                            at = naive.replace(microsecond=0, tzinfo=LOCAL)
                            rows[(by_no[rec.staff_no], at)] = (
                                by_no[rec.staff_no], organ.pk, at, at.date(),
                                at.hour * 60 + at.minute, None, "import")
                    if connection.vendor == "postgresql":
                        cur.execute("CREATE TEMPORARY TABLE IF NOT EXISTS bench_stage "  # noqa: S608
                                    f"ON COMMIT DROP AS SELECT {cols} FROM bench_punch "
                                    "WITH NO DATA")
                        with cur.cursor.copy(f"COPY bench_stage ({cols}) FROM STDIN") as copy:
                            for row in rows.values():
                                copy.write_row(row)
                        cur.execute(f"INSERT INTO bench_punch ({cols}) SELECT {cols} "  # noqa: S608
                                    "FROM bench_stage ON CONFLICT (person_id, at) DO NOTHING")
                        cur.execute("TRUNCATE bench_stage")
                    else:
                        cur.executemany(
                            f"INSERT OR IGNORE INTO bench_punch ({cols}) "  # noqa: S608
                            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                            [(p, o, str(at.astimezone(dt.UTC).replace(tzinfo=None)), d, m, r, k)
                             for p, o, at, d, m, r, k in rows.values()])
        return run

    def clear_floor():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM bench_punch")

    if "import" in ONLY:
        for label, files in (("csv", csvs), ("xlsx", xlsxs)):
            compare(f"import county month .{label} ({total} punches)", ours_import(files),
                    floor_import(files), n=REPEAT, before_ours=clear_november,
                    before_floor=clear_floor,
                    floor_label="the same parsing + bare bulk insert skipping stored punches")
        clear_november()
        tracemalloc.start()
        ours_import(xlsxs)()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        biggest = max(len(people_of[o.pk]) for o in organs)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of importing the county month's .xlsx files (one per organ, the "
              f"biggest organ {biggest} people): {peak / 2**20:.1f} MiB (python allocations, "
              f"traced); process peak RSS {rss:.0f} MiB\n")
    if "stats" in ONLY:
        dec = (dt.date(YEAR, 12, 1), dt.date(YEAR, 12, 31))

        def ours_stats():
            recompute_many(organs, *dec)

        pt, dp, ds = Punch._meta.db_table, DayPlan._meta.db_table, DayStat._meta.db_table
        pe, og = Person._meta.db_table, Org._meta.db_table
        ids = ", ".join(str(o.pk) for o in organs)
        # The bare aggregate over the same punches and calendar: every person × every day of
        # the organ's calendar (a day without punches is a row too: that is how 旷工 is
        # found), with the person-day's punch count, first and last minute. The person-days
        # are exactly those 日统计 writes.
        aggregate = (
            "SELECT pe.id AS person_id, dp.organ_id, dp.date, dp.kind, COALESCE(g.n, 0) AS n, "  # noqa: S608
            f"g.lo, g.hi FROM {pe} pe JOIN {og} o ON o.id = pe.org_id "
            f"JOIN {dp} dp ON dp.organ_id = o.organ_id "
            "LEFT JOIN (SELECT person_id, date, COUNT(*) AS n, MIN(minute) AS lo, MAX(minute) AS hi "
            f"FROM {pt} WHERE organ_id IN ({ids}) AND date BETWEEN %s AND %s "
            "GROUP BY person_id, date) g ON g.person_id = pe.id AND g.date = dp.date "
            f"WHERE o.organ_id IN ({ids}) AND dp.date BETWEEN %s AND %s")
        # The floor of the previous rounds: punches per person-day on the working days only
        # (no row for a person-day without punches), kept for comparison.
        punches_only = (
            f"SELECT pu.person_id, pu.organ_id, pu.date, COUNT(*) AS n, MIN(pu.minute) AS lo, "  # noqa: S608
            f"MAX(pu.minute) AS hi FROM {pt} pu "
            f"JOIN {dp} q ON q.organ_id = pu.organ_id AND q.date = pu.date "
            f"WHERE pu.organ_id IN ({ids}) AND pu.date BETWEEN %s AND %s AND q.kind = 'workday' "
            "GROUP BY pu.person_id, pu.organ_id, pu.date")

        def read(sql, params):
            def run():
                with connection.cursor() as cur:
                    cur.execute(sql, params)
                    cur.fetchall()
            return run

        floor_stats = read(aggregate, list(dec) * 2)
        floor_punches_only = read(punches_only, list(dec))

        equivalent_table(ds, "bench_daystat")

        def floor_stats_stored():
            """The same aggregate written into a table like the 日统计 table."""
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(
                    "INSERT INTO bench_daystat (person_id, org_id, organ_id, date, status, "  # noqa: S608
                    "punches, first_min, last_min, late_minutes, early, missing, due, attended, "
                    "provisional) SELECT person_id, organ_id, organ_id, date, kind, n, lo, hi, "
                    f"0, 0, 0, TRUE, TRUE, FALSE FROM ({aggregate}) a", list(dec) * 2)

        def clear_stored():
            with connection.cursor() as cur:
                cur.execute("DELETE FROM bench_daystat")

        def clear_december():
            # Both write into an empty range, neither times the removal of the last run's rows.
            DayStat.objects.filter(date__range=dec).delete()

        n = Punch.objects.filter(date__range=dec).count()
        compare(f"日统计 county month ({n} punches), stored", ours_stats, floor_stats_stored,
                n=REPEAT, before_ours=clear_december, before_floor=clear_stored,
                floor_label="the bare SQL aggregate written into a 日统计-like table")
        days = DayStat.objects.filter(date__range=dec).count()
        compare(f"日统计 county month ({days} person-days), vs read-only", ours_stats,
                floor_stats, n=REPEAT, before_ours=clear_december,
                floor_label="the bare SQL aggregate over the same punches and calendar, read")
        compare("日统计 vs read-only punches on workdays only", ours_stats, floor_punches_only,
                n=REPEAT, before_ours=clear_december,
                floor_label="the bare SQL aggregate of the punches on workdays, read")

        # The month rollup recompute_many rewrites after the person-days (its share of the
        # figures above), against the same GROUP BY of the month's 日统计 only read.
        def ours_rollup():
            with transaction.atomic():
                rollup([o.pk for o in organs], *dec)

        sums = ", ".join(
            ["SUM(CASE WHEN due THEN 1 ELSE 0 END)",
             "SUM(CASE WHEN due AND attended THEN 1 ELSE 0 END)"]
            + [f"SUM(CASE WHEN status = '{x}' THEN 1 ELSE 0 END)"
               for x in (*DayStat.ANOMALIES, DayStat.LEAVE)])
        floor_rollup = read(
            f"SELECT organ_id, {sums} FROM {ds} WHERE organ_id IN ({ids}) "  # noqa: S608
            "AND date BETWEEN %s AND %s GROUP BY organ_id", list(dec))
        compare(f"月汇总 county month ({days} person-days → {len(organs)} rows)", ours_rollup,
                floor_rollup, n=REPEAT,
                floor_label="the bare GROUP BY organ of the month's 日统计, read")

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

    compare(f"周通报 Word ({len(c['named'])} named)", ours_docx, floor_docx, n=max(REPEAT, 7),
            floor_label="bare python-docx, the same tables")


if __name__ == "__main__":
    main()
