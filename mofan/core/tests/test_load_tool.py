"""The load test tool (bench/load.py, issue 13) works: its smoke run — gunicorn with 3
workers on the test database (SQLite or PostgreSQL, as the suite runs) with the organ demo,
two users playing all four demo roles for ~5 s — answers every request without an error and requests every page kind.
The figures themselves are measured by ``make bench`` on PostgreSQL, not here."""

import json
import os
import subprocess
import sys
from pathlib import Path

from mofan.core.tests.test_scale_out import database_url

ROOT = Path(__file__).resolve().parents[3]


def test_load_tool_smoke_run_requests_every_page_kind_without_an_error(transactional_db,
                                                                       tmp_path):
    # The suite's (migrated, empty) test database: the tool loads the demo into it and the
    # fixture empties it afterwards.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DATABASE_URL=database_url(), MOFAN_VAR_DIR=str(tmp_path),
               BENCH_RESULTS=str(tmp_path / "rows.jsonl"))
    result = subprocess.run([sys.executable, "bench/load.py", "--smoke"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (row,) = [json.loads(line) for line in (tmp_path / "rows.jsonl").read_text().splitlines()]
    assert row["type"] == "load" and row["errors"] == 0
    kinds = {k["kind"]: k for k in row["kinds"]}
    # Every role's characteristic pages are among the kinds, and each was requested.
    for label in ("机关对比与排名", "台账操作：进展（POST）", "Word：学习台账", "Word：周通报",
                  "导出 .xlsx：民情台账", "我的待办", "我的考勤", "我的学习"):
        assert label in kinds, label
    assert all(k["requests"] > 0 and k["errors"] == 0 for k in kinds.values()), kinds
    assert row["requests"] >= len(kinds) and row["rps"] > 0
    assert row["cpu_ms_per_request"] > 0  # read from /proc of the gunicorn processes
