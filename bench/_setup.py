"""What every bench shares: Django on a throwaway database in a temporary folder (unless
DATABASE_URL / MOFAN_VAR_DIR say otherwise), the county demo loaded once, a timer of N runs,
and one way to report a figure — median and spread (min–max) of N runs beside a floor
measured in the same run, and the ratio of the medians.

``compare`` / ``report`` print that line and, when the environment names a file in
``BENCH_RESULTS``, append the same figure to it as one JSON line; ``bench/_runner.py``
(``make bench``) runs every ``bench/*.py`` and assembles ``bench/RESULTS.md`` from those lines.
"""

import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2025  # the county demo's year, the same in every bench


def setup_django():
    sys.path.insert(0, str(ROOT))
    tmp = tempfile.mkdtemp(prefix="mofan-bench-")
    os.environ.setdefault("MOFAN_VAR_DIR", tmp)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")
    import django

    django.setup()
    # Benches time the computation itself (in this process only: the load test's gunicorn
    # runs as deployed); what the figure cache saves is timed by bench/run.py's home page
    # pair and by the load test.
    from django.conf import settings

    global DEPLOYED_FIGURE_CACHE_SECONDS
    DEPLOYED_FIGURE_CACHE_SECONDS = settings.MOFAN_FIGURE_CACHE_SECONDS
    if "MOFAN_FIGURE_CACHE_SECONDS" not in os.environ:
        settings.MOFAN_FIGURE_CACHE_SECONDS = 0


DEPLOYED_FIGURE_CACHE_SECONDS = 0  # as the server has it (setup_django keeps it)


def repeat(default: int) -> int:
    """N, the runs of each figure: ``BENCH_REPEAT`` when set (make bench sets it), else the
    bench's own default."""
    return int(os.environ.get("BENCH_REPEAT") or default)


def timed(fn, n):
    """Seconds taken by each of ``n`` calls of ``fn``."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def load_county(year=YEAR):
    """Migrate, load the county demo when the database is empty (a loaded database is
    reused as it is), and refresh PostgreSQL's planner statistics."""
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from mofan.orgs.models import Org

    if not Org.objects.exists():
        t0 = time.perf_counter()
        call_command("load_demo", "--scale", "county", "--seed", "1", "--year", str(year),
                     stdout=StringIO())
        print(f"county demo loaded in {time.perf_counter() - t0:.1f} s")
    from django.db import connection

    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum keeps them on a production server (a bench
        # server may run without it): unanalysed, the county year's 日统计 aggregate picks
        # a bitmap scan and takes ~3× as long.
        with connection.cursor() as cur:
            cur.execute("ANALYZE")


def bench_name() -> str:
    return Path(sys.argv[0]).stem


def emit(row: dict) -> None:
    """One structured row (JSON line) into the file named by ``BENCH_RESULTS``, if any."""
    path = os.environ.get("BENCH_RESULTS")
    if not path:
        return
    row = {"bench": bench_name(), **row}
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _stats(times):
    ms = [t * 1000 for t in times]
    return statistics.median(ms), min(ms), max(ms)


def report(name, ours, floor=None, *, floor_label="", note=""):
    """Print and emit one figure from the runs already timed (seconds): ours, and the
    floor measured in the same run (``None`` when a figure has no floor)."""
    med, lo, hi = _stats(ours)
    text = f"{name:<46} mofan {med:9.1f} ms ({lo:.1f}–{hi:.1f})"
    row = {"name": name, "n": len(ours), "median_ms": med, "min_ms": lo, "max_ms": hi,
           "floor_label": floor_label, "note": note}
    if floor:
        fmed, flo, fhi = _stats(floor)
        ratio = med / fmed if fmed else None
        text += f"   floor {fmed:9.1f} ms ({flo:.1f}–{fhi:.1f})"
        text += f"   ratio {ratio:5.1f}x" if ratio else ""
        row.update(floor_median_ms=fmed, floor_min_ms=flo, floor_max_ms=fhi, ratio=ratio,
                   floor_n=len(floor))
    print(text + f"   N={len(ours)}" + (f"   {note}" if note else ""))
    emit(row)
    return row


def compare(name, ours, floor, *, n, floor_label="", note="", before_ours=None,
            before_floor=None):
    """Run ours and the floor alternately ``n`` times each (the machine is shared and noisy,
    so neither gets the quiet minutes), then print and emit median, spread and ratio."""
    a, b = [], []
    for _ in range(n):
        if before_ours:
            before_ours()
        a += timed(ours, 1)
        if before_floor:
            before_floor()
        b += timed(floor, 1)
    return report(name, a, b, floor_label=floor_label, note=note)


@contextlib.contextmanager
def statements():
    """Capture the SQL statements run inside the block, each with its parameters as the
    ORM bound them (the list yielded fills as they run) — what ``replay`` runs bare."""
    from django.db import connection

    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params, many))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        yield captured


def replay(captured):
    """A function that runs ``captured`` statements bare through one cursor, fetching every
    row, in one transaction (as a page's savepoints need) — the floor of the same SQL."""
    from django.db import connection, transaction

    def run():
        with transaction.atomic(), connection.cursor() as cur:
            for sql, params, many in captured:
                if many:
                    cur.executemany(sql, params)
                    continue
                cur.execute(sql, params)
                if cur.description is not None:
                    cur.fetchall()

    return run
