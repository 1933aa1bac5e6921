"""创建活动 kept in the app: the plan (with its file), the 领导小组 and the 责任清单 are
kept by the organ's 单位管理员; the committee reads them; next year starts from this one."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mofan.audit.models import AuditLog
from mofan.core.tests.samples import pdf_bytes
from mofan.orgs.models import Campaign, GroupMember, Person, Responsibility
from mofan.orgs.services import start_next_year

PDF = pdf_bytes()


def _plan(**extra):
    return {"year": 2026, "plan_title": "2026年模范机关创建实施方案", "plan_doc_no": "",
            "plan_issued_on": "2026-03-02", "mobilized_on": "", "approach": "",
            "measures": "", **extra}


def _page(world, who, url):
    return world.client(who).get(url).content.decode()


# --- the plan


def test_the_organ_administrator_starts_a_campaign_of_his_own_organ(world):
    response = world.client("admin").post("/orgs/campaigns/new/", _plan())
    campaign = Campaign.objects.get(year=2026, org=world.organ)
    assert response.status_code == 302 and response.url == f"/orgs/campaigns/{campaign.pk}/"
    assert AuditLog.objects.filter(action="create", object_type="orgs.campaign",
                                   object_id=str(campaign.pk)).exists()


def test_a_second_campaign_of_the_same_year_is_refused_in_chinese(world):
    response = world.client("admin").post("/orgs/campaigns/new/", _plan(year=2025))
    assert response.status_code == 422
    assert "本机关 2025 年的创建活动已存在" in response.content.decode()
    assert Campaign.objects.filter(org=world.organ).count() == 1


def test_the_plan_may_be_started_before_it_is_issued(world):
    world.client("admin").post("/orgs/campaigns/new/", _plan(plan_issued_on=""))
    campaign = Campaign.objects.get(year=2026, org=world.organ)
    assert "尚未印发" in _page(world, "admin", f"/orgs/campaigns/{campaign.pk}/")


def test_editing_the_mobilisation_meeting_date_is_audited_with_before_and_after(world):
    url = f"/orgs/campaigns/{world.campaign.pk}/edit/"
    data = _plan(year=2025, plan_title="测试实施方案", plan_issued_on="2025-03-10",
                 mobilized_on="2025-03-18")
    assert world.client("admin").post(url, data).status_code == 302
    world.campaign.refresh_from_db()
    assert world.campaign.mobilized_on == dt.date(2025, 3, 18)
    row = AuditLog.objects.filter(action="update", object_type="orgs.campaign").latest("id")
    assert row.before["mobilized_on"] is None and row.after["mobilized_on"] == "2025-03-18"


def test_the_plan_file_is_checked_stored_under_a_generated_name_and_downloaded_by_title(
        world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = world.client("admin")
    url = f"/orgs/campaigns/{world.campaign.pk}/edit/"
    data = _plan(year=2025, plan_title="测试实施方案", plan_issued_on="2025-03-10")
    fake = SimpleUploadedFile("方案.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(url, {**data, "plan_file": fake})
    assert response.status_code == 422 and "内容与扩展名不符" in response.content.decode()
    script = SimpleUploadedFile("方案.exe", b"MZ", "application/octet-stream")
    assert client.post(url, {**data, "plan_file": script}).status_code == 422
    world.campaign.refresh_from_db()
    assert not world.campaign.plan_file
    good = SimpleUploadedFile("方案终稿.pdf", PDF, "application/pdf")
    assert client.post(url, {**data, "plan_file": good}).status_code == 302
    world.campaign.refresh_from_db()
    assert "方案终稿" not in world.campaign.plan_file.name
    download = client.get(f"/orgs/campaigns/{world.campaign.pk}/plan-file/")
    assert download.status_code == 200
    assert "filename*=utf-8''%E6%B5%8B%E8%AF%95" in download["Content-Disposition"]
    assert world.client("outsider").get(
        f"/orgs/campaigns/{world.campaign.pk}/plan-file/").status_code == 404


def test_the_committee_reads_the_campaign_with_no_button_to_change_it(world):
    GroupMember.objects.create(campaign=world.campaign, person=world.head_person, role="leader")
    page = _page(world, "committee", f"/orgs/campaigns/{world.campaign.pk}/")
    assert "测试实施方案" in page and "创建日常工作" in page
    for button in ("编辑实施方案", "新增成员", "新增责任", "开始 2026 年度", "/edit/", "/delete/"):
        assert button not in page, button
    assert "/orgs/campaigns/new/" not in _page(world, "committee", "/orgs/campaigns/")


def test_the_committee_is_refused_every_change(world):
    client = world.client("committee")
    pk = world.campaign.pk
    duty = Responsibility.objects.get(campaign=world.campaign)
    assert client.get("/orgs/campaigns/new/").status_code == 403
    assert client.post(f"/orgs/campaigns/{pk}/edit/", _plan(year=2025)).status_code == 403
    assert client.post(f"/orgs/campaigns/{pk}/next-year/").status_code == 403
    assert client.get(f"/orgs/campaign-group/new/?campaign={pk}").status_code == 403
    assert client.post(f"/orgs/campaign-duties/{duty.pk}/delete/").status_code == 403
    assert Campaign.objects.filter(org=world.organ).count() == 1
    assert Responsibility.objects.filter(pk=duty.pk).exists()


def test_the_administrator_sees_every_button(world):
    page = _page(world, "admin", f"/orgs/campaigns/{world.campaign.pk}/")
    for button in ("编辑实施方案", "新增成员", "新增责任", "开始 2026 年度创建活动", "删除"):
        assert button in page, button
    assert "/orgs/campaigns/new/" in _page(world, "admin", "/orgs/campaigns/")


def test_a_section_head_reads_his_organs_campaign_and_changes_nothing(world):
    client = world.client("head")
    assert f"/orgs/campaigns/{world.campaign.pk}/" in _page(world, "head", "/orgs/campaigns/")
    page = _page(world, "head", f"/orgs/campaigns/{world.campaign.pk}/")
    assert "创建日常工作" in page and "编辑实施方案" not in page and "新增责任" not in page
    assert client.get("/orgs/campaigns/new/").status_code == 403
    assert client.post(f"/orgs/campaigns/{world.campaign.pk}/next-year/").status_code == 403
    other = Campaign.objects.get(org=world.other)
    assert client.get(f"/orgs/campaigns/{other.pk}/").status_code == 404


# --- 领导小组


def test_a_member_is_added_from_the_campaign_page_and_the_form_returns_there(world):
    client = world.client("admin")
    pk = world.campaign.pk
    form = client.get(f"/orgs/campaign-group/new/?campaign={pk}").content.decode()
    assert f'<option value="{pk}" selected>' in form
    response = client.post("/orgs/campaign-group/new/", {
        "campaign": pk, "role": "leader", "person": world.head_person.pk,
        "duty": "第一责任人，全面负责", "sort": 0})
    assert response.status_code == 302
    assert response.url == f"/orgs/campaigns/{pk}/#leading-group"
    seat = GroupMember.objects.get(campaign=world.campaign)
    assert seat.org == world.organ
    assert AuditLog.objects.filter(action="create", object_type="orgs.groupmember").exists()
    assert "第一责任人，全面负责" in _page(world, "admin", f"/orgs/campaigns/{pk}/")


def test_a_second_group_leader_is_refused(world):
    GroupMember.objects.create(campaign=world.campaign, person=world.head_person, role="leader")
    response = world.client("admin").post("/orgs/campaign-group/new/", {
        "campaign": world.campaign.pk, "role": "leader", "person": world.member_person.pk,
        "sort": 1})
    assert response.status_code == 422
    assert "领导小组只能有一名组长" in response.content.decode()


def test_a_person_of_another_organ_cannot_sit_on_the_group(world):
    seat = GroupMember(campaign=world.campaign, person=world.outsider_person, role="member")
    with pytest.raises(ValidationError) as exc:
        seat.full_clean()
    assert exc.value.message_dict["person"] == ["领导小组成员应为本机关人员"]


def test_an_outsider_cannot_add_a_member_to_another_organs_campaign(world):
    response = world.client("outsider").post("/orgs/campaign-group/new/", {
        "campaign": world.campaign.pk, "role": "member", "person": world.outsider_person.pk,
        "sort": 0})
    assert response.status_code == 422
    assert not GroupMember.objects.exists()


def test_a_role_is_changed_and_a_seat_removed_by_the_administrator(world):
    seat = GroupMember.objects.create(campaign=world.campaign, person=world.head_person,
                                      role="member")
    client = world.client("admin")
    response = client.post(f"/orgs/campaign-group/{seat.pk}/edit/", {
        "campaign": world.campaign.pk, "role": "office_head", "person": world.head_person.pk,
        "duty": "负责日常工作", "sort": 5})
    assert response.url == f"/orgs/campaigns/{world.campaign.pk}/#leading-group"
    seat.refresh_from_db()
    assert seat.role == "office_head"
    response = client.post(f"/orgs/campaign-group/{seat.pk}/delete/")
    assert response.url == f"/orgs/campaigns/{world.campaign.pk}/#leading-group"
    assert not GroupMember.objects.exists()
    assert AuditLog.objects.filter(action="delete", object_type="orgs.groupmember").exists()


# --- 责任清单


def test_a_duty_row_is_added_edited_and_deleted_by_the_administrator(world):
    client = world.client("admin")
    response = client.post("/orgs/campaign-duties/new/", {
        "campaign": world.campaign.pk, "org": world.unit.pk, "leader": "",
        "work": "文化惠民服务", "sort": 3})
    assert response.url == f"/orgs/campaigns/{world.campaign.pk}/#duty-list"
    duty = Responsibility.objects.get(work="文化惠民服务")
    client.post(f"/orgs/campaign-duties/{duty.pk}/edit/", {
        "campaign": world.campaign.pk, "org": world.unit.pk, "leader": world.head_person.pk,
        "work": "文化惠民服务、送戏下乡", "sort": 3})
    duty.refresh_from_db()
    assert (duty.leader, duty.work) == (world.head_person, "文化惠民服务、送戏下乡")
    client.post(f"/orgs/campaign-duties/{duty.pk}/delete/")
    assert not Responsibility.objects.filter(pk=duty.pk).exists()
    actions = set(AuditLog.objects.filter(object_type="orgs.responsibility")
                  .values_list("action", flat=True))
    assert actions == {"create", "update", "delete"}


def test_the_head_named_in_a_duty_row_may_not_change_it(world):
    duty = Responsibility.objects.get(campaign=world.campaign)  # leader: the head
    response = world.client("head").post(f"/orgs/campaign-duties/{duty.pk}/edit/", {
        "campaign": world.campaign.pk, "org": world.section.pk, "work": "改过的内容", "sort": 0})
    assert response.status_code == 403
    duty.refresh_from_db()
    assert duty.work == "创建日常工作"


def test_a_duty_of_a_unit_of_another_organ_is_refused(world):
    duty = Responsibility(campaign=world.campaign, org=world.other_office, work="越界")
    with pytest.raises(ValidationError) as exc:
        duty.full_clean()
    assert "责任单位应为本机关或其股室、下属单位" in exc.value.message_dict["org"]


# --- next year


def test_starting_next_year_copies_the_group_and_the_duty_list(world):
    GroupMember.objects.create(campaign=world.campaign, person=world.head_person, role="leader",
                               duty="全面负责")
    GroupMember.objects.create(campaign=world.campaign, person=world.member_person,
                               role="member")
    response = world.client("admin").post(f"/orgs/campaigns/{world.campaign.pk}/next-year/")
    new = Campaign.objects.get(org=world.organ, year=2026)
    assert response.status_code == 302 and response.url == f"/orgs/campaigns/{new.pk}/edit/"
    assert set(new.group.values_list("person__name", "role", "duty")) == {
        ("王股长", "leader", "全面负责"), ("李干部", "member", "")}
    assert list(new.responsibilities.values_list("org", "leader", "work")) == [
        (world.section.pk, world.head_person.pk, "创建日常工作")]
    assert (new.plan_issued_on, new.plan_file.name) == (None, "")
    assert world.campaign.group.count() == 2  # this year's stays as it was
    assert AuditLog.objects.filter(action="create", object_type="orgs.campaign",
                                   object_id=str(new.pk)).exists()


def test_people_who_have_left_are_not_copied_into_next_year(world):
    Person.objects.filter(pk=world.head_person.pk).update(left_on=dt.date(2025, 11, 30))
    GroupMember.objects.create(campaign=world.campaign, person=world.head_person, role="leader")
    result = start_next_year(world.campaign, actor=world.users["admin"])
    assert result.left == ["王股长"] and result.seats == 0
    assert list(result.campaign.responsibilities.values_list("leader", "work")) == [
        (None, "创建日常工作")]


def test_starting_a_year_that_exists_is_refused_in_chinese(world):
    Campaign.objects.create(org=world.organ, year=2026, plan_title="已有方案")
    with pytest.raises(ValidationError) as exc:
        start_next_year(world.campaign, actor=world.users["admin"])
    assert exc.value.messages == ["本机关 2026 年的创建活动已存在，不能重复开始"]
    response = world.client("admin").post(f"/orgs/campaigns/{world.campaign.pk}/next-year/",
                                           follow=True)
    assert "本机关 2026 年的创建活动已存在" in response.content.decode()
    assert Campaign.objects.filter(org=world.organ, year=2026).count() == 1


def test_the_next_year_button_gives_way_to_a_link_once_that_year_exists(world):
    new = Campaign.objects.create(org=world.organ, year=2026, plan_title="已有方案")
    page = _page(world, "admin", f"/orgs/campaigns/{world.campaign.pk}/")
    assert "开始 2026 年度创建活动" not in page
    assert f"/orgs/campaigns/{new.pk}/" in page


def test_only_the_organs_administrator_may_start_next_year(world):
    for who in ("committee", "head", "member"):
        with pytest.raises(PermissionDenied):
            start_next_year(world.campaign, actor=world.users[who])
    assert not Campaign.objects.filter(year=2026).exists()


def test_a_head_attached_to_the_organ_itself_reads_but_does_not_keep_the_campaign(world):
    from django.test import Client

    from conftest import make_user
    from mofan.core.scoping import HEAD

    client = Client()
    client.force_login(make_user("juzhang", HEAD, world.organ))
    page = client.get(f"/orgs/campaigns/{world.campaign.pk}/").content.decode()
    assert "测试实施方案" in page and "编辑实施方案" not in page
    assert client.post(f"/orgs/campaigns/{world.campaign.pk}/next-year/").status_code == 403
    assert client.get("/orgs/campaigns/new/").status_code == 403


def test_the_plan_form_never_links_the_stored_file_by_its_media_path(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world.campaign.plan_file.save("方案.pdf", SimpleUploadedFile("方案.pdf", PDF))
    form = world.client("admin").get(f"/orgs/campaigns/{world.campaign.pk}/edit/")
    assert world.campaign.plan_file.name not in form.content.decode()


def test_an_administrator_attached_to_a_section_may_not_start_a_campaign(world):
    from django.test import Client

    from conftest import make_user
    from mofan.core.scoping import ORG_ADMIN

    client = Client()
    client.force_login(make_user("bgs_admin", ORG_ADMIN, world.section))
    assert client.get("/orgs/campaigns/new/").status_code == 403
    assert "/orgs/campaigns/new/" not in client.get("/orgs/campaigns/").content.decode()


# --- 责任清单 from Excel


def _sheet(*rows):
    from io import BytesIO

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["年度", "责任领导", "责任单位/股室", "责任内容", "排序"])
    for row in rows:
        ws.append(list(row))
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_a_duty_list_is_imported_into_the_campaign_of_its_year(world):
    from mofan.orgs.screens import ResponsibilityImporter

    result = ResponsibilityImporter(world.users["admin"]).commit(_sheet(
        (2025, "王股长", "办公室", "考勤“日统计、周通报、月处理”", 2),
        ("2025年", "", "县图书馆", "文化惠民服务", 3)))
    assert result.ok, result.errors
    assert set(world.campaign.responsibilities.values_list("org__name", "work")) == {
        ("办公室", "创建日常工作"), ("办公室", "考勤“日统计、周通报、月处理”"),
        ("县图书馆", "文化惠民服务")}


def test_a_duty_list_naming_a_year_without_campaign_or_another_organs_unit_imports_nothing(
        world):
    from mofan.orgs.screens import ResponsibilityImporter

    result = ResponsibilityImporter(world.users["admin"]).commit(_sheet(
        (2025, "", "办公室", "可以导入的一行", 1),
        (2031, "", "办公室", "没有这一年度", 2),
        (2025, "", "发改办公室", "别的机关的股室", 3)))
    assert [(e.row, e.column) for e in result.errors] == [(3, "年度"), (4, "责任单位/股室")]
    assert "本机关没有 2031 年的创建活动" in result.errors[0].reason
    assert world.campaign.responsibilities.count() == 1


def test_only_the_administrator_is_offered_and_allowed_the_duty_import(world):
    assert "/orgs/campaign-duties/import/" in _page(
        world, "admin", f"/orgs/campaigns/{world.campaign.pk}/")
    assert "/orgs/campaign-duties/import/" not in _page(world, "committee",
                                                       "/orgs/campaign-duties/")
    assert world.client("committee").get("/orgs/campaign-duties/import/").status_code == 403
    upload = SimpleUploadedFile("责任清单.xlsx", _sheet((2025, "", "办公室", "混入", 1)).read())
    response = world.client("committee").post("/orgs/campaign-duties/import/", {"file": upload})
    assert response.status_code == 403
    assert world.campaign.responsibilities.count() == 1


def test_people_who_have_left_are_not_offered_for_the_group(world):
    Person.objects.filter(pk=world.member_person.pk).update(left_on=dt.date(2020, 1, 31))
    form = _page(world, "admin", f"/orgs/campaign-group/new/?campaign={world.campaign.pk}")
    assert 'data-url="/pick/person/?scope=edit"' in form  # the picker searches as you type
    found = world.client("admin").get("/pick/person/", {"scope": "edit"}).json()["results"]
    assert [r["text"] for r in found if "王股长" in r["text"] or "李干部" in r["text"]] == [
        "王股长（测试县文广新旅局 · 办公室）"]
    response = world.client("admin").post(
        f"/orgs/campaign-group/new/?campaign={world.campaign.pk}",
        {"campaign": world.campaign.pk, "person": world.member_person.pk, "role": "member",
         "sort": 0})
    assert response.status_code == 422  # and the form refuses one who has left
