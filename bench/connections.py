"""Persistent database connections: page time with a new connection per request
(CONN_MAX_AGE=0, the old default outside production) against one kept open and
health-checked (the default now), measured in-process on the same database in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mofan_bench .venv/bin/python bench/connections.py

Reported as: the page with a new connection per request, beside the same page on a kept
connection as the floor, and the ratio (what reconnecting costs). ``BENCH_RUNS`` requests
per page and mode (default 20). The database is loaded with the demo year when empty
(``make bench`` has loaded the county by then). Each request runs between the
two ``close_old_connections`` calls a WSGI server makes (request_started/finished), so a
connection is closed after every request with 0 and kept with a positive age.

Measured 2026-11-27 on the organ demo, 2 shared cores under load average ~9 (medians, ms):
PostgreSQL  /  456→374 (1.22×), /orgs/people/ 112→89 (1.26×), /appeals/items/ 96→85
(1.13×), /healthz (session only) 35→20 (1.77×); SQLite /orgs/people/ 68→47 (1.45×),
/appeals/items/ 88→66 (1.33×), /healthz 24→3.3 (7.2×).
"""

import os
import time

from _setup import report, setup_django

setup_django()

from io import StringIO  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

PAGES = ["/", "/orgs/people/", "/appeals/items/", "/healthz"]
RUNS = int(os.environ.get("BENCH_RUNS", 20))


def timed(client, url):
    close_old_connections()  # request_started
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    close_old_connections()  # request_finished
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def measure(client, url):
    """Both modes in alternating blocks of 5 requests (the first of each block, which
    opens the block's connection, is not counted), so a neighbour's load on a shared
    machine falls on both alike."""
    times = {0: [], 300: []}
    while len(times[0]) < RUNS:
        for max_age in (0, 300):
            connection.settings_dict["CONN_MAX_AGE"] = max_age
            connection.close()
            timed(client, url)
            times[max_age] += [timed(client, url) for _ in range(4)]
    return times[0], times[300]


def main():
    call_command("migrate", verbosity=0, interactive=False)
    from mofan.accounts.models import User

    if not User.objects.exists():
        call_command("load_demo", stdout=StringIO())
    user = User.objects.get(username="wgxlj_admin")
    # A bench database is throwaway: let the demo account past the first-login change.
    User.objects.filter(pk=user.pk).update(must_change_password=False,
                                           password_changed_at=timezone.now())
    client = Client()
    client.force_login(user)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
          f"{RUNS} requests per page and mode")
    for url in PAGES:
        fresh, kept = measure(client, url)
        report(f"{url} with a new connection per request", fresh, kept,
               floor_label="the same page on a persistent connection (CONN_MAX_AGE=300, "
                           "the default)")


if __name__ == "__main__":
    main()
