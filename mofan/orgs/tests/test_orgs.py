from io import BytesIO

from openpyxl import load_workbook

from mofan.orgs.models import GroupMember, Org, Person


def test_org_path_and_organ_follow_the_tree(world):
    deep = Org.objects.create(name="阅览组", code="wg-tsg-yl", kind=Org.SECTION, parent=world.unit)
    assert deep.path == f"{world.unit.path}{deep.pk}/"
    assert deep.organ == world.organ and world.organ.organ == world.organ
    assert world.committee.organ is None
    assert set(world.organ.descendants()) >= {world.section, world.unit, deep}


def test_org_codes_are_unique_and_lowercase(world):
    client = world.client("committee")
    response = client.post("/orgs/units/new/", {"name": "重复", "code": "wg", "kind": "section",
                                                "parent": world.organ.pk, "sort": 0})
    assert response.status_code == 422 and "已存在" in response.content.decode()
    response = client.post("/orgs/units/new/", {"name": "大写", "code": "BAD CODE",
                                                "kind": "section", "parent": world.organ.pk,
                                                "sort": 0})
    assert response.status_code == 422 and "小写字母" in response.content.decode()


def test_phone_is_masked_in_the_list_and_the_export(world):
    client = world.client("admin")
    page = client.get("/orgs/people/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    ws = load_workbook(BytesIO(client.get("/orgs/people/?export=xlsx").content)).active
    values = {c for row in ws.iter_rows(values_only=True) for c in row}
    assert "138****5678" in values and "13812345678" not in values


def test_people_list_filters_by_political_status_and_searches_by_name(world):
    client = world.client("admin")
    page = client.get("/orgs/people/", {"political_status": "masses"}).content.decode()
    assert "赵馆员" in page and "王股长" not in page
    page = client.get("/orgs/people/", {"q": "股长"}).content.decode()
    assert "王股长" in page and "赵馆员" not in page


def test_delete_of_a_referenced_person_is_refused_and_changes_nothing(world):
    client = world.client("admin")
    response = client.post(f"/orgs/people/{world.head_person.pk}/delete/")
    assert response.status_code == 302
    assert Person.objects.filter(pk=world.head_person.pk).exists()


def test_campaign_page_shows_first_responsible_person_and_duty_list(world):
    GroupMember.objects.create(campaign=world.campaign, person=world.head_person, role="leader")
    page = world.client("admin").get(f"/orgs/campaigns/{world.campaign.pk}/").content.decode()
    assert "第一责任人" in page and "创建日常工作" in page


def test_duty_list_exports_to_xlsx_with_a_title(world):
    response = world.client("admin").get(f"/orgs/campaigns/{world.campaign.pk}/duties.xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    assert "责任清单" in ws["A1"].value
    assert [c.value for c in ws[2]] == ["序号", "责任领导", "职务", "责任单位/股室", "责任内容"]
    assert ws["B3"].value == "王股长" and ws["E3"].value == "创建日常工作"


def test_org_import_creates_sections_under_the_organ(world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "代码", "类型", "上级"])
    ws.append(["财务股", "wg-cwg", "股室", "wg"])
    ws.append(["档案室", "wg-das", "股室", "fg"])  # another organ: refused
    buf = BytesIO()
    wb.save(buf)
    client = world.client("admin")
    response = client.post("/orgs/units/import/", {"file": SimpleUploadedFile("u.xlsx", buf.getvalue())})
    errors = response.context["result"].errors
    assert [(e.row, e.column) for e in errors] == [(3, "上级")]
    assert not Org.objects.filter(code="wg-cwg").exists()
