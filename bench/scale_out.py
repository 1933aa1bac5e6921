"""Scale-out under load (issue 13, item 5): the load test (``load.py``, the same users and
mix, ``BENCH_LOAD_ARGS``) against two app servers on different ports — each gunicorn as
deployed, with its own var folder — sharing one database and one upload folder, each user's
requests going to each server in turn (no stickiness): its session and CSRF token made on one
server are used on the other, and the 实施方案 it uploads on one is downloaded from the other.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mofan_bench .venv/bin/python bench/scale_out.py
"""

import os
import shlex
import sys

import load

if __name__ == "__main__":
    sys.argv[1:] = ["--servers", "2",
                    *shlex.split(os.environ.get("BENCH_LOAD_ARGS", "--users 20 --duration 120")),
                    *sys.argv[1:]]
    load.main()
