"""Small builders of study records in the test world (conftest ``world``)."""

import datetime as dt

from mofan.orgs.models import PartyOrg, Person
from mofan.study.models import (
    AgendaItem,
    Attendance,
    Meeting,
    RedBase,
    RedService,
    SessionFile,
    StudyPlan,
    StudySession,
)
from mofan.study.services import build_roll

DAY = dt.date(2025, 3, 12)


def leading_group(w, org=None):
    org = org or w.organ
    po, created = PartyOrg.objects.get_or_create(org=org, kind="leading_group",
                                                 defaults={"name": f"{org.name}党组"})
    if created and org == w.organ:
        po.members.add(w.head_person)
    return po


def meeting(w, *, study_first=True, date=DAY, org=None):
    lg = leading_group(w, org)
    m = Meeting.objects.create(party_org=lg, title=f"党组会议 {date}", date=date)
    items = [("传达学习习近平总书记最新重要讲话精神", True), ("研究文旅项目建设", False)]
    if not study_first:
        items.reverse()
    AgendaItem.objects.bulk_create([AgendaItem(meeting=m, order=i, title=t, is_study=s)
                                    for i, (t, s) in enumerate(items, 1)])
    return m


def session(w, *, kind=StudySession.BRANCH, party_org=None, date=DAY, recorder=None,
            roll=True, taken=False, **extra):
    """A session with its roll (未点名, as a new session has it; ``taken``: everyone 出席)."""
    po = party_org or w.branch
    extra.setdefault("theme", "全面从严治党")
    s = StudySession.objects.create(kind=kind, party_org=po, date=date, recorder=recorder,
                                    **extra)
    if roll:
        build_roll(s)
    if taken:
        s.roll.update(status=Attendance.PRESENT)
    return s


def first_topic(w, *, study_first=True, date=DAY):
    m = meeting(w, study_first=study_first, date=date)
    return session(w, kind=StudySession.FIRST_TOPIC, party_org=m.party_org, meeting=m, date=date)


def plan(w, *, party_org=None, month=DAY, status=StudyPlan.FILED):
    return StudyPlan.objects.create(party_org=party_org or w.branch, month=month,
                                    theme="学习领悟“两个确立”的决定性意义", status=status)


def red_base(w):
    return RedBase.objects.create(org=w.unit, name="“示例事件”史迹陈列馆", kind="exhibition")


def red_service(w, people=40, date=DAY):
    base = RedBase.objects.filter(org=w.unit).first() or red_base(w)
    return RedService.objects.create(base=base, date=date, group="students", people=people)


def session_file(w):
    s = StudySession.objects.filter(org=w.organ).first() or session(w)
    return SessionFile.objects.create(session=s, file="study/test.png", original_name="合影.png",
                                      size=10, content_type="image/png")


def branch_member(w, branch, name="新党员", **extra):
    return Person.objects.create(name=name, gender="M", org=w.section, political_status="cpc",
                                 branch=branch, **extra)


def _first(model, w, make):
    return model.objects.filter(org__path__startswith=w.organ.path).first() or make(w)


# Objects of the first organ for every study URL with an id (see core test_outsiders).
OBJECT_FOR = {
    **{f"study:studyplan_{s}": (lambda w: _first(StudyPlan, w, plan))
       for s in ("detail", "edit", "delete")},
    **{f"study:studysession_{s}": (lambda w: _first(StudySession, w, session))
       for s in ("detail", "edit", "delete")},
    **{f"study:meeting_{s}": (lambda w: _first(Meeting, w, meeting))
       for s in ("detail", "edit", "delete")},
    **{f"study:redbase_{s}": (lambda w: _first(RedBase, w, red_base))
       for s in ("detail", "edit", "delete")},
    **{f"study:redservice_{s}": (lambda w: _first(RedService, w, red_service))
       for s in ("detail", "edit", "delete")},
    "study:plan_copy": lambda w: _first(StudyPlan, w, plan),
    "study:plan_file": lambda w: _first(StudyPlan, w, plan),
    "study:roll": lambda w: _first(StudySession, w, session),
    "study:roll_build": lambda w: _first(StudySession, w, session),
    "study:file_upload": lambda w: _first(StudySession, w, session),
    "study:file_download": lambda w: _first(SessionFile, w, session_file),
    "study:file_delete": lambda w: _first(SessionFile, w, session_file),
    "study:meeting_agenda": lambda w: _first(Meeting, w, meeting),
    "study:meeting_first_topic": lambda w: _first(Meeting, w, meeting),
}
