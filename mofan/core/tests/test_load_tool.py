"""The load test tool (bench/load.py, issue 13) works: its smoke run — gunicorn with 2
workers on the test database (SQLite or PostgreSQL, as the suite runs) with the organ demo,
two users playing all four demo roles for ~5 s — answers every request without an error and
requests every page kind, on one app server and on two sharing the database and the uploads.
The figures themselves are measured by ``make bench`` on PostgreSQL, not here."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mofan.core.tests.test_scale_out import database_url

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("servers", [1, 2])
def test_load_tool_smoke_run_requests_every_page_kind_without_an_error(transactional_db,
                                                                       tmp_path, servers):
    # The suite's (migrated, empty) test database: the tool loads the demo into it and the
    # fixture empties it afterwards.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DATABASE_URL=database_url(), MOFAN_VAR_DIR=str(tmp_path),
               BENCH_RESULTS=str(tmp_path / "rows.jsonl"))
    result = subprocess.run([sys.executable, "bench/load.py", "--smoke", "--servers", str(servers)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (row,) = [json.loads(line) for line in (tmp_path / "rows.jsonl").read_text().splitlines()]
    assert row["type"] == "load" and row["errors"] == 0
    kinds = {k["kind"]: k for k in row["kinds"]}
    # Every role's characteristic pages are among the kinds, and each was requested.
    for label in ("机关对比与排名", "台账操作：进展（POST）", "Word：学习台账", "Word：周通报",
                  "导出 .xlsx：民情台账", "我的待办", "我的考勤", "我的学习",
                  "上传：实施方案（POST）", "下载：实施方案"):
        assert label in kinds, label
    assert all(k["requests"] > 0 and k["errors"] == 0 for k in kinds.values()), kinds
    assert row["requests"] >= len(kinds) and row["rps"] > 0
    assert row["cpu_ms_per_request"] > 0  # read from /proc of the gunicorn processes
    if servers == 2:
        # Scale-out: each server answered (the users' requests alternate), each with its own
        # var folder, and the uploads landed in the one shared upload folder.
        logs = [tmp_path / f"gunicorn-load-{n}.log" for n in (1, 2)]
        assert all('"mofan-load ' in log.read_text() for log in logs)
        assert list((tmp_path / "media" / "campaigns").rglob("*.pdf"))
        assert not list((tmp_path / "server-1").rglob("*.pdf"))
        assert row["servers"] == 2
    # The home tables were computed ahead, as the deployment's timer has them.
    assert "首页指标表 3 张：计算 3 张" in result.stdout and row["figures_warmed_s"] >= 0
    # When the requests over target were sent is kept, to tell a cold start from a steady load.
    assert all(0 <= at <= row["duration_s"] + 60 for k in kinds.values()
               for at in k.get("over_target_at_s", []))


def test_requests_over_target_are_listed_with_when_they_were_sent():
    sys.path.insert(0, str(ROOT / "bench"))
    import load

    stats = {"首页（机关）": load.Stats(count=4, times=[50, 420, 60, 380],
                                     sent_at=[100.5, 100.9, 130.0, 161.25])}
    expected = [load.Kind("首页（机关）", None)]

    class Args:
        users, workers, think = 1, 1, (1, 3)

    result = load.summarise(stats, {}, expected, 120, 1.0, None, Args, t0=100.0)
    (row,) = result["kinds"]
    assert row["over_target_at_s"] == [0.9, 61.2] and not row["meets_target"]
    assert load.over_target_lines(result) == [
        "首页（机关）: 2 of 4 requests at or over 200 ms, sent 0.9, 61.2 s into the run"]


def test_the_results_say_whether_the_figures_were_computed_ahead():
    sys.path.insert(0, str(ROOT / "bench"))
    import _runner

    row = {"users": 20, "think_s": [1, 3], "duration_s": 120, "workers": 5, "requests": 10,
           "rps": 1.0, "errors": 0, "kinds": [], "figures_warmed_s": 3.2}
    assert "computed ahead by `manage.py warm_figures` (3.2 s)" in _runner.load_table(row)[0]
    assert "Cold start" in _runner.load_table({**row, "figures_warmed_s": None})[0]
