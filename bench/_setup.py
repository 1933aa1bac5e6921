"""What a bench starts with: Django on a throwaway database in a temporary folder (unless
DATABASE_URL / MOFAN_VAR_DIR say otherwise), and a timer of N runs."""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django():
    sys.path.insert(0, str(ROOT))
    tmp = tempfile.mkdtemp(prefix="mofan-bench-")
    os.environ.setdefault("MOFAN_VAR_DIR", tmp)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")
    import django

    django.setup()


def timed(fn, n):
    """Seconds taken by each of ``n`` calls of ``fn``."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times
