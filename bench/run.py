"""Benchmarks: each figure is the median and spread of N runs, beside a floor measured in the
same run, and the ratio.

    .venv/bin/python bench/run.py        (a fresh SQLite database in a temporary directory)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mofan_bench .venv/bin/python bench/run.py
    make bench                           (this and every other bench, then bench/RESULTS.md)

Loads the county demo (40 organs, ~3,000 people) when the database is empty, and times:
- every indicator of every organ for one year vs the same SQL statements replayed bare;
- the people list page (committee view, first page) vs the same SQL statements replayed
  bare (what is left is Django's request, the ORM's rows and the template);
- the committee's home page with its figures computed, and from the figure cache, each vs
  its SQL statements replayed bare;
- the people .xlsx export of the county vs the same rows by one bare SQL statement written
  with bare openpyxl.
"""

from _setup import YEAR, compare, load_county, repeat, replay, setup_django, statements

setup_django()

from io import BytesIO  # noqa: E402

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402


def main():
    n = repeat(7)
    load_county()
    from mofan.accounts.models import User
    from mofan.core import indicators
    from mofan.orgs.models import Org, Person

    organ_ids = list(Org.objects.filter(kind=Org.ORGAN).values_list("pk", flat=True))
    print(f"database: {connection.vendor}; organs {len(organ_ids)}, people {Person.objects.count()}, "
          f"indicators {len(indicators.REGISTRY)}; N={n}\n")
    period = indicators.Period.year(YEAR)

    def ours_indicators():
        indicators.table(organ_ids, period)

    ours_indicators()  # warm the registry's imports
    with statements() as sql:
        ours_indicators()
    compare(f"indicators, {len(organ_ids)} organs × {len(indicators.REGISTRY)}",
            ours_indicators, replay(sql), n=n,
            floor_label=f"the same {len(sql)} SQL statements replayed")

    # The bench's copy of the committee account skips the first-login password change.
    User.objects.filter(username="gongwei").update(must_change_password=False,
                                                   password_changed_at=timezone.now())
    client = Client()
    client.force_login(User.objects.get(username="gongwei"))

    def ours_list():
        assert client.get("/orgs/people/").status_code == 200

    ours_list()
    with statements() as sql:
        ours_list()
    compare("people list page (25 of ~3000)", ours_list, replay(sql), n=n,
            floor_label=f"the same {len(sql)} SQL statements replayed")

    # The committee's home: every indicator of every organ, computed, then from the figure
    # cache (core.freshness) once computed.
    def ours_home():
        assert client.get(f"/?year={YEAR}").status_code == 200

    for label, seconds in (("computed", 0), ("from the figure cache", 3600)):
        with override_settings(MOFAN_FIGURE_CACHE_SECONDS=seconds):
            cache.clear()  # entries another run left behind would be refreshed, not read
            ours_home()
            with statements() as sql:
                ours_home()
            compare(f"committee home page, 40 organs' figures {label}", ours_home, replay(sql),
                    n=n, floor_label=f"the same {len(sql)} SQL statements replayed")

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

    compare("people export .xlsx (~3000 rows)", ours_export, floor_export, n=max(3, n // 2),
            floor_label="one bare SQL statement + bare openpyxl")


if __name__ == "__main__":
    main()
