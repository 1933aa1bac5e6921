import datetime as dt
import io
import random
import re
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from mofan.accounts.models import User
from mofan.core.demo import World
from mofan.core.indicators import REGISTRY, Period
from mofan.study import demo as study_demo
from mofan.study.exports import KEYS, ledger_docx
from mofan.study.models import StudyPlan
from mofan.study.services import compliance_grid

from . import factories as f

YEAR = 2022
PERIOD = Period.year(YEAR)


@pytest.fixture
def demo(db):
    from mofan.accounts import demo as accounts_demo
    from mofan.orgs import demo as orgs_demo

    w = World(rng=random.Random(2022), year=YEAR, scale="organ")
    for step in (orgs_demo, accounts_demo, study_demo):
        step.load(w)
    User.objects.update(must_change_password=False, password_changed_at=dt.datetime.now(dt.UTC))
    return w


def _client(username):
    from django.test import Client

    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def _listed(client, url):
    page = client.get(url).content.decode()
    return int(re.search(r"共 (\d+) 条", page)[1])


def test_every_study_indicator_is_registered():
    assert set(KEYS) == {k for k in REGISTRY if k.startswith("study.")}


def test_the_demo_indicators_equal_what_the_session_lists_show(demo):
    organ = demo.data["main"]["organ"]
    client = _client("wgxlj_admin")
    values = {k: REGISTRY[k].value(organ.pk, PERIOD) for k in KEYS}
    for key, kind in [("study.central_group_sessions", "central_group"),
                      ("study.branch_sessions", "branch"), ("study.party_lectures", "lecture"),
                      ("study.theme_days", "theme_day"), ("study.seminars", "seminar")]:
        assert values[key] == _listed(client, f"/study/sessions/?year={YEAR}&kind={kind}"), key
    assert values["study.red_education_sessions"] == _listed(client,
                                                             f"/study/services/?year={YEAR}")
    first_topic_listed = _listed(client, f"/study/sessions/?year={YEAR}&kind=first_topic")
    assert values["study.first_topic_sessions"] == first_topic_listed - 2  # two late study items
    assert values["study.months_with_plan"] == 10  # July missing, November a draft
    assert 90 < values["study.attendance_rate"] < 100


def test_the_demo_grid_and_the_word_ledger_agree_with_the_indicators(demo):
    organ = demo.data["main"]["organ"]
    values = {k: REGISTRY[k].value(organ.pk, PERIOD) for k in KEYS}
    grid = compliance_grid(organ, YEAR, dt.date(YEAR, 12, 31))
    branches = [r for r in grid.rows if not r.is_central_group]
    assert sum(r.theme_days for r in branches) == values["study.theme_days"]
    assert grid.coverage_rate == values["study.first_topic_coverage_rate"]
    marked = sum(c.marked for r in grid.rows for c in r.cells)
    attended = sum(c.attended for r in grid.rows for c in r.cells)
    assert round(100.0 * attended / marked, 1) == values["study.attendance_rate"]
    gaps = {(r.party_org.name, c.month, g) for r in grid.rows for c in r.cells for g in c.gaps}
    assert gaps == {("机关第二党支部", 2, "无主题党日"), ("机关第二党支部", 11, "计划未报送"),
                    ("文化事业单位党支部", 7, "无计划")}
    xml = zipfile.ZipFile(io.BytesIO(ledger_docx(organ, YEAR))).read("word/document.xml")
    text = "".join(etree.fromstring(xml).itertext())
    assert f"其中以第一议题开篇{values['study.first_topic_sessions']}次" in text
    assert f"主题党日{values['study.theme_days']}次" in text
    assert f"{values['study.red_education_people']}人次" in text


def test_the_indicators_command_prints_every_study_key(demo, capsys):
    call_command("indicators", "--org", "wgxlj", "--year", str(YEAR), "--prefix", "study.")
    out = capsys.readouterr().out
    for key in KEYS:
        assert f"[{key}]" in out


@pytest.mark.parametrize("key", KEYS)
def test_each_indicator_answers_many_organs_in_one_query_plus_one_for_unused_modules(world, key):
    # The second query only tells "never used the module" (no data) from zero.
    f.session(world)
    f.first_topic(world)
    f.red_service(world)
    f.plan(world)
    with CaptureQueriesContext(connection) as q:
        REGISTRY[key].values([world.organ.pk, world.other.pk], Period.year(2025))
    assert len(q) <= 2


def test_months_with_plan_needs_every_branch_of_the_organ(world):
    from mofan.orgs.models import PartyOrg

    second = PartyOrg.objects.create(org=world.organ, name="机关第二党支部", kind="branch")
    f.plan(world, month=dt.date(2025, 3, 1))
    f.plan(world, month=dt.date(2025, 4, 1))
    f.plan(world, party_org=second, month=dt.date(2025, 3, 1))
    f.plan(world, party_org=second, month=dt.date(2025, 4, 1), status=StudyPlan.DRAFT)
    f.plan(world, party_org=world.other.partyorg_set.get(), month=dt.date(2025, 5, 1))
    values = REGISTRY["study.months_with_plan"].values([world.organ.pk, world.other.pk],
                                                       Period.year(2025))
    assert values == {world.organ.pk: 1, world.other.pk: 1}


def test_red_education_people_sums_the_services_of_the_year(world):
    f.red_service(world, people=40)
    f.red_service(world, people=25)
    f.red_service(world, people=99, date=dt.date(2024, 12, 31))
    assert REGISTRY["study.red_education_people"].value(world.organ.pk, Period.year(2025)) == 65


def test_indicator_sources_are_the_rows_behind_the_value(world):
    f.session(world, kind="theme_day", theme_day_form="watch")
    f.session(world)
    ind = REGISTRY["study.theme_days"]
    assert ind.sources(world.organ, Period.year(2025)).count() == ind.value(
        world.organ.pk, Period.year(2025)) == 1


def test_the_attendance_rate_leaves_rolls_not_yet_taken_out(world):
    f.session(world, taken=True)
    f.session(world, date=dt.date(2025, 4, 2))  # everyone still 未点名
    values = REGISTRY["study.attendance_rate"].values([world.organ.pk], Period.year(2025))
    assert values == {world.organ.pk: 100.0}


def test_an_organ_whose_rolls_are_all_untaken_has_no_attendance_rate(world):
    f.session(world)
    assert REGISTRY["study.attendance_rate"].value(world.organ.pk, Period.year(2025)) is None
