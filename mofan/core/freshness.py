"""Figures cached until the data changes (the home pages, the committee's comparison and
charts, the evaluation: every ``indicators.table``).

The database decides what "changed" means, so no write path can forget to say it: every
INSERT, UPDATE or DELETE that goes through Django — models, bulk inserts, raw SQL alike —
on a table the figures may read marks its transaction, and when that transaction commits
the data version (one row) goes up by one. A table of figures is stored with the version
read *before* computing it, so it never claims a write it may not have seen.

An entry of the current version is served. An older one is served only while it is
younger than ``MOFAN_FIGURE_LAG_SECONDS`` (default 60) and not older than the user's own
last write (``OwnWritesMiddleware`` keeps that version in the session): a user always
sees his own changes at once, other people's within the lag — so the committee's county
figures are not recomputed in its request for every note someone adds somewhere (at
county scale a write every few seconds): the older entry is served, and once it is half
the lag old a thread brings it up to date for the next reader — so while the data keeps
changing a table is recomputed about twice a lag, not after every write (the threads
share the worker's processor with its requests). ``MOFAN_FIGURE_LAG_SECONDS=0`` makes
every figure exact.
``manage.py warm_figures`` (a timer, every 10 minutes) computes every home page's table
ahead, so neither the day's first reader nor the next reader of a table nobody opened while
the data changed waits for it.
A transaction that has written and not committed computes its own figures and caches
nothing. An entry is for one day (overdue, this month) and expires after
``MOFAN_FIGURE_CACHE_SECONDS`` whatever happens.

Writes that no figure reads do not count: sessions, the cache table, the audit log,
login attempts, a user's last login (``MOFAN_WRITES_NOT_IN_FIGURES``); otherwise every
login would empty the cache.
"""

import contextlib
import datetime as dt
import functools
import hashlib
import logging
import queue
import re
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import DatabaseError, IntegrityError, connection, connections, models
from django.db.models import F
from django.dispatch import receiver

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


@functools.cache  # asked for every write statement; settings do not change while serving
def _uncounted_tables() -> frozenset:
    tables = {DataVersion._meta.db_table, *settings.MOFAN_WRITES_NOT_IN_FIGURES}
    cache_backend = settings.CACHES["default"]["BACKEND"]
    if cache_backend.endswith("DatabaseCache"):
        tables.add(settings.CACHES["default"]["LOCATION"])
    return frozenset(t.lower() for t in tables)


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting in ("CACHES", "MOFAN_WRITES_NOT_IN_FIGURES"):  # tests override them
        _uncounted_tables.cache_clear()


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


# The request being served: its user's own-writes floor, and whether it wrote.
_floor: ContextVar[int] = ContextVar("figures_floor", default=0)
_wrote: ContextVar[list | None] = ContextVar("figures_wrote", default=None)


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper installed on every connection (``install``)."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and changes_figures(sql):
        if (wrote := _wrote.get()) is not None and not wrote:
            wrote.append(True)
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


def _now() -> float:
    return time.time()


def key_for(parts: tuple) -> str:
    return "figures:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _usable(entry, current: int, day: str) -> bool:
    if entry is None or entry[1] != day:
        return False
    stored, _, computed_at, _ = entry
    return stored >= current or (stored >= _floor.get() and
                                 _now() - computed_at <= settings.MOFAN_FIGURE_LAG_SECONDS)


def _serve(key, current, day, compute):
    """(True, value) from a usable entry (refreshed in the background once half the lag
    old), else (False, None)."""
    entry = cache.get(key)
    if not _usable(entry, current, day):
        return False, None
    if entry[0] < current and _now() - entry[2] >= settings.MOFAN_FIGURE_LAG_SECONDS / 2:
        _refresh_in_background(key, current, day, compute)
    return True, entry[3]


def cached_only(parts: tuple, compute):
    """(True, value) when ``cached`` would serve ``parts`` without computing, else
    (False, None): for figures that can be read off a larger table already cached."""
    if not settings.MOFAN_FIGURE_CACHE_SECONDS or _pending(connection):
        return False, None
    return _serve(key_for(parts), version(), today().isoformat(), compute)


def cached(parts: tuple, compute):
    """``compute()``, or the value it gave for the same ``parts`` (see the module's rules).
    When another worker is already computing the same figures (everyone opens the home
    page at nine), wait for its result instead of computing it again."""
    if not settings.MOFAN_FIGURE_CACHE_SECONDS or _pending(connection):
        return compute()
    key, current, day = key_for(parts), version(), today().isoformat()
    found, value = _serve(key, current, day, compute)
    if found:
        return value
    computing = f"{key}:{current}:computing"
    if not cache.add(computing, 1, COMPUTE_SECONDS):
        deadline = time.monotonic() + COMPUTE_SECONDS
        while time.monotonic() < deadline:
            time.sleep(WAIT_STEP)
            entry = cache.get(key)
            if entry is not None and entry[0] >= current and entry[1] == day:
                return entry[3]
    try:
        value = compute()
        cache.set(key, (current, day, _now(), value), settings.MOFAN_FIGURE_CACHE_SECONDS)
    finally:
        cache.delete(computing)
    return value


def _refresh_in_background(key, current, day, compute):
    """Serve the older entry now and let this worker's refresher thread compute the current
    one, so the next reader gets it without waiting (one at a time across all workers: the
    lock; one thread per worker, so a page of thirteen tables does not start thirteen)."""
    computing = f"{key}:{current}:computing"
    if cache.add(computing, 1, COMPUTE_SECONDS):
        _jobs.put((key, computing, current, day, compute))
        _start_refresher()


_jobs: queue.SimpleQueue = queue.SimpleQueue()
_refresher: list[threading.Thread] = []
_refresher_lock = threading.Lock()


def _start_refresher():
    with _refresher_lock:
        if not (_refresher and _refresher[0].is_alive()):  # none yet, or a forked worker
            _refresher[:] = [threading.Thread(target=_refresh_forever, name="figures-refresh",
                                              daemon=True)]
            _refresher[0].start()


def _refresh_forever():
    while True:
        key, computing, current, day, compute = _jobs.get()
        try:
            cache.set(key, (current, day, _now(), compute()), settings.MOFAN_FIGURE_CACHE_SECONDS)
        except Exception:  # the next reader computes it
            log.warning("后台刷新指标失败", exc_info=True)
        finally:
            cache.delete(computing)
            # This thread's own connections, after every job: none held while it waits
            # (a database being dropped or restored must not find this thread on it).
            connections.close_all()


COMPUTE_SECONDS = 5  # a worker computing longer than this is presumed gone: compute anyway
WAIT_STEP = 0.02


def connected_databases():
    """Install on connections opened before this module was (management commands)."""
    for conn in connections.all(initialized_only=True):
        install(connection=conn)


FLOOR_KEY = "figures_floor"

# Callables (request) that, after a request of the user's wrote, start computing the
# figures he is likely to open next (his home page), so he does not wait for them there.
AFTER_OWN_WRITE: list = []


def warm(parts: tuple, compute):
    """Have this worker's refresher compute ``parts`` at the current version unless the
    cache already has it (a later reader in any worker waits for it instead of computing)."""
    if not settings.MOFAN_FIGURE_CACHE_SECONDS or _pending(connection):
        return
    key, current, day = key_for(parts), version(), today().isoformat()
    entry = cache.get(key)
    if entry is None or entry[0] < current or entry[1] != day:
        _refresh_in_background(key, current, day, compute)


def bring_up_to_date(parts: tuple, compute) -> bool:
    """Compute ``parts`` now (the ``warm_figures`` command, run by a timer) unless the cache
    has them at the current version, for today, and not yet half way to their expiry; True
    when computed. Skipped while another process computes the same (it stores them)."""
    if not settings.MOFAN_FIGURE_CACHE_SECONDS:
        return False
    key, current, day = key_for(parts), version(), today().isoformat()
    entry = cache.get(key)
    if (entry is not None and entry[0] >= current and entry[1] == day
            and _now() - entry[2] < settings.MOFAN_FIGURE_CACHE_SECONDS / 2):
        return False
    computing = f"{key}:{current}:computing"
    if not cache.add(computing, 1, COMPUTE_SECONDS):
        return False
    try:
        cache.set(key, (current, day, _now(), compute()), settings.MOFAN_FIGURE_CACHE_SECONDS)
    finally:
        cache.delete(computing)
    return True


class OwnWritesMiddleware:
    """A user sees his own writes in every figure at once: after a request that wrote,
    the session keeps the data version that includes it, and older entries are not
    served to him (``_usable``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        wrote = []
        tokens = (_floor.set(session.get(FLOOR_KEY, 0) if session is not None else 0),
                  _wrote.set(wrote))
        try:
            response = self.get_response(request)
        finally:
            _floor.reset(tokens[0])
            _wrote.reset(tokens[1])
        if wrote and session is not None:
            # Read after the commit, so it includes the write (a database gone: nothing to show).
            with contextlib.suppress(DatabaseError):
                session[FLOOR_KEY] = version()
                for start in AFTER_OWN_WRITE:
                    start(request)
        return response
