"""The migration that made a roll start 未点名 keeps the records already kept."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("study", "0001_initial")]
AFTER = [("study", "0002_roll_starts_untaken")]


@pytest.mark.django_db(transaction=True)
def test_old_absences_get_their_kind_from_their_reason_and_old_rolls_stay_as_they_were():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Org, PartyOrg, Person = (old.get_model("orgs", m) for m in ("Org", "PartyOrg", "Person"))
    Session, Attendance = old.get_model("study", "StudySession"), old.get_model("study",
                                                                                 "Attendance")
    organ = Org.objects.create(name="机关", code="jg", kind="organ", path="/1/")
    branch = PartyOrg.objects.create(org=organ, name="支部", kind="branch")
    session = Session.objects.create(kind="branch", party_org=branch, org=organ, theme="学习",
                                     date=dt.date(2025, 3, 1))
    reasons = {"病假": "absent", "下乡督导": "absent", "家里有事": "absent", "": "absent",
               "出席者": "present"}
    for i, (reason, status) in enumerate(reasons.items()):
        person = Person.objects.create(name=f"人{i}", gender="M", org=organ)
        Attendance.objects.create(session=session, org=organ, person=person, status=status,
                                  reason=reason if status == "absent" else "")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("study", "Attendance")
    rows = {a.person.name: (a.status, a.absence, a.reason) for a in new.objects.all()}
    assert rows == {
        "人0": ("absent", "leave", "病假"),
        "人1": ("absent", "duty", "下乡督导"),
        "人2": ("absent", "other", "家里有事"),
        "人3": ("absent", "other", "原记录未填写原因"),
        "人4": ("present", "", ""),
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
