"""``make bench``: every bench on the county scale, then ``bench/RESULTS.md``.

    make bench                                      (SQLite in var/bench/, kept between runs)
    make bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/mofan_bench

A bench is any ``bench/*.py`` whose name does not start with ``_``: a script that runs on
the database of DATABASE_URL and reports each figure through ``_setup.report`` /
``_setup.compare`` (one JSON line each into the file named by ``BENCH_RESULTS``). The county
demo is loaded once first when the database is empty, and reused after.

``BENCH_REPEAT`` (default 5) is N, the runs of each figure; ``BENCH_LOAD_ARGS`` (default
"--users 20 --duration 120") the load test's arguments; ``BENCH_ONLY`` (e.g. "run,load")
runs some benches only. Each bench's output is kept in ``$MOFAN_VAR_DIR/<bench>.log``.
"""

import datetime as dt
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor() or "?")
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": mem / 2**20,
            "load": Path("/proc/loadavg").read_text().split()[:3],
            "python": platform.python_version(), "host": platform.node()}


def cpu_reference() -> float:
    """Seconds for a fixed pure-Python loop (best of 3): how fast this shared machine's
    processor is right now, to compare runs of different days (the same code ran 1.6×
    slower on one day than on the day before)."""
    best = float("inf")
    for _ in range(3):
        t0, total = time.perf_counter(), 0
        for i in range(5_000_000):
            total += i
        best = min(best, time.perf_counter() - t0)
    return best


def database():
    """Load the county demo if the database is empty; what it is and what it holds."""
    sys.path.insert(0, str(HERE))
    import _setup

    _setup.setup_django()
    _setup.load_county()
    from django.db import connection

    from mofan.attendance.models import Punch
    from mofan.orgs.models import Org, Person

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            version = "PostgreSQL " + cur.fetchone()[0].split()[0]
    else:
        import sqlite3

        version = f"SQLite {sqlite3.sqlite_version}"
    info = {"version": version, "name": connection.settings_dict["NAME"],
            "organs": Org.objects.filter(kind=Org.ORGAN).count(),
            "people": Person.objects.count(), "punches": Punch.objects.count()}
    connection.close()
    return info


def benches():
    only = [x for x in os.environ.get("BENCH_ONLY", "").split(",") if x]
    found = sorted(p for p in HERE.glob("*.py") if not p.name.startswith("_"))
    return [p for p in found if not only or p.stem in only]


def run(path, results, log_dir):
    """Run one bench, echoing and keeping its output; (exit code, seconds, output tail)."""
    args = [sys.executable, str(path)]
    if path.stem == "load":
        args += shlex.split(os.environ.get("BENCH_LOAD_ARGS", "--users 20 --duration 120"))
    env = {**os.environ, "BENCH_RESULTS": str(results)}
    print(f"\n=== {path.name} ===", flush=True)
    t0 = time.monotonic()
    lines = []
    with open(log_dir / f"{path.stem}.log", "w", encoding="utf-8") as log:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE,  # noqa: S603
                                stderr=subprocess.STDOUT, text=True)
        for line in proc.stdout:
            print(line, end="", flush=True)
            log.write(line)
            lines.append(line.rstrip())
        code = proc.wait()
    return code, time.monotonic() - t0, lines[-15:]


def ms(x):
    if x is None:
        return "—"
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def figure_table(rows):
    out = ["| figure | mofan median (ms) | spread min–max | floor median (ms) | floor spread | "
           "ratio | N | floor |", "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        has_floor = r.get("floor_median_ms") is not None
        floor_spread = f"{ms(r['floor_min_ms'])}–{ms(r['floor_max_ms'])}" if has_floor else "—"
        ratio = f"{r['ratio']:.1f}×" if r.get("ratio") else "—"
        label = (r.get("floor_label") or "—") + (f" ({r['note']})" if r.get("note") else "")
        out.append(f"| {r['name']} | {ms(r['median_ms'])} | {ms(r['min_ms'])}–{ms(r['max_ms'])} "
                   f"| {ms(r.get('floor_median_ms'))} | {floor_spread} | {ratio} | {r['n']} "
                   f"| {label} |")
    return out


def load_table(r):
    import load  # (bench/ is on the path: this file runs from it)

    out = [
        f"{r['users']} virtual users, think time {r['think_s'][0]:g}–{r['think_s'][1]:g} s, "
        f"{r['duration_s']} s, {load.servers_text(r)} "
        f"(`deploy/gunicorn.conf.py`), {r.get('database', '')}. "
        + ("Cold start: no home table of figures computed ahead."
           if r.get("figures_warmed_s") is None else
           f"Home tables of figures computed ahead by `manage.py warm_figures` "
           f"({r['figures_warmed_s']:g} s), as the deployment's timer has them."),
        "",
        f"**{r['requests']} requests, {r['rps']:.1f} requests/s, {r['errors']} errors** "
        "(target 0). CPU per request: gunicorn (master and workers) "
        + (f"{r['cpu_ms_per_request']:.0f} ms" if r.get("cpu_ms_per_request") else "—")
        + ", PostgreSQL backends "
        + (f"{r['pg_cpu_ms_per_request']:.0f} ms." if r.get("pg_cpu_ms_per_request") else "—."),
        "",
        "Times in ms. p50–p99: what the user waits (the queue included); worker: time inside "
        "the gunicorn worker, from its access log. Target: p95 < 200 ms for pages, "
        "< 1,000 ms for document downloads.",
        "",
        "| page kind | count | p50 | p95 | p99 | errors | worker p50 | worker p95 | target p95 | |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for k in r["kinds"]:
        ok = "—" if "p95_ms" not in k else ("ok" if k["meets_target"] else "**over**")
        out.append(f"| {k['kind']} | {k['count']} | {ms(k.get('p50_ms'))} | "
                   f"{ms(k.get('p95_ms'))} | {ms(k.get('p99_ms'))} | {k['errors']} | "
                   f"{ms(k.get('server_p50_ms'))} | {ms(k.get('server_p95_ms'))} | "
                   f"< {k['target_p95_ms']:,} | {ok} |")
    if slow := load.over_target_lines(r):
        out += ["", "Over target — how many requests, and when:", ""] + [f"- {x}" for x in slow]
    return out


def write(info, db, done, rows, started, elapsed):
    repeat = os.environ.get("BENCH_REPEAT", "")
    lines = [
        "# 性能基准结果（`make bench`）",
        "",
        "Written by `bench/_runner.py`; do not edit by hand — run `make bench` again "
        "(see README “性能基准”). Each figure: the median of N runs and their spread "
        "(min–max), beside a floor measured in the same run (the same work done bare: the "
        "same SQL statements replayed through a cursor, bare python-docx / openpyxl) and the "
        "ratio of the medians.",
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC; total {elapsed / 60:.1f} min",
        f"- machine: {info['cpu']}, {info['cores']} cores, {info['ram_gib']:.0f} GiB RAM, "
        f"Python {info['python']}",
        f"- load average at start: {' / '.join(info['load'])} (1 / 5 / 15 min); at end: "
        f"{' / '.join(Path('/proc/loadavg').read_text().split()[:3])} — the machine is shared, "
        "the figures move with its load",
        f"- processor speed: a fixed pure-Python loop (5 million additions) took "
        f"{info['reference_s']:.2f} s at start, {cpu_reference():.2f} s at end (best of 3) — "
        "compare runs of different days by it",
        f"- database: {db['version']}, county demo ({db['organs']} organs, {db['people']:,} "
        f"people, {db['punches']:,} attendance punches)",
        f"- N: `BENCH_REPEAT={repeat}`" if repeat else "- N: each bench's default",
        "",
    ]
    for name, (code, seconds, tail) in done.items():
        mine = [r for r in rows if r["bench"] == name]
        lines += [f"## {name}.py", "", f"{seconds:.0f} s" + (
            "" if code == 0 else f"; **exited with status {code}**") + ".", ""]
        figures = [r for r in mine if r.get("type") != "load"]
        if figures:
            lines += figure_table(figures) + [""]
        for r in mine:
            if r.get("type") == "load":
                lines += load_table(r) + [""]
        if code != 0 or not mine:
            lines += ["Last lines of its output:", "", "```", *tail, "```", ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")


def main():
    started = dt.datetime.now(dt.UTC)
    t0 = time.monotonic()
    os.environ.setdefault("BENCH_REPEAT", "5")
    var = Path(os.environ.setdefault("MOFAN_VAR_DIR", str(ROOT / "var" / "bench")))
    var.mkdir(parents=True, exist_ok=True)
    # SQLite: one file kept between runs (loading the county takes minutes).
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")
    info = machine()
    info["reference_s"] = cpu_reference()
    print(f"machine: {info['cpu']}, {info['cores']} cores, load {' '.join(info['load'])}")
    db = database()
    print(f"database: {db['version']} ({db['organs']} organs, {db['people']} people, "
          f"{db['punches']} punches); N = {os.environ['BENCH_REPEAT']}")
    results = var / "results.jsonl"
    results.unlink(missing_ok=True)
    done = {}
    for path in benches():
        done[path.stem] = run(path, results, var)
    rows = [json.loads(x) for x in results.read_text(encoding="utf-8").splitlines()] \
        if results.exists() else []
    write(info, db, done, rows, started, time.monotonic() - t0)
    print(f"\nwrote {RESULTS.relative_to(ROOT)} ({(time.monotonic() - t0) / 60:.1f} min)")
    failed = [name for name, (code, _, _) in done.items() if code]
    if failed:
        print("failed: " + ", ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
