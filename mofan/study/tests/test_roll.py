import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mofan.audit.models import AuditLog
from mofan.orgs.models import PartyOrg
from mofan.study.models import Attendance, StudySession
from mofan.study.services import RollEntry, attendance_totals, build_roll, set_roll

from . import factories as f


def _roll_post(session, present=(), absent=None, makeup=None):
    """The phone page's form: ``present`` person ids, ``absent`` {person id: (kind, text)};
    everyone else left 未点名."""
    data = {}
    absent = absent or {}
    for a in session.roll.all():
        if a.person_id in present:
            data[f"status_{a.pk}"] = "present"
        elif a.person_id in absent:
            data[f"status_{a.pk}"] = "absent"
            data[f"absence_{a.pk}"], data[f"reason_{a.pk}"] = absent[a.person_id]
        else:
            data[f"status_{a.pk}"] = "untaken"
        data[f"makeup_{a.pk}"] = (makeup or {}).get(a.person_id, "")
    return data


def test_a_new_session_puts_every_branch_member_on_the_roll_as_not_yet_taken(world):
    s = f.session(world)
    people = set(s.roll.values_list("person__name", "status"))
    assert people == {("王股长", "untaken"), ("李干部", "untaken")}


def test_a_roll_nobody_has_taken_has_no_attendance_rate(world):
    s = f.session(world)
    assert attendance_totals(s.roll.all()) == {"on_roll": 2, "marked": 0, "attended": 0,
                                               "untaken": 2, "rate": None}


def test_people_not_yet_marked_count_in_neither_term_of_the_rate(world):
    f.branch_member(world, world.branch, name="张三")
    s = f.session(world)
    set_roll(s, [RollEntry(world.head_person.pk, "present"),
                 RollEntry(world.member_person.pk, "absent", absence="leave", reason="病假")],
             actor=world.users["admin"])
    assert attendance_totals(s.roll.all()) == {"on_roll": 3, "marked": 2, "attended": 1,
                                               "untaken": 1, "rate": 50.0}


def test_people_who_left_before_the_session_are_not_expected(world):
    f.branch_member(world, world.branch, name="已调离", left_on=dt.date(2025, 1, 31))
    f.branch_member(world, world.branch, name="后入职", joined_on=dt.date(2025, 6, 1))
    s = f.session(world)
    assert sorted(s.roll.values_list("person__name", flat=True)) == ["李干部", "王股长"]


def test_building_the_roll_twice_adds_nobody_twice(world):
    s = f.session(world)
    assert build_roll(s) == 0
    assert s.roll.count() == 2


def test_attendance_rate_counts_present_and_makeup_over_everyone_expected(world):
    third = f.branch_member(world, world.branch, name="张三")
    s = f.session(world)
    set_roll(s, [
        RollEntry(world.head_person.pk, "present"),
        RollEntry(world.member_person.pk, "absent", absence="duty", reason="出差",
                  makeup_on=dt.date(2025, 3, 20)),
        RollEntry(third.pk, "absent", absence="leave", reason="病假"),
    ], actor=world.users["admin"])
    totals = attendance_totals(s.roll.all())
    assert (totals["marked"], totals["attended"], totals["rate"]) == (3, 2, 66.7)


def test_an_absence_without_a_reason_is_refused_and_nothing_is_saved(world):
    s = f.session(world)
    with pytest.raises(ValidationError) as exc:
        set_roll(s, [RollEntry(world.head_person.pk, "present"),
                     RollEntry(world.member_person.pk, "absent")], actor=world.users["admin"])
    assert exc.value.messages == ["李干部：缺席须选择原因：请假、公差或其他"]
    assert set(s.roll.values_list("status", flat=True)) == {"untaken"}


def test_an_absence_for_another_reason_must_say_what_it_was(world):
    s = f.session(world)
    with pytest.raises(ValidationError) as exc:
        set_roll(s, [RollEntry(world.member_person.pk, "absent", absence="other", reason=" ")],
                 actor=world.users["admin"])
    assert exc.value.messages == ["李干部：缺席原因为“其他”时须填写说明"]
    set_roll(s, [RollEntry(world.member_person.pk, "absent", absence="other",
                           reason="家中老人住院")], actor=world.users["admin"])
    assert s.roll.get(person=world.member_person).absence_label == "其他：家中老人住院"


def test_leave_and_official_duty_need_no_further_words(world):
    s = f.session(world)
    set_roll(s, [RollEntry(world.head_person.pk, "absent", absence="leave"),
                 RollEntry(world.member_person.pk, "absent", absence="duty")],
             actor=world.users["admin"])
    assert sorted(a.absence_label for a in s.roll.all()) == ["公差", "请假"]


def test_the_database_refuses_an_absence_without_its_kind(world):
    from django.db import IntegrityError, transaction

    s = f.session(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        s.roll.filter(person=world.member_person).update(status=Attendance.ABSENT)


def test_marking_someone_back_to_not_taken_clears_the_absence(world):
    s = f.session(world)
    admin = world.users["admin"]
    set_roll(s, [RollEntry(world.member_person.pk, "absent", absence="duty", reason="出差",
                           makeup_on=dt.date(2025, 3, 20))], actor=admin)
    set_roll(s, [RollEntry(world.member_person.pk, "untaken", absence="duty", reason="出差")],
             actor=admin)
    a = s.roll.get(person=world.member_person)
    assert (a.status, a.absence, a.reason, a.makeup_on) == ("untaken", "", "", None)


def test_an_unknown_status_is_refused(world):
    s = f.session(world)
    with pytest.raises(ValidationError):
        set_roll(s, [RollEntry(world.member_person.pk, "late")], actor=world.users["admin"])


def test_a_makeup_date_before_the_session_is_refused(world):
    s = f.session(world)
    with pytest.raises(ValidationError):
        set_roll(s, [RollEntry(world.member_person.pk, "absent", absence="leave",
                               makeup_on=dt.date(2025, 3, 1))], actor=world.users["admin"])
    assert s.roll.filter(status=Attendance.ABSENT).count() == 0


def test_someone_not_on_the_roll_cannot_be_ticked(world):
    s = f.session(world)
    with pytest.raises(ValidationError):
        set_roll(s, [RollEntry(world.outsider_person.pk, "present")],
                 actor=world.users["admin"])


def test_the_recorder_ticks_the_roll_on_the_phone_page(world):
    s = f.session(world, recorder=world.member_person)
    client = world.client("member")
    page = client.get(f"/study/sessions/{s.pk}/roll/")
    assert page.status_code == 200
    assert 'name="viewport"' in page.content.decode()
    data = _roll_post(s, present={world.member_person.pk},
                      absent={world.head_person.pk: ("duty", "下乡督导")})
    response = client.post(f"/study/sessions/{s.pk}/roll/", data)
    assert response.status_code == 302
    absent = s.roll.get(person=world.head_person)
    assert (absent.status, absent.absence, absent.reason) == ("absent", "duty", "下乡督导")
    assert AuditLog.objects.filter(object_type="study.studysession", action="update").exists()


def test_the_phone_page_refuses_an_absence_without_a_reason_and_keeps_what_was_marked(world):
    s = f.session(world, recorder=world.member_person)
    data = _roll_post(s, present={world.member_person.pk},
                      absent={world.head_person.pk: ("", "")})
    response = world.client("member").post(f"/study/sessions/{s.pk}/roll/", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "王股长：缺席须选择原因：请假、公差或其他" in page
    mine = s.roll.get(person=world.member_person)
    assert f'id="status_{mine.pk}_present" value="present" autocomplete="off" checked' in page
    assert set(s.roll.values_list("status", flat=True)) == {"untaken"}


def test_the_rest_present_button_marks_only_those_not_yet_marked(world):
    s = f.session(world, recorder=world.member_person)
    data = _roll_post(s, absent={world.head_person.pk: ("leave", "病假")})
    data["rest_present"] = "1"
    assert world.client("member").post(f"/study/sessions/{s.pk}/roll/", data).status_code == 302
    assert dict(s.roll.values_list("person__name", "status")) == {"王股长": "absent",
                                                                  "李干部": "present"}


def test_the_roll_pages_show_not_taken_and_no_rate_before_anyone_is_marked(world):
    s = f.session(world)
    client = world.client("admin")
    for url in (f"/study/sessions/{s.pk}/", f"/study/sessions/{s.pk}/roll/"):
        page = client.get(url).content.decode()
        assert "尚未点名，出勤率 —" in page, url
        assert "100.0%" not in page, url
    listed = client.get("/study/sessions/").content.decode()
    assert "未点名" in listed


def test_a_bad_makeup_date_on_the_phone_page_is_shown_and_nothing_saved(world):
    s = f.session(world, recorder=world.member_person)
    data = _roll_post(s, absent={world.head_person.pk: ("leave", "")},
                      makeup={world.head_person.pk: "2025-02-30"})
    response = world.client("member").post(f"/study/sessions/{s.pk}/roll/", data)
    assert response.status_code == 422
    assert "补学日期" in response.content.decode()
    assert s.roll.filter(status="absent").count() == 0


def test_a_member_cannot_edit_another_branchs_roll(world):
    other_branch = PartyOrg.objects.create(org=world.organ, name="机关第二党支部", kind="branch")
    f.branch_member(world, other_branch, name="二支部党员")
    s = f.session(world, party_org=other_branch)
    client = world.client("member")
    data = _roll_post(s, present={p.pk for p in other_branch.branch_members.all()})
    assert client.get(f"/study/sessions/{s.pk}/roll/").status_code == 404
    assert client.post(f"/study/sessions/{s.pk}/roll/", data).status_code == 404
    assert s.roll.filter(status="untaken").count() == 1


def test_a_member_who_is_not_the_recorder_cannot_edit_the_roll(world):
    s = f.session(world)
    assert not s.can_edit(world.users["member"])
    with pytest.raises(PermissionDenied):
        set_roll(s, [], actor=world.users["member"])


def test_a_section_head_cannot_reach_a_branch_roll_of_the_organ(world):
    s = f.session(world)
    assert world.client("head").post(f"/study/sessions/{s.pk}/roll/", {}).status_code == 404


def test_creating_a_session_through_the_form_builds_its_roll(world):
    response = world.client("admin").post("/study/sessions/new/", {
        "kind": StudySession.BRANCH, "party_org": world.branch.pk, "date": "2025-04-02",
        "theme": "八扬八治作风建设", "place": "会议室",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    s = StudySession.objects.get(theme="八扬八治作风建设")
    assert s.org == world.organ
    assert s.roll.count() == 2


def test_a_theme_day_needs_its_form_and_a_lecture_its_speaker(world):
    response = world.client("admin").post("/study/sessions/new/", {
        "kind": StudySession.THEME_DAY, "party_org": world.branch.pk, "date": "2025-04-02",
        "theme": "共看红色影视",
    })
    assert response.status_code == 422
    response = world.client("admin").post("/study/sessions/new/", {
        "kind": StudySession.LECTURE, "party_org": world.branch.pk, "date": "2025-04-02",
        "theme": "专题党课", "leader_lecture": "on",
    })
    assert response.status_code == 422
    assert not StudySession.objects.exists()


def test_my_study_shows_the_branch_plan_and_only_my_own_attendance(world):
    f.plan(world, month=dt.date(2025, 3, 1))
    s = f.session(world)
    set_roll(s, [RollEntry(world.head_person.pk, "absent", absence="duty", reason="出差"),
                 RollEntry(world.member_person.pk, "present")], actor=world.users["admin"])
    page = world.client("member").get("/study/my/?month=2025-03").content.decode()
    assert "学习领悟“两个确立”的决定性意义" in page
    assert "出勤率 100.0%" in page
    assert "出差" not in page  # the head's absence is not the member's business


def test_session_files_are_checked_and_stored_under_a_generated_name(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    s = f.session(world)
    client = world.client("admin")
    png = SimpleUploadedFile("支部合影.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")
    client.post(f"/study/sessions/{s.pk}/files/", {"file": png})
    stored = s.files.get()
    assert stored.original_name == "支部合影.png"
    assert "支部合影" not in stored.file.name and stored.file.name.endswith(".png")
    fake = SimpleUploadedFile("假照片.jpg", b"MZ\x90\x00 not a jpeg", "image/jpeg")
    client.post(f"/study/sessions/{s.pk}/files/", {"file": fake})
    script = SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")
    client.post(f"/study/sessions/{s.pk}/files/", {"file": script})
    assert s.files.count() == 1
    download = client.get(f"/study/files/{stored.pk}/")
    assert download.status_code == 200
    assert world.client("outsider").get(f"/study/files/{stored.pk}/").status_code == 404


def test_my_study_links_the_recorder_to_the_rolls_he_keeps_this_month(world):
    s = f.session(world, recorder=world.member_person)
    page = world.client("member").get("/study/my/?month=2025-03").content.decode()
    assert f"/study/sessions/{s.pk}/roll/" in page
    assert f"/study/sessions/{s.pk}/roll/" not in world.client("member").get(
        "/study/my/?month=2025-04").content.decode()


def test_my_study_says_so_when_the_account_has_no_person(world):
    response = world.client("admin").get("/study/my/")
    assert response.status_code == 200
    assert "没有对应的人员信息" in response.content.decode()


def test_the_session_list_shows_a_partly_taken_roll_with_how_many_are_left(world):
    s = f.session(world)
    set_roll(s, [RollEntry(world.head_person.pk, "present")], actor=world.users["admin"])
    f.session(world, roll=False, theme="导入的往年活动")
    page = world.client("admin").get("/study/sessions/").content.decode()
    assert "1/1（另1人未点名）" in page
    assert "无名单" in page


def test_deleting_an_attachment_asks_first_on_a_page_and_deletes_only_on_post(world):
    from mofan.study.models import SessionFile
    from mofan.study.tests.factories import session_file

    f = session_file(world)
    client = world.client("admin")
    page = client.get(f"/study/files/{f.pk}/delete/")
    assert page.status_code == 200 and "确认删除" in page.content.decode()
    assert world.client("outsider").get(f"/study/files/{f.pk}/delete/").status_code == 404
    assert SessionFile.objects.filter(pk=f.pk).exists()
    client.post(f"/study/files/{f.pk}/delete/")
    assert not SessionFile.objects.filter(pk=f.pk).exists()
