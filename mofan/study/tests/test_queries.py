"""Pages do a fixed number of queries whatever the number of rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.study.models import (
    AgendaItem,
    Attendance,
    Meeting,
    RedBase,
    RedService,
    StudyPlan,
    StudySession,
)

from . import factories as f

URLS = {
    "admin": ["/study/sessions/?year=2025", "/study/plans/", "/study/meetings/",
              "/study/services/", "/study/bases/", "/study/?year=2025",
              "/study/?year=2025&export=xlsx", "/study/sessions/?year=2025&export=xlsx",
              "/study/ledger.docx?year=2025"],
    "committee": ["/study/sessions/?year=2025", "/study/?year=2025"],
    # The member is the recorder of every session: his list holds them all.
    "member": ["/study/sessions/?year=2025", "/study/my/?month=2025-03"],
}


def _fill(world, n, start=0):
    """n sessions (with rolls), plans, meetings (with agendas), bases and services."""
    lg = f.leading_group(world)
    people = [world.head_person, world.member_person]
    sessions = StudySession.objects.bulk_create([
        StudySession(kind="branch", party_org=world.branch, org=world.organ,
                     date=dt.date(2025, 1 + i % 12, 1 + i % 28), theme=f"学习{i}",
                     host=world.head_person, recorder=world.member_person)
        for i in range(n)])
    Attendance.objects.bulk_create([Attendance(session=s, org=world.organ, person=p)
                                    for s in sessions for p in people])
    meetings = Meeting.objects.bulk_create([
        Meeting(party_org=lg, org=world.organ, title=f"会议{i}", date=dt.date(2025, 1 + i % 12, 2))
        for i in range(n)])
    AgendaItem.objects.bulk_create([AgendaItem(meeting=m, order=o, title="议题", is_study=o == 1)
                                    for m in meetings for o in (1, 2)])
    StudyPlan.objects.bulk_create([
        StudyPlan(party_org=world.branch, org=world.organ,
                  month=dt.date(2025 - i // 12, 1 + i % 12, 1), theme=f"主题{i}")
        for i in range(start, start + n)])
    bases = RedBase.objects.bulk_create([RedBase(org=world.unit, name=f"基地{i}", kind="other")
                                         for i in range(n)])
    RedService.objects.bulk_create([
        RedService(base=b, org=world.unit, date=dt.date(2025, 5, 1), group="students", people=9)
        for b in bases])


def _counts(world, username):
    client = world.client(username)
    counts = {}
    for url in URLS[username]:
        with CaptureQueriesContext(connection) as q:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(q)
    return counts


@pytest.mark.parametrize("username", ["admin", "committee", "member"])
def test_study_pages_do_the_same_number_of_queries_for_10_and_200_rows(world, username):
    _fill(world, 10)
    small = _counts(world, username)
    _fill(world, 190, start=10)
    assert StudySession.objects.count() == 200
    large = _counts(world, username)
    assert small == large
    print(username, large)  # figures for the report (pytest -s)


def test_the_session_page_does_the_same_number_of_queries_for_a_small_and_a_large_roll(world):
    client = world.client("admin")
    small = f.session(world)
    large = f.session(world)
    for i in range(40):
        p = f.branch_member(world, world.branch, name=f"党员{i}")
        Attendance.objects.create(session=large, person=p)
    counts = []
    for s in (small, large):
        for url in (f"/study/sessions/{s.pk}/", f"/study/sessions/{s.pk}/roll/"):
            with CaptureQueriesContext(connection) as q:
                assert client.get(url).status_code == 200
            counts.append(len(q))
    assert counts[:2] == counts[2:]
