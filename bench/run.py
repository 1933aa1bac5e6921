"""Benchmarks: each figure is printed beside a floor measured in the same run, and the ratio.

    make bench            (a fresh SQLite database in a temporary directory)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mofan_bench make bench

Loads the county demo (40 organs, ~3,000 people) and times:
- the indicators of all organs for one year vs the same counts by bare SQL;
- the people list page (committee view, first page) vs the bare SQL for that page;
- the people .xlsx export of one organ vs writing the same rows with bare openpyxl.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="mofan-bench-")
os.environ.setdefault("MOFAN_VAR_DIR", TMP)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")

import django  # noqa: E402

django.setup()

from io import BytesIO, StringIO  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from openpyxl import Workbook  # noqa: E402


def best(fn, repeat=7):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def report(name, ours, floor):
    print(f"{name:<34} mofan {ours * 1000:8.2f} ms   floor {floor * 1000:8.2f} ms   "
          f"ratio {ours / floor:6.1f}x")


def main():
    call_command("migrate", verbosity=0)
    from mofan.accounts.models import User
    from mofan.core import indicators
    from mofan.orgs.models import Org, Person

    if not Org.objects.exists():
        t0 = time.perf_counter()
        call_command("load_demo", "--scale", "county", "--seed", "1", stdout=StringIO())
        print(f"county demo loaded in {time.perf_counter() - t0:.1f} s")
    organ_ids = list(Org.objects.filter(kind=Org.ORGAN).values_list("pk", flat=True))
    print(f"database: {connection.vendor}; organs {len(organ_ids)}, people {Person.objects.count()}, "
          f"indicators {len(indicators.REGISTRY)}\n")
    period = indicators.Period.year(2025)
    keys = ["orgs.staff_count", "orgs.party_member_count", "orgs.branch_count"]

    def ours_indicators():
        indicators.table(organ_ids, period, keys)

    sql = [
        "SELECT o.organ_id, COUNT(*) FROM orgs_person p JOIN orgs_org o ON o.id = p.org_id "
        "WHERE (p.joined_on IS NULL OR p.joined_on <= %s) AND (p.left_on IS NULL OR p.left_on >= %s) "
        "GROUP BY o.organ_id",
        "SELECT o.organ_id, COUNT(*) FROM orgs_person p JOIN orgs_org o ON o.id = p.org_id "
        "WHERE (p.joined_on IS NULL OR p.joined_on <= %s) AND (p.left_on IS NULL OR p.left_on >= %s) "
        "AND p.political_status IN ('cpc', 'probationary') GROUP BY o.organ_id",
        "SELECT o.organ_id, COUNT(*) FROM orgs_partyorg b JOIN orgs_org o ON o.id = b.org_id "
        "WHERE b.kind = 'branch' AND %s IS NOT NULL AND %s IS NOT NULL GROUP BY o.organ_id",
    ]

    def floor_indicators():
        with connection.cursor() as cur:
            for q in sql:
                cur.execute(q, [period.end, period.start])
                cur.fetchall()

    report("indicators, 40 organs x 3", best(ours_indicators)[0], best(floor_indicators)[0])

    committee = User.objects.get(username="gongwei")
    committee.must_change_password = False
    committee.password_changed_at = django.utils.timezone.now()
    committee.save()
    client = Client()
    client.force_login(committee)

    def ours_list():
        assert client.get("/orgs/people/").status_code == 200

    def floor_list():
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM orgs_person")
            cur.fetchall()
            cur.execute(
                "SELECT p.*, o.name, b.name FROM orgs_person p JOIN orgs_org o ON o.id = p.org_id "
                "LEFT JOIN orgs_partyorg b ON b.id = p.branch_id ORDER BY o.path, p.sort, p.id LIMIT 25")
            cur.fetchall()

    report("people list page (25 of ~3000)", best(ours_list)[0], best(floor_list)[0])

    def ours_export():
        assert client.get("/orgs/people/?export=xlsx").status_code == 200

    def floor_export():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT p.name, p.gender, o.name, p.position, p.staff_no, p.political_status, "
                "b.name, p.phone FROM orgs_person p JOIN orgs_org o ON o.id = p.org_id "
                "LEFT JOIN orgs_partyorg b ON b.id = p.branch_id ORDER BY o.path, p.sort, p.id")
            rows = cur.fetchall()
        wb = Workbook()
        ws = wb.active
        for row in rows:
            ws.append(list(row))
        wb.save(BytesIO())

    report("people export .xlsx (~3000 rows)", best(ours_export, 3)[0], best(floor_export, 3)[0])


if __name__ == "__main__":
    main()
