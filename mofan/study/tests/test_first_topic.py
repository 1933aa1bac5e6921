import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from mofan.core.indicators import REGISTRY, Period
from mofan.study.models import StudySession
from mofan.study.services import set_agenda

from . import factories as f

YEAR = Period.year(2025)


def value(key, world):
    return REGISTRY[key].value(world.organ.pk, YEAR)


def test_a_meeting_that_opens_with_study_counts_as_first_topic(world):
    f.first_topic(world, study_first=True)
    assert value("study.first_topic_sessions", world) == 1


def test_a_meeting_whose_first_item_is_not_study_does_not_count_as_first_topic(world):
    s = f.first_topic(world, study_first=False)
    assert value("study.first_topic_sessions", world) == 0
    assert not s.meeting.opens_with_study
    listed = world.client("admin").get("/study/sessions/?year=2025").content.decode()
    assert "不计入（学习非首项）" in listed


def test_coverage_rate_is_the_share_of_meetings_that_opened_with_study(world):
    f.first_topic(world, study_first=True, date=dt.date(2025, 3, 1))
    f.first_topic(world, study_first=True, date=dt.date(2025, 4, 1))
    f.first_topic(world, study_first=False, date=dt.date(2025, 5, 1))
    f.meeting(world, study_first=False, date=dt.date(2025, 6, 1))
    assert value("study.first_topic_coverage_rate", world) == 50.0
    assert value("study.first_topic_sessions", world) == 2


def test_a_meeting_without_agenda_does_not_count(world):
    from mofan.study.models import Meeting

    lg = f.leading_group(world)
    Meeting.objects.create(party_org=lg, title="无议程会议", date=dt.date(2025, 3, 3))
    assert value("study.first_topic_coverage_rate", world) == 0.0


def test_moving_the_study_item_first_makes_the_session_count(world):
    s = f.first_topic(world, study_first=False)
    response = world.client("admin").post(
        f"/study/meetings/{s.meeting_id}/agenda/",
        {"items": "传达学习习近平总书记重要讲话精神\n研究文旅项目建设", "study_position": "1"})
    assert response.status_code == 302
    assert value("study.first_topic_sessions", world) == 1


def test_an_agenda_with_the_study_position_out_of_range_is_refused(world):
    m = f.meeting(world)
    with pytest.raises(ValidationError):
        set_agenda(m, ["一项议题"], 3, actor=world.users["admin"])
    assert m.agenda.count() == 2


def test_a_first_topic_session_needs_a_meeting_of_its_leading_group(world):
    lg = f.leading_group(world)
    s = StudySession(kind=StudySession.FIRST_TOPIC, party_org=lg, date=dt.date(2025, 3, 1),
                     theme="学习")
    with pytest.raises(ValidationError) as exc:
        s.full_clean()
    assert "meeting" in exc.value.message_dict


def test_a_branch_cannot_record_a_first_topic(world):
    m = f.meeting(world)
    s = StudySession(kind=StudySession.FIRST_TOPIC, party_org=world.branch, meeting=m,
                     date=m.date, theme="学习")
    with pytest.raises(ValidationError) as exc:
        s.full_clean()
    assert "party_org" in exc.value.message_dict or "meeting" in exc.value.message_dict
