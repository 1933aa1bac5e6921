"""The list pages' weight at county scale: bytes, time and queries of the appeals list as the
committee sees it (3,000 people, 360 orgs), before/after searchable pickers.

    .venv/bin/python bench/pickers.py            (loads the county demo once into a temporary
                                                   SQLite database; MOFAN_VAR_DIR keeps it)
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = os.environ.get("MOFAN_VAR_DIR") or tempfile.mkdtemp(prefix="mofan-bench-")
os.environ.setdefault("MOFAN_VAR_DIR", TMP)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")

import django  # noqa: E402

django.setup()

from io import StringIO  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PAGES = ["/appeals/items/", "/tasks/items/", "/orgs/people/"]


def main():
    call_command("migrate", verbosity=0)
    from mofan.accounts.models import User
    from mofan.orgs.models import Org, Person

    if not Org.objects.exists():
        t0 = time.perf_counter()
        call_command("load_demo", "--scale", "county", "--seed", "1", stdout=StringIO())
        print(f"county demo loaded in {time.perf_counter() - t0:.1f} s")
    print(f"database: {connection.vendor}; orgs {Org.objects.count()}, "
          f"people {Person.objects.count()}")
    committee = User.objects.get(username="gongwei")
    committee.must_change_password = False
    committee.password_changed_at = django.utils.timezone.now()
    committee.save()
    client = Client()
    client.force_login(committee)
    for url in PAGES:
        client.get(url)  # warm
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{url:<20} {len(response.content) / 1024:8.1f} KB   best {min(times) * 1000:7.1f} ms"
              f"   {len(ctx.captured_queries):3d} queries   "
              f"{response.content.count(b'<option'):5d} <option>")


if __name__ == "__main__":
    main()
