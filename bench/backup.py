"""Backup → wipe → restore drill on the county year (issue 13): times and peak memory of
``manage.py backup`` and ``manage.py restore`` beside a floor measured in the same run (the
database's own dump and restore of the same tables: pg_dump / pg_restore on PostgreSQL,
sqlite3's .dump / reading the dump back on SQLite), the ratio, and a row-for-row check that
the restored database equals the original (``core.backup.table_fingerprints``: every
backed-up table's count and a SHA-256 of its rows in key order).

    .venv/bin/python bench/backup.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mofan_bench .venv/bin/python bench/backup.py

The county demo is loaded first when the database is empty. The restore goes into a
second, empty database (``<name>_restore`` on PostgreSQL, a new file on SQLite), which is
dropped afterwards; the original is not touched.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import ROOT, report, setup_django

setup_django()

from django.db import connection  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
FINGERPRINT = """
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")
django.setup()
from mofan.core.backup import table_fingerprints
print(json.dumps(table_fingerprints()))
"""


def run(cmd, env):
    """Seconds and the peak RSS (MiB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.run(  # noqa: S603 - our own commands
        ["/usr/bin/time", "-f", "%M", *cmd], env=env, cwd=ROOT, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if proc.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    return took, int(proc.stderr.strip().splitlines()[-1]) / 1024, proc.stdout


def fingerprint(env):
    out = subprocess.run([PY, "-c", FINGERPRINT], env=env, cwd=ROOT, capture_output=True,  # noqa: S603
                         text=True, check=True).stdout
    return json.loads(out)


def main():
    from django.core.management import call_command

    from mofan.orgs.models import Org

    call_command("migrate", verbosity=0)
    if not Org.objects.exists():
        t0 = time.perf_counter()
        call_command("load_demo", "--scale", "county", "--seed", "1", "--year", "2025")
        print(f"county demo loaded in {time.perf_counter() - t0:.1f} s")
    tmp = Path(tempfile.mkdtemp(prefix="mofan-drill-"))
    env = dict(os.environ)
    vendor, settings = connection.vendor, connection.settings_dict
    if vendor == "postgresql":
        name = settings["NAME"]
        restore_name = f"{name}_restore"
        base = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
        pg = ["-h", settings["HOST"], "-p", str(settings["PORT"]), "-U", settings["USER"]]
        subprocess.run(["dropdb", *pg, "--if-exists", restore_name], check=True)  # noqa: S603, S607
        subprocess.run(["createdb", *pg, restore_name], check=True)  # noqa: S603, S607
        target_env = env | {"DATABASE_URL": f"{base}/{restore_name}"}
    else:
        target_env = env | {"DATABASE_URL": f"sqlite:///{tmp}/restored.sqlite3"}
    # Another server's folder, the same audit key (it lives outside the backup, as on a
    # real server rebuilt from its backup).
    from django.conf import settings as django_settings

    target_env["MOFAN_VAR_DIR"] = str(tmp / "restored-var")
    target_env["MOFAN_AUDIT_KEY"] = env["MOFAN_AUDIT_KEY"] = django_settings.MOFAN_AUDIT_KEY
    connection.close()

    original = fingerprint(env)
    rows = sum(n for n, _ in original.values())
    print(f"database: {vendor}; {rows} rows in {len(original)} tables "
          f"(biggest: {', '.join(f'{k} {v[0]}' for k, v in sorted(original.items(), key=lambda kv: -kv[1][0])[:3])})")

    archive = tmp / "mofan-drill.zip"
    b_took, b_mem, _ = run([PY, "manage.py", "backup", "--output", str(archive)], env)
    r_took, r_mem, _ = run([PY, "manage.py", "restore", str(archive)], target_env)
    restored = fingerprint(target_env)
    # The restore appends its own audit row (and the audit key seals nothing new); every
    # other table must be identical, and the audit table must hold the original rows first.
    audit = "audit.auditlog"
    different = sorted(k for k in original if k != audit and original[k] != restored.get(k))
    audit_ok = restored[audit][0] == original[audit][0] + 1

    dump = tmp / "floor.dump"
    if vendor == "postgresql":
        f_b, _, _ = run(["pg_dump", *pg, "-Fc", "-Z", "6", "-f", str(dump), name], env)
        floor_db = f"{name}_floor"
        subprocess.run(["dropdb", *pg, "--if-exists", floor_db], check=True)  # noqa: S603, S607
        subprocess.run(["createdb", *pg, floor_db], check=True)  # noqa: S603, S607
        f_r, _, _ = run(["pg_restore", *pg, "-d", floor_db, str(dump)], env)
        for db in (floor_db, restore_name):
            subprocess.run(["dropdb", *pg, "--if-exists", db], check=True)  # noqa: S603, S607
    else:
        src = settings["NAME"]
        f_b, _, _ = run(["sh", "-c", f"sqlite3 '{src}' .dump | gzip > '{dump}'"], env)
        f_r, _, _ = run(["sh", "-c", f"gunzip -c '{dump}' | sqlite3 '{tmp}/floor.sqlite3'"], env)
    size = archive.stat().st_size / 2**20
    same = not different and audit_ok
    floor_b, floor_r = (("pg_dump -Fc", "pg_restore") if vendor == "postgresql"
                        else ("sqlite3 .dump | gzip", "sqlite3 < dump"))
    report(f"备份县级年度（{rows} 行）", [b_took], [f_b], floor_label=floor_b,
           note=f"峰值内存 {b_mem:.0f} MiB，{size:.0f} MiB zip")
    report("恢复到空库", [r_took], [f_r], floor_label=floor_r,
           note=f"峰值内存 {r_mem:.0f} MiB；逐表比对{'一致' if same else '不一致'}")
    print(f"identical after restore: {'yes' if same else 'NO'} "
          f"({len(original) - len(different)}/{len(original)} tables equal; audit log "
          f"{original[audit][0]} rows + the restore's own row: {'yes' if audit_ok else 'NO'})")
    if different:
        print("tables that differ: " + ", ".join(different))
        sys.exit(1)
    digest = hashlib.sha256(json.dumps(original, sort_keys=True).encode()).hexdigest()[:16]
    print(f"fingerprint of the original: {digest}")


if __name__ == "__main__":
    main()
