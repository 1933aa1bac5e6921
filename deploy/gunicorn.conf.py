"""gunicorn settings for mofan (systemd unit mofan-web.service).

Sync workers: each request holds one worker; with 2 cores, 5 workers keep both busy while
some wait on PostgreSQL. Raise ``workers`` with the cores (2 × cores + 1).
"""

import multiprocessing
import os

bind = os.environ.get("MOFAN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("MOFAN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Word 台账 and county-wide exports take seconds, never minutes.
timeout = 120
graceful_timeout = 30
# Recycle workers now and then (a long-lived process's memory).
max_requests = 2000
max_requests_jitter = 200
# nginx on the same machine sets X-Forwarded-Proto; trust it only from there.
forwarded_allow_ips = os.environ.get("MOFAN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Logs to stdout/stderr: journald keeps and rotates them (deploy/journald/mofan.conf).
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
