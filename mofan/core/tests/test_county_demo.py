"""The county demo (``load_demo --scale county``) on a small county: every module fills
every organ, organs differ, a seed gives the same rows, and the bulk-written ledgers agree
with their timelines — the same fields and events the ``do_*`` functions write."""

import datetime as dt
import hashlib
import random
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from mofan.accounts.models import User
from mofan.appeals.models import Appeal
from mofan.attendance.models import Bulletin
from mofan.community.models import ServiceRecord
from mofan.core import indicators
from mofan.core.indicators import Period
from mofan.core.ledger.demo import BulkPlayer, play
from mofan.core.ledger.models import LedgerEvent
from mofan.culture.models import Event
from mofan.enterprise.models import Demand
from mofan.evaluation import services as evaluation
from mofan.evaluation.models import ManualScore
from mofan.orgs.models import Org
from mofan.rectification.models import Problem, Rule
from mofan.reports.models import SummaryTemplate
from mofan.study.models import Attendance, StudyPlan, StudySession
from mofan.tasks.models import Task
from mofan.tourism.models import Honour

YEAR = 2024
ORGANS = 4
# The main model of every module: each organ of the county has rows in each.
EVERY_ORGAN = [StudySession, StudyPlan, Attendance, Appeal, Task, ServiceRecord, Event,
               Honour, Problem, Rule, SummaryTemplate, Bulletin]
LEDGERS = [Appeal, Task, Problem, Demand]


def load(seed=1, organs=ORGANS):
    call_command("load_demo", "--scale", "county", "--organs", str(organs), "--seed", str(seed),
                 "--year", str(YEAR), stdout=StringIO())
    return list(Org.objects.filter(kind=Org.ORGAN).order_by("sort"))


def per_organ(model):
    """{organ id: rows}: rows of its sections and units, plus its own (whose ``organ`` is
    empty: an organ is not under itself)."""
    below = model.objects.values_list("org__organ").annotate(n=Count("id"))
    own = model.objects.filter(org__kind=Org.ORGAN).values_list("org").annotate(n=Count("id"))
    found = {}
    for pk, n in [*below, *own]:
        if pk:
            found[pk] = found.get(pk, 0) + n
    return found


@pytest.fixture(scope="class")
def small_county(django_db_setup, django_db_blocker):
    """One small county for the read-only tests of ``TestSmallCounty``, rolled away at the end (each test
    runs in a savepoint inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load()
        transaction.set_rollback(True)


@pytest.fixture
def county(small_county, db):
    return small_county


class TestSmallCounty:
    def test_every_organ_has_a_year_in_every_module(self, county):
        assert len(county) == ORGANS
        for model in EVERY_ORGAN:
            counts = per_organ(model)
            missing = [o.code for o in county if not counts.get(o.pk)]
            assert not missing, f"{model.__name__}: no rows for {missing}"
        # 纾困解难 only where it makes sense (the economic bureaus), but beyond the demo bureau.
        assert len(per_organ(Demand)) >= 2
        assert ManualScore.objects.values("org").distinct().count() == ORGANS


    def test_organs_have_different_indicator_rows(self, county):
        ids = [o.pk for o in county]
        table = indicators.table(ids, Period.year(YEAR))
        rows = {pk: tuple(repr(table[key].get(pk)) for key in sorted(table)) for pk in ids}
        assert len(set(rows.values())) == ORGANS
        # and the ledgers are part of it: states vary between organs
        closed = table["ledgers.appeals.closed_on_time_rate"]
        assert len({closed[pk] for pk in ids}) > 1


    def test_the_committee_ranks_the_organs_apart(self, county):
        committee = Org.objects.get(kind=Org.COMMITTEE)
        scores = evaluation.evaluate(evaluation.current_set(committee, YEAR), county)
        assert len({s.total for s in scores}) == ORGANS
        User.objects.filter(username="gongwei").update(must_change_password=False,
                                                       password_changed_at=timezone.now())
        client = Client()
        client.force_login(User.objects.get(username="gongwei"))
        page = client.get(f"/dashboards/compare/?year={YEAR}&k=study.theme_days"
                          "&k=ledgers.appeals.closed_on_time_rate")
        assert page.status_code == 200
        assert all((o.short_name or o.name) in page.content.decode() for o in county)


    def test_ledger_states_agree_with_their_timelines(self, county):
        for model in LEDGERS:
            ct = ContentType.objects.get_for_model(model)
            events = {}
            for object_id, from_state, to_state in LedgerEvent.objects.filter(
                    content_type=ct).order_by("at", "id").values_list(
                    "object_id", "from_state", "to_state"):
                events.setdefault(object_id, []).append((from_state, to_state))
            items = list(model.objects.values_list("pk", "state", "version"))
            assert items
            for pk, state, version in items:
                timeline = events[pk]
                assert timeline[0][0] == ""  # registered (or imported) first
                assert all(b[0] == a[1] for a, b in zip(timeline, timeline[1:], strict=False)), pk
                assert timeline[-1][1] == state, (model.__name__, pk)
                assert len(timeline) == version, (model.__name__, pk)
            assert model.objects.filter(state="closed").exists()
            assert model.objects.exclude(state="closed").exists()


def fingerprint():
    """Counts of every module's rows and a hash of a few chosen fields."""
    counts = {m.__name__: m.objects.count() for m in [*EVERY_ORGAN, Demand, LedgerEvent]}
    digest = hashlib.sha256()
    for qs in [
        Appeal.objects.order_by("org__code", "registered_on", "title", "state", "closed_at")
        .values_list("org__code", "title", "state", "registered_on", "deadline", "closed_at"),
        StudySession.objects.order_by("org__code", "date", "kind", "theme")
        .values_list("org__code", "kind", "date", "theme"),
        ServiceRecord.objects.order_by("date", "hours", "content").values_list("date", "hours"),
        Problem.objects.order_by("org__code", "title", "round_no").values_list(
            "org__code", "title", "state", "rating"),
        # (the demo bureau's appeals found on community service are registered "now")
        LedgerEvent.objects.exclude(note__startswith="由社区服务记录登记").order_by(
            "at", "action", "note").values_list("action", "at", "note"),
    ]:
        digest.update(repr(list(qs)).encode())
    return counts, digest.hexdigest()


def load_and_fingerprint(seed):
    with transaction.atomic():
        load(seed, organs=2)
        found = fingerprint()
        transaction.set_rollback(True)
    return found


def test_the_same_seed_gives_the_same_county(db):
    first, again, other = (load_and_fingerprint(5), load_and_fingerprint(5),
                           load_and_fingerprint(6))
    assert first == again
    assert first[1] != other[1]


# --- the bulk player writes what ``play`` writes

FIELDS = ["state", "owner_id", "owner_unit_id", "assigned_on", "deadline",
          "deadline_provisional", "accepted_at", "submitted_at", "closed_at", "result",
          "closed_on_time", "days_to_close", "ext_deadline", "ext_reason", "last_action",
          "return_count", "reopen_count", "version"]


def _timeline(item):
    return [(e.action, e.from_state, e.to_state, e.actor_id, e.actor_name, e.at, e.note, e.data)
            for e in LedgerEvent.objects.filter(
                content_type=ContentType.objects.get_for_model(type(item)),
                object_id=item.pk).order_by("at", "id")]


@pytest.mark.parametrize("fate", ["registered", "assigned", "in_progress", "extended",
                                  "submitted", "returned", "closed", "closed_late",
                                  "returned_closed"])
def test_bulk_player_gives_the_fields_and_events_of_play(world, fate):
    def appeal():
        return Appeal(org=world.organ, title="图书馆开放时间", words="几点开门？",
                      category="complaint", source="listen",
                      registered_on=dt.date(2025, 3, 3))

    keeper, owner = world.users["admin"], world.head_person
    by_engine = play(appeal(), fate, world=SimpleNamespace(rng=random.Random(3)),
                     keeper=keeper, owner=owner)
    player = BulkPlayer(Appeal)
    in_bulk = player.play(appeal(), fate, rng=random.Random(3), keeper=keeper, owner=owner)
    player.flush()
    by_engine.refresh_from_db()
    in_bulk.refresh_from_db()
    assert in_bulk.pk != by_engine.pk
    assert [getattr(in_bulk, f) for f in FIELDS] == [getattr(by_engine, f) for f in FIELDS]
    assert _timeline(in_bulk) == _timeline(by_engine)
    assert len(_timeline(in_bulk)) >= 1
