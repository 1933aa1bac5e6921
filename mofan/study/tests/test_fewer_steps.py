"""Routine work in fewer steps: a 党组会议's study item becomes its 第一议题 record in one
step; a session's roll can be taken as "all present" on the form that creates it."""

from mofan.audit.models import AuditLog
from mofan.study.models import Attendance, StudySession
from mofan.study.tests import factories as study


def first_topic_url(meeting):
    return f"/study/meetings/{meeting.pk}/first-topic/"


def test_the_meeting_page_offers_the_one_step_first_topic(world):
    meeting = study.meeting(world)
    page = world.client("admin").get(f"/study/meetings/{meeting.pk}/").content.decode()
    assert first_topic_url(meeting) in page and "登记第一议题" in page
    assert first_topic_url(meeting) not in world.client("member").get(
        f"/study/meetings/{meeting.pk}/").content.decode()


def test_one_step_carries_the_meeting_over_and_everyone_present(world):
    meeting = study.meeting(world)
    meeting.place, meeting.host = "三楼会议室", world.head_person
    meeting.save()
    response = world.client("admin").post(first_topic_url(meeting), {"all_present": "on"})
    session = StudySession.objects.get(meeting=meeting)
    assert response.status_code == 302 and response.url == f"/study/sessions/{session.pk}/"
    assert session.kind == StudySession.FIRST_TOPIC and session.party_org == meeting.party_org
    assert (session.date, session.place, session.host) == (meeting.date, "三楼会议室",
                                                           world.head_person)
    assert session.theme == "传达学习习近平总书记最新重要讲话精神"
    roll = list(session.roll.values_list("person__name", "status"))
    assert roll == [("王股长", Attendance.PRESENT)]
    assert StudySession.objects.counted_first_topic().filter(pk=session.pk).exists()
    assert AuditLog.objects.filter(action="create", object_type="study.studysession",
                                   object_id=str(session.pk)).exists()


def test_without_all_present_the_roll_waits_untaken(world):
    meeting = study.meeting(world)
    world.client("admin").post(first_topic_url(meeting))
    session = StudySession.objects.get(meeting=meeting)
    assert list(session.roll.values_list("status", flat=True)) == [Attendance.UNTAKEN]


def test_second_step_or_no_study_item_is_refused_with_a_message(world):
    meeting = study.meeting(world)
    client = world.client("admin")
    client.post(first_topic_url(meeting))
    page = client.post(first_topic_url(meeting), follow=True).content.decode()
    assert "本次会议已有第一议题记录" in page
    assert StudySession.objects.filter(meeting=meeting).count() == 1
    bare = study.meeting(world, date=study.DAY.replace(day=20))
    bare.agenda.update(is_study=False)
    page = client.post(first_topic_url(bare), follow=True).content.decode()
    assert "请先在议程中标出学习议题" in page
    assert not StudySession.objects.filter(meeting=bare).exists()


def test_outsider_and_member_cannot_record_the_first_topic(world):
    meeting = study.meeting(world)
    assert world.client("outsider").post(first_topic_url(meeting)).status_code == 404
    assert world.client("member").post(first_topic_url(meeting)).status_code in (403, 404)
    assert not StudySession.objects.filter(meeting=meeting).exists()


def test_a_central_group_session_is_created_with_everyone_present(world):
    lg = study.leading_group(world)
    client = world.client("admin")
    form = client.get("/study/sessions/new/", {"kind": "central_group"}).content.decode()
    assert 'value="central_group" selected' in form and 'name="all_present"' in form
    assert "新增中心组学习" in client.get("/study/sessions/").content.decode()
    response = client.post("/study/sessions/new/", {
        "kind": "central_group", "party_org": lg.pk, "date": "2025-03-20",
        "theme": "党的二十届三中全会精神", "all_present": "on"})
    assert response.status_code == 302
    session = StudySession.objects.get(theme="党的二十届三中全会精神")
    assert list(session.roll.values_list("status", flat=True)) == [Attendance.PRESENT]
    client.post("/study/sessions/new/", {
        "kind": "central_group", "party_org": lg.pk, "date": "2025-03-21", "theme": "未点名"})
    later = StudySession.objects.get(theme="未点名")
    assert list(later.roll.values_list("status", flat=True)) == [Attendance.UNTAKEN]


MEETING = {"title": "2025年第3次党组会议", "date": "2025-03-12",
           "agenda_items": "传达学习习近平总书记重要讲话精神\n研究文旅项目建设",
           "study_position": 1}


def test_a_new_meeting_with_its_agenda_becomes_its_first_topic_on_one_form(world):
    lg = study.leading_group(world)
    response = world.client("admin").post("/study/meetings/new/", {
        **MEETING, "party_org": lg.pk, "first_topic": "on", "all_present": "on"})
    assert response.status_code == 302
    from mofan.study.models import Meeting

    meeting = Meeting.objects.get(title="2025年第3次党组会议")
    assert list(meeting.agenda.values_list("title", "is_study")) == [
        ("传达学习习近平总书记重要讲话精神", True), ("研究文旅项目建设", False)]
    session = StudySession.objects.counted_first_topic().get(meeting=meeting)
    assert list(session.roll.values_list("status", flat=True)) == [Attendance.PRESENT]


def test_a_refused_first_topic_keeps_nothing_of_the_meeting(world):
    from mofan.study.models import Meeting

    lg = study.leading_group(world)
    response = world.client("admin").post("/study/meetings/new/", {
        **MEETING, "agenda_items": "", "party_org": lg.pk, "first_topic": "on"})
    assert response.status_code == 422 and "登记第一议题须填写会议议题" in response.content.decode()
    response = world.client("admin").post("/study/meetings/new/", {
        **MEETING, "study_position": 5, "party_org": lg.pk, "first_topic": "on"})
    assert response.status_code == 422
    assert not Meeting.objects.filter(title="2025年第3次党组会议").exists()
    assert not StudySession.objects.exists()


def test_the_central_group_form_opens_on_the_organs_party_group(world):
    lg = study.leading_group(world)
    form = world.client("admin").get("/study/sessions/new/", {"kind": "central_group"})
    assert f'<option value="{lg.pk}" selected>' in form.content.decode()
