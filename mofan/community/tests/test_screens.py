"""The community screens: a member logs on a phone, each role sees its own rows,
imports are all or nothing, lists run the same queries for 10 rows and for 200."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from mofan.community.models import Measure, Project, ServiceParticipant, ServiceRecord

from .factories import DAY, community, kind, project, registration, service


def post_record(client, world, members, **extra):
    data = {"community": community(world).pk, "date": DAY.isoformat(),
            "kind": kind(world).pk, "hours": "2", "content": "清理楼道杂物",
            "members": [p.pk for p in members], **extra}
    return client.post("/community/services/new/", data)


# ------------------------------------------------------------------ phone entry


def test_member_logs_his_own_service_from_the_phone_page(world):
    client = world.client("member")
    page = client.get("/community/my/").content.decode()
    assert "登记一次社区服务" in page
    assert client.get("/community/services/new/").status_code == 200
    response = post_record(client, world, [world.member_person])
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    assert record.logged_by == world.member_person and record.status == "submitted"
    assert "清理楼道杂物" in client.get("/community/my/").content.decode()


def test_member_posting_another_organs_person_is_refused_and_nothing_saved(world):
    response = post_record(world.client("member"), world,
                           [world.member_person, world.outsider_person])
    assert response.status_code == 422
    assert not ServiceRecord.objects.exists()


def test_photo_is_optional(world):
    response = post_record(world.client("member"), world, [world.member_person])
    assert response.status_code == 302
    assert not ServiceRecord.objects.get().photo


def test_a_photo_that_is_not_an_image_is_refused(world):
    fake = SimpleUploadedFile("photo.jpg", b"not a jpeg at all", content_type="image/jpeg")
    response = post_record(world.client("member"), world, [world.member_person], photo=fake)
    assert response.status_code == 422
    assert not ServiceRecord.objects.exists()


def test_member_cannot_edit_a_confirmed_record(world):
    record = service(world, status=ServiceRecord.CONFIRMED)
    client = world.client("member")
    data = {"community": record.community_id, "date": DAY.isoformat(), "kind": record.kind_id,
            "content": "改过的内容", "members": [world.member_person.pk]}
    response = client.post(f"/community/services/{record.pk}/edit/", data)
    assert response.status_code == 422
    assert ServiceRecord.objects.get().content == "清理小区卫生死角"


def test_secretary_confirms_through_the_detail_page(world):
    world.branch.secretary = world.head_person
    world.branch.save()
    record = service(world, status=ServiceRecord.SUBMITTED)
    client = world.client("head")
    assert 'id="record-confirm"' in client.get(f"/community/services/{record.pk}/").content.decode()
    client.post(f"/community/services/{record.pk}/confirm/")
    assert ServiceRecord.objects.get().status == ServiceRecord.CONFIRMED


def test_the_confirm_buttons_are_not_shown_to_the_member_himself(world):
    world.branch.secretary = world.member_person
    world.branch.save()
    record = service(world, status=ServiceRecord.SUBMITTED)
    page = world.client("member").get(f"/community/services/{record.pk}/").content.decode()
    assert 'id="record-confirm"' not in page


def test_register_appeal_through_the_detail_page_twice_makes_one(world):
    from mofan.appeals.models import Appeal

    record = service(world)
    client = world.client("member")
    for _ in range(2):
        client.post(f"/community/services/{record.pk}/appeal/",
                    {"title": "路灯不亮", "words": "后街路灯坏了", "category": "help"})
    assert Appeal.objects.count() == 1
    page = client.get(f"/community/services/{record.pk}/").content.decode()
    assert 'id="record-appeal"' in page and "路灯不亮" in page


# ------------------------------------------------------------------ scoping


def listed(client):
    return {r.pk for r in client.get("/community/services/").context["page"].object_list}


def test_each_role_sees_its_own_records(world):
    from conftest import make_user
    from mofan.core.scoping import MEMBER
    from mofan.orgs.models import PartyOrg, Person

    mine = service(world, [world.member_person])
    colleague = service(world, [world.head_person])
    other_branch = PartyOrg.objects.create(org=world.organ, name="第二支部", kind="branch")
    stranger = Person.objects.create(name="孙干部", gender="M", org=world.unit,
                                     political_status="cpc", branch=other_branch)
    elsewhere = service(world, [stranger])
    theirs = service(world, [world.outsider_person], organ=world.other)
    world.branch.secretary = world.head_person
    world.branch.save()
    secretary = world.client("head")  # a head of the 办公室 and the branch secretary
    assert listed(world.client("member")) == {mine.pk}
    assert {mine.pk, colleague.pk} <= listed(secretary) and elsewhere.pk not in listed(secretary)
    assert listed(world.client("admin")) == {mine.pk, colleague.pk, elsewhere.pk}
    assert listed(world.client("committee")) == {mine.pk, colleague.pk, elsewhere.pk, theirs.pk}
    assert listed(world.client("outsider")) == {theirs.pk}
    plain = make_user("plain", MEMBER, world.unit, stranger)
    from django.test import Client

    c = Client()
    c.force_login(plain)
    assert listed(c) == {elsewhere.pk}


def test_member_gets_404_for_a_colleagues_record(world):
    colleague = service(world, [world.head_person])
    assert world.client("member").get(f"/community/services/{colleague.pk}/").status_code == 404


# ------------------------------------------------------------------ import / export


def sheet(rows, headers=("服务日期", "服务社区/村", "服务类型", "参加党员", "时长（小时）", "服务内容")):
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return SimpleUploadedFile("services.xlsx", buf.getvalue())


def upload(client, url, f):
    response = client.post(url, {"file": f})
    if response.status_code != 200:
        return response
    token = client.session["mofan_import_token"]
    return client.post(url, {"confirm": "1", "token": token})


def test_import_with_one_bad_row_commits_nothing(world):
    community(world)
    f = sheet([("2025-04-01", "东街社区", "环境卫生整治", "李干部、王股长", 2, "清扫"),
               ("2025-04-02", "东街社区", "环境卫生整治", "外单位", 2, "清扫"),
               ("2025-04-03", "东街社区", "没有这种类型", "李干部", 2, "清扫")])
    response = world.client("admin").post("/community/services/import/", {"file": f})
    assert response.status_code == 422
    errors = response.context["result"].errors
    assert {e.row for e in errors} == {3, 4}
    assert not ServiceRecord.objects.exists()


def test_import_of_good_rows_creates_records_and_person_times(world):
    community(world)
    f = sheet([("2025-04-01", "东街社区", "环境卫生整治", "李干部、王股长", 2, "清扫"),
               ("2025年4月2日", "东街社区", "政策宣讲", "李干部", "", "宣讲")])
    response = upload(world.client("admin"), "/community/services/import/", f)
    assert response.status_code == 302
    assert ServiceRecord.objects.count() == 2
    assert ServiceParticipant.objects.count() == 3


def test_project_import_reads_measures_and_a_bad_unit_commits_nothing(world):
    community(world)
    headers = ("项目名称", "社区/村", "状态", "完成日期", "措施及数量")
    good = ("路面硬化", "东街社区", "已完成", "2025-06-30", "铺平路面 300 平方米；安装路灯 5 盏")
    bad = ("拆违", "东街社区", "已完成", "2025-06-30", "拆除违法乱建 3 间")
    client = world.client("admin")
    response = client.post("/community/projects/import/", {"file": sheet([good, bad], headers)})
    assert response.status_code == 422
    assert not Project.objects.exists()
    upload(client, "/community/projects/import/", sheet([good], headers))
    assert sorted(Measure.objects.values_list("unit", "quantity")) == [("lamp", 5), ("sqm", 300)]


def test_export_lists_what_the_page_lists(world):
    service(world, [world.member_person, world.head_person])
    service(world, [world.outsider_person], organ=world.other)
    response = world.client("admin").get("/community/services/?export=xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][4] == 2  # 人次


# ------------------------------------------------------------------ query counts


def grow(world, n):
    for _ in range(n):
        service(world, [world.member_person, world.head_person])
    for _ in range(max(1, n // 10)):
        project(world)
        registration(world)


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/community/services/", "/community/services/?export=xlsx",
                                 "/community/projects/", "/community/registrations/",
                                 "/community/my/"])
def test_list_queries_do_not_grow_with_rows(world, url):
    client = world.client("admin" if "my" not in url else "member")
    grow(world, 10)
    small = count(client, url)
    grow(world, 40)
    assert count(client, url) == small


def test_add_measure_from_a_project_page_opens_with_the_project_chosen(world):
    p = project(world, measures=[])
    page = world.client("admin").get(f"/community/measures/new/?project={p.pk}").content.decode()
    assert f'<option value="{p.pk}" selected>' in page


def test_a_measure_with_a_quantity_but_no_unit_is_refused(world):
    p = project(world, measures=[])
    response = world.client("admin").post("/community/measures/new/", {
        "project": p.pk, "name": "铺平路面", "quantity": "300", "unit": "", "sort": 0})
    assert response.status_code == 422
    assert not Measure.objects.exists()
