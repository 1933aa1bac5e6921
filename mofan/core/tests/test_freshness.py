"""Figures cached until the data changes (core.freshness): every committed write through
any path raises the data version once, writes no figure reads do not, and a page never
shows a figure older than the last committed write."""

import time
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from mofan.audit.services import record
from mofan.core import freshness, indicators
from mofan.core.backup import _models
from mofan.core.indicators import Period
from mofan.orgs.models import Person

YEAR = Period.year(2025)
STAFF = "orgs.staff_count"


@pytest.mark.parametrize(("sql", "counts"), [
    ('INSERT INTO "orgs_person" ("name") VALUES (%s)', True),
    ('UPDATE "orgs_person" SET "name" = %s WHERE "orgs_person"."id" = %s', True),
    ('DELETE FROM "orgs_person" WHERE "orgs_person"."id" IN (%s)', True),
    ("INSERT OR IGNORE INTO attendance_punch (person_id) VALUES (?)", True),  # SQLite upsert
    ("\nINSERT INTO attendance_daystat (person_id) SELECT 1", True),  # raw SQL, leading newline
    ("TRUNCATE att_punch_stage", True),
    ("WITH gone AS (DELETE FROM x RETURNING id) SELECT count(*) FROM gone", True),
    ('UPDATE "accounts_user" SET "name" = %s WHERE "accounts_user"."id" = %s', True),
    # Writes no figure reads: a login must not empty the cache.
    ('UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s', False),
    ('INSERT INTO "django_session" ("session_key") VALUES (%s)', False),
    ('INSERT INTO "audit_auditlog" ("at") VALUES (%s)', False),
    ('INSERT INTO "accounts_loginattempt" ("username") VALUES (%s)', False),
    ('UPDATE "core_dataversion" SET "n" = ("core_dataversion"."n" + %s)', False),
    ('SELECT "orgs_person"."id" FROM "orgs_person" FOR UPDATE', False),
    ("WITH t AS (SELECT 1) SELECT * FROM t", False),
])
def test_which_statements_change_figures(sql, counts):
    assert freshness.changes_figures(sql) is counts


def test_a_committed_transaction_raises_the_version_once_whatever_it_wrote(transactional_db,
                                                                           world):
    before = freshness.version()
    with transaction.atomic():
        Person.objects.create(name="新同志", org=world.section)
        Person.objects.bulk_create([Person(name=f"批量{i}", org=world.section) for i in range(3)])
        Person.objects.filter(name="新同志").update(position="科员")
        assert freshness.version() == before  # not before it commits
    assert freshness.version() == before + 1


def test_a_rolled_back_transaction_leaves_the_version(transactional_db, world):
    before = freshness.version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Person.objects.create(name="撤回", org=world.section)
        raise RuntimeError
    assert freshness.version() == before


def test_raw_sql_outside_a_transaction_raises_the_version(transactional_db, world):
    before = freshness.version()
    with connection.cursor() as cur:
        cur.execute(f'UPDATE {Person._meta.db_table} SET position = %s', ["科员"])  # noqa: S608
    assert freshness.version() == before + 1


def test_logins_sessions_and_audit_rows_leave_the_version(transactional_db, world):
    before = freshness.version()
    world.client("admin").get("/")  # logs in: last_login, session
    SessionStore().create()
    record("export", label="导出测试", object_type="test")
    assert freshness.version() == before


def test_home_is_served_from_the_cache_and_others_writes_show_within_the_lag(
        transactional_db, world, settings, monkeypatch):
    cache.clear()
    client = world.client("admin")
    with CaptureQueriesContext(connection) as first:
        assert "3 人" in client.get("/?year=2025").content.decode()
    with CaptureQueriesContext(connection) as second:
        assert "3 人" in client.get("/?year=2025").content.decode()
    # The second reads the version and the cache instead of computing ~110 figures.
    assert len(second.captured_queries) < len(first.captured_queries) - 40
    Person.objects.create(name="新同志", org=world.section)  # someone else's write
    assert "3 人" in client.get("/?year=2025").content.decode()  # within the lag
    computed_at = time.time()
    monkeypatch.setattr(freshness, "_now", lambda: computed_at + 61)
    assert "4 人" in client.get("/?year=2025").content.decode()  # past it


def test_without_a_lag_every_committed_write_shows_at_once(transactional_db, world, settings):
    settings.MOFAN_FIGURE_LAG_SECONDS = 0
    cache.clear()
    client = world.client("committee")
    assert "4 人" in client.get("/?year=2025").content.decode()
    Person.objects.create(name="新同志", org=world.section)
    assert "5 人" in client.get("/?year=2025").content.decode()


def test_a_user_sees_his_own_write_at_once_and_others_within_the_lag(transactional_db, world):
    cache.clear()
    admin, committee = world.client("admin"), world.client("committee")
    assert "3 人" in admin.get("/?year=2025").content.decode()
    assert "全县 2 个机关合计" in committee.get("/?year=2025").content.decode()
    person = Person.objects.get(name="赵馆员")
    response = admin.post(f"/orgs/people/{person.pk}/delete/")
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    assert "2 人" in admin.get("/?year=2025").content.decode()  # his own write: at once
    county = committee.get("/?year=2025").context["pillars"]
    staff = {f.ind.key: f.value for _, fs in county for f in fs}[STAFF]
    assert staff == 4  # the committee's cached county figure, less than a minute old


def test_an_uncommitted_writer_sees_its_own_figures_and_caches_nothing(transactional_db, world):
    cache.clear()
    organ = world.organ.pk
    assert indicators.table([organ], YEAR, [STAFF])[STAFF][organ] == 3
    with pytest.raises(RuntimeError), transaction.atomic():
        Person.objects.create(name="新同志", org=world.section)
        assert indicators.table([organ], YEAR, [STAFF])[STAFF][organ] == 4
        raise RuntimeError
    with CaptureQueriesContext(connection) as queries:
        assert indicators.table([organ], YEAR, [STAFF])[STAFF][organ] == 3
    # The version and the cache were read; the figure came from the cache, not the people.
    assert not any("orgs_person" in q["sql"] for q in queries.captured_queries)


def test_a_new_day_computes_again(transactional_db, world, monkeypatch):
    import datetime as dt

    cache.clear()
    organ = world.organ.pk
    indicators.table([organ], YEAR, [STAFF])

    monkeypatch.setattr(freshness, "today", lambda: dt.date(2099, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        indicators.table([organ], YEAR, [STAFF])
    assert len(queries.captured_queries) > 1


def test_turned_off_it_computes_every_time(transactional_db, world, settings):
    settings.MOFAN_FIGURE_CACHE_SECONDS = 0
    organ = world.organ.pk
    indicators.table([organ], YEAR, [STAFF])
    with CaptureQueriesContext(connection) as queries:
        indicators.table([organ], YEAR, [STAFF])
    assert len(queries.captured_queries) >= 1
    assert not any("core_dataversion" in q["sql"] for q in queries.captured_queries)


def test_the_version_is_not_backed_up_and_a_restore_raises_it(transactional_db, world, tmp_path,
                                                              settings):
    settings.MOFAN_FIGURE_LAG_SECONDS = 0
    assert freshness.DataVersion not in set(_models())
    cache.clear()
    organ = world.organ.pk
    assert indicators.table([organ], YEAR, [STAFF])[STAFF][organ] == 3
    target = tmp_path / "b.zip"
    call_command("backup", "--output", str(target), stdout=StringIO())
    before = freshness.version()
    Person.objects.create(name="备份后新增", org=world.section)
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(target), stdout=StringIO())
    assert freshness.version() not in (before, before + 1)
    assert indicators.table([organ], YEAR, [STAFF])[STAFF][organ] == 3


LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                           "LOCATION": "single-flight"}}  # shared by the test's threads


def test_a_second_worker_waits_for_the_first_instead_of_computing_again(transactional_db,
                                                                         settings):
    import threading

    settings.CACHES = LOCAL_CACHE
    parts = ("test.single_flight",)
    key, current = freshness.key_for(parts), freshness.version()
    day = freshness.today().isoformat()
    assert cache.add(f"{key}:{current}:computing", 1, 5)  # another worker is computing them

    def other_worker_finishes():
        cache.set(key, (current, day, time.time(), {"figure": 42}), 60)

    threading.Timer(0.2, other_worker_finishes).start()

    def compute():
        raise AssertionError("computed twice")

    assert freshness.cached(parts, compute) == {"figure": 42}


def test_a_worker_that_never_finishes_does_not_hold_the_others(transactional_db, monkeypatch):
    cache.clear()
    monkeypatch.setattr(freshness, "COMPUTE_SECONDS", 0.1)
    parts = ("test.abandoned",)
    computing = f"{freshness.key_for(parts)}:{freshness.version()}:computing"
    assert cache.add(computing, 1, 60)  # its worker was killed
    assert freshness.cached(parts, lambda: {"figure": 7}) == {"figure": 7}
    assert freshness.cached(parts, lambda: {"figure": 8}) == {"figure": 7}  # and cached


def test_the_cache_is_in_the_database_by_default_and_migrate_creates_its_table(db):
    from django.conf import settings

    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    assert settings.CACHES["default"]["LOCATION"] in connection.introspection.table_names()
    assert not freshness.changes_figures(
        f'INSERT INTO "{settings.CACHES["default"]["LOCATION"]}" (cache_key) VALUES (%s)')


def test_an_older_entry_half_the_lag_old_is_served_while_a_thread_brings_it_up_to_date(
        transactional_db, world, monkeypatch):
    cache.clear()
    organ = world.organ.pk
    assert indicators.table([organ], YEAR, [STAFF])[STAFF][organ] == 3
    key = freshness.key_for(("indicators.series", (organ,), ((YEAR.start, YEAR.end),), (STAFF,)))
    computed_at = cache.get(key)[2]
    Person.objects.create(name="新同志", org=world.section)  # someone else's write
    # Younger than half the lag: served, nothing recomputed (writes keep coming).
    monkeypatch.setattr(freshness, "_now", lambda: computed_at + 29)
    with CaptureQueriesContext(connection) as queries:
        assert indicators.table([organ], YEAR, [STAFF])[STAFF][organ] == 3
    time.sleep(0.2)
    assert cache.get(key)[0] < freshness.version()
    assert not any("orgs_person" in q["sql"] for q in queries.captured_queries)
    # Half the lag old: still served, and the thread computes the current one.
    monkeypatch.setattr(freshness, "_now", lambda: computed_at + 31)
    assert indicators.table([organ], YEAR, [STAFF])[STAFF][organ] == 3
    deadline = time.monotonic() + 5
    while cache.get(key)[0] < freshness.version() and time.monotonic() < deadline:
        time.sleep(0.02)
    with CaptureQueriesContext(connection) as queries:
        assert indicators.table([organ], YEAR, [STAFF])[STAFF][organ] == 4
    assert not any("orgs_person" in q["sql"] for q in queries.captured_queries)  # cached


def test_fewer_figures_of_the_same_organs_are_read_off_their_cached_home_table(
        transactional_db, world):
    cache.clear()
    organs = [world.organ.pk, world.other.pk]
    keys = [STAFF, "ledgers.appeals.total", "study.attendance_rate"]
    alone = indicators.table(organs, YEAR, keys)  # nothing larger cached yet: computed
    cache.clear()
    indicators.table(organs, YEAR)  # the committee's home: every indicator
    with CaptureQueriesContext(connection) as queries:
        assert indicators.table(organs, YEAR, keys) == alone
    # The version and the cache, no indicator's rows.
    assert len(queries.captured_queries) == 2
    assert not any("orgs_person" in q["sql"] for q in queries.captured_queries)
    # Other organs or another period are a different table: computed.
    with CaptureQueriesContext(connection) as queries:
        indicators.table([world.organ.pk], YEAR, keys)
    assert any("orgs_person" in q["sql"] for q in queries.captured_queries)


def test_after_a_users_own_write_his_home_table_is_computed_before_he_opens_it(
        transactional_db, world, settings):
    settings.MOFAN_REPORTING_YEAR = 2025  # the year his home opens on
    cache.clear()
    admin = world.client("admin")
    assert "3 人" in admin.get("/").content.decode()
    person = Person.objects.get(name="赵馆员")
    assert admin.post(f"/orgs/people/{person.pk}/delete/").status_code == 302
    # The delete's response was sent; the worker's refresher computes his home table.
    parts = ("indicators.series", (world.organ.pk,), ((YEAR.start, YEAR.end),),
             tuple(indicators.REGISTRY))
    key, deadline = freshness.key_for(parts), time.monotonic() + 10
    while (cache.get(key) or (0,))[0] < freshness.version() and time.monotonic() < deadline:
        time.sleep(0.02)
    with CaptureQueriesContext(connection) as queries:
        assert "2 人" in admin.get("/").content.decode()
    assert not any("orgs_person" in q["sql"] for q in queries.captured_queries)  # cached


def test_warm_figures_computes_every_home_table_so_nobody_waits_at_nine(
        transactional_db, world, settings, monkeypatch):
    settings.MOFAN_REPORTING_YEAR = 2025
    cache.clear()
    out = StringIO()
    call_command("warm_figures", stdout=out)
    # The committee's county table and each organ's own: 2 organs, 3 tables.
    assert "首页指标表 3 张：计算 3 张，0 张已是最新" in out.getvalue()
    for client, seen in ((world.client("committee"), "全县 2 个机关合计"),
                         (world.client("admin"), "3 人")):
        with CaptureQueriesContext(connection) as queries:
            assert seen in client.get("/").content.decode()
        assert not any("orgs_person" in q["sql"] for q in queries.captured_queries)  # cached
    out = StringIO()
    call_command("warm_figures", stdout=out)
    assert "计算 0 张" in out.getvalue()  # nothing changed: nothing computed
    later = time.time() + settings.MOFAN_FIGURE_CACHE_SECONDS / 2 + 1
    with monkeypatch.context() as m:  # half way to their expiry: renewed
        m.setattr(freshness, "_now", lambda: later)
        call_command("warm_figures", stdout=(out := StringIO()))
    assert "计算 3 张" in out.getvalue()
    Person.objects.create(name="新同志", org=world.section)  # the data moves on
    out = StringIO()
    call_command("warm_figures", stdout=out)
    assert "计算 3 张" in out.getvalue()
    with CaptureQueriesContext(connection) as queries:
        assert "4 人" in world.client("admin").get("/").content.decode()
    assert not any("orgs_person" in q["sql"] for q in queries.captured_queries)


def test_warm_figures_leaves_a_table_another_process_is_computing(transactional_db, world):
    parts = indicators._series([world.organ.pk], [YEAR], list(indicators.REGISTRY.values()))[0]
    cache.clear()
    cache.add(f"{freshness.key_for(parts)}:{freshness.version()}:computing", 1, 5)
    assert not indicators.bring_up_to_date([world.organ.pk], YEAR)
    assert cache.get(freshness.key_for(parts)) is None
