"""Figures cached until the data changes (the home pages, the committee's comparison and
charts, the evaluation: every ``indicators.table``).

The database decides what "changed" means, so no write path can forget to say it: every
INSERT, UPDATE or DELETE that goes through Django — models, bulk inserts, raw SQL alike —
on a table the figures may read marks its transaction, and when that transaction commits
the data version (one row) goes up by one. A table of figures is cached under the version
read *before* computing it, so it is never served after a committed write: a write that
commits while the figures are computed bumps the version after it, and the entry is
never read again. A transaction that has written and not committed yet computes its own
figures and caches nothing (it sees rows nobody else does). The day is in the key too
(overdue, this month), and entries expire after ``MOFAN_FIGURE_CACHE_SECONDS`` whatever
happens.

Writes that no figure reads do not count: sessions, the cache table, the audit log,
login attempts, a user's last login (``MOFAN_WRITES_NOT_IN_FIGURES``); otherwise every
login would empty the cache.
"""

import datetime as dt
import hashlib
import logging
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, connections, models
from django.db.models import F

log = logging.getLogger(__name__)

_WRITE = re.compile(r'^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM'
                    r'|TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO|COPY)\s+"?(\w+)"?', re.IGNORECASE)
# A statement that starts with a CTE may write anything: it counts.
_WITH_WRITE = re.compile(r"^\s*WITH\b.*\b(?:INSERT|UPDATE|DELETE|MERGE)\b",
                         re.IGNORECASE | re.DOTALL)
_LAST_LOGIN = re.compile(r'^\s*UPDATE\s+"?\w+"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE',
                         re.IGNORECASE)


class DataVersion(models.Model):
    """One row: how many committed transactions have changed the data."""

    n = models.BigIntegerField("数据版本")

    class Meta:
        verbose_name = verbose_name_plural = "数据版本"

    def __str__(self):
        return str(self.n)


def _uncounted_tables() -> frozenset:
    tables = {DataVersion._meta.db_table, *settings.MOFAN_WRITES_NOT_IN_FIGURES}
    cache_backend = settings.CACHES["default"]["BACKEND"]
    if cache_backend.endswith("DatabaseCache"):
        tables.add(settings.CACHES["default"]["LOCATION"])
    return frozenset(t.lower() for t in tables)


def changes_figures(sql: str) -> bool:
    """Whether a statement writes a table whose rows a figure may read."""
    match = _WRITE.match(sql)
    if match is None:
        return bool(_WITH_WRITE.match(sql))
    if _LAST_LOGIN.match(sql):
        return False
    return match.group(1).lower() not in _uncounted_tables()


class _Bump:
    """The on-commit callback that raises the version once per transaction (recognised
    among the pending callbacks by its class)."""

    def __init__(self, alias):
        self.alias = alias

    def __call__(self):
        bump(self.alias)


def _pending(conn) -> bool:
    """This connection's open transaction has written rows that change figures."""
    return conn.in_atomic_block and any(isinstance(f, _Bump) for _, f, _ in conn.run_on_commit)


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper installed on every connection (``install``)."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and changes_figures(sql):
        conn = context["connection"]
        if not conn.in_atomic_block:
            bump(conn.alias)  # autocommit: the write is already committed
        elif not _pending(conn):
            conn.on_commit(_Bump(conn.alias), robust=True)
    return result


def install(sender=None, connection=None, **kwargs):
    """``connection_created`` receiver: every connection watches its writes."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def _fresh_start() -> int:
    # A new row must not meet entries cached under an old one (a wiped test database).
    return time.time_ns()


def bump(alias="default"):
    try:
        rows = DataVersion.objects.using(alias).filter(pk=1).update(n=F("n") + 1)
        if not rows:
            DataVersion.objects.using(alias).get_or_create(pk=1, defaults={"n": _fresh_start()})
    except DatabaseError as error:  # before migrate, or the database gone: entries expire
        log.debug("数据版本未能更新：%s", error)


def version(alias="default") -> int:
    n = DataVersion.objects.using(alias).values_list("n", flat=True).first()
    if n is None:
        try:
            n = DataVersion.objects.using(alias).get_or_create(
                pk=1, defaults={"n": _fresh_start()})[0].n
        except IntegrityError:  # another process created it first
            n = DataVersion.objects.using(alias).values_list("n", flat=True).get()
    return n


def today() -> dt.date:
    return dt.date.today()  # the day the figures' "overdue" and "this month" are about


def cached(parts: tuple, compute):
    """``compute()``, or the value it gave for the same ``parts`` since the data last
    changed today."""
    seconds = settings.MOFAN_FIGURE_CACHE_SECONDS
    if not seconds or _pending(connection):
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"figures:{version()}:{today():%Y%m%d}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def connected_databases():
    """Install on connections opened before this module was (management commands)."""
    for conn in connections.all(initialized_only=True):
        install(connection=conn)
