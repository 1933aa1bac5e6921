"""Writes are scoped like reads (issue 7, findings 1 and 2; specs/security.md 访问控制).

Each test posts what the security probe posted and proves the write was refused *and*
that the database did not change.
"""

import hashlib
from io import BytesIO

import pytest
from django.apps import apps
from django.db.models.fields.files import FieldFile
from openpyxl import Workbook

from mofan.core.tests.test_outsiders import concrete, object_for, walk
from mofan.orgs.models import Org, Person

NON_WRITERS = ["sysadmin", "secadmin", "auditor", "member"]


def fingerprint(seen_by=None) -> dict:
    """A digest of every business table (or of the rows ``seen_by`` may see), so "nothing
    changed" is a real comparison, and a failure names the table."""
    digests = {}
    for model in apps.get_models():
        if model._meta.app_label in {"audit", "sessions", "accounts", "contenttypes", "auth"}:
            continue
        rows = model.objects.all()
        if seen_by is not None and hasattr(rows, "visible_to"):
            rows = rows.visible_to(seen_by)
        digest = hashlib.sha256()
        for row in rows.order_by("pk").values_list():
            digest.update(repr(row).encode())
        digests[model._meta.label] = digest.hexdigest()[:16]
    return digests


def org_form(**overrides):
    data = {"name": "新机关工委", "short_name": "", "code": "new-root", "kind": "committee",
            "parent": "", "sort": 0}
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", [*NON_WRITERS, "head", "admin"])
def test_no_one_creates_a_top_level_committee(world, who):
    before = fingerprint()
    response = world.client(who).post("/orgs/units/new/", org_form())
    assert response.status_code in (403, 422)
    assert not Org.objects.filter(code="new-root").exists()
    assert fingerprint() == before


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor", "member", "head", "admin"])
def test_only_the_committee_creates_an_organ(world, who):
    response = world.client(who).post("/orgs/units/new/", org_form(
        name="新局", code="xj", kind="organ", parent=world.committee.pk))
    assert response.status_code in (403, 422)
    assert not Org.objects.filter(code="xj").exists()


def test_the_committee_creates_an_organ_under_itself(world):
    response = world.client("committee").post("/orgs/units/new/", org_form(
        name="新局", code="xj", kind="organ", parent=world.committee.pk))
    assert response.status_code == 302
    assert Org.objects.get(code="xj").path.startswith(world.committee.path)


def test_the_committee_cannot_create_a_section(world):
    response = world.client("committee").post("/orgs/units/new/", org_form(
        name="新股", code="wg-xg", kind="section", parent=world.organ.pk))
    assert response.status_code == 422
    assert "单位管理员" in response.content.decode()
    assert not Org.objects.filter(code="wg-xg").exists()


def test_an_organ_administrator_creates_a_section_in_the_organ(world):
    response = world.client("admin").post("/orgs/units/new/", org_form(
        name="新股", code="wg-xg", kind="section", parent=world.organ.pk))
    assert response.status_code == 302
    assert Org.objects.get(code="wg-xg").organ == world.organ


def test_a_head_cannot_create_a_section(world):
    response = world.client("head").post("/orgs/units/new/", org_form(
        name="小组", code="wg-bgs-xz", kind="section", parent=world.section.pk))
    assert response.status_code == 422
    assert not Org.objects.filter(code="wg-bgs-xz").exists()


def test_a_head_cannot_detach_their_own_section(world):
    section = world.section
    before = fingerprint()
    response = world.client("head").post(f"/orgs/units/{section.pk}/edit/", org_form(
        name=section.name, code=section.code, kind="organ", parent=""))
    assert response.status_code == 422
    assert "不能调整本单位自身" in response.content.decode()
    assert fingerprint() == before
    # The organ's administrator and the committee still see it.
    assert world.client("admin").get(f"/orgs/units/{section.pk}/").status_code == 200
    assert world.client("committee").get(f"/orgs/people/{world.head_person.pk}/").status_code == 200


def test_a_head_may_still_rename_their_own_section(world):
    section = world.section
    response = world.client("head").post(f"/orgs/units/{section.pk}/edit/", org_form(
        name="综合办公室", code=section.code, kind="section", parent=world.organ.pk))
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.name == "综合办公室" and section.parent == world.organ


def test_an_organ_administrator_cannot_detach_the_organ(world):
    organ = world.organ
    before = fingerprint()
    response = world.client("admin").post(f"/orgs/units/{organ.pk}/edit/", org_form(
        name=organ.name, code=organ.code, kind="organ", parent=""))
    assert response.status_code == 422
    assert fingerprint() == before
    assert world.client("committee").get(f"/orgs/units/{organ.pk}/").status_code == 200


def test_an_organ_administrator_moves_a_unit_between_sections_of_the_organ(world):
    response = world.client("admin").post(f"/orgs/units/{world.unit.pk}/edit/", org_form(
        name=world.unit.name, code=world.unit.code, kind="unit", parent=world.section.pk))
    assert response.status_code == 302
    world.unit.refresh_from_db()
    assert world.unit.path.startswith(world.section.path)


def test_an_organ_administrator_cannot_turn_a_section_into_an_organ(world):
    response = world.client("admin").post(f"/orgs/units/{world.section.pk}/edit/", org_form(
        name="办公室", code=world.section.code, kind="organ", parent=world.organ.pk))
    assert response.status_code == 422
    world.section.refresh_from_db()
    assert world.section.kind == Org.SECTION


def test_the_committee_cannot_move_an_organ_out_of_its_tree(world):
    response = world.client("committee").post(f"/orgs/units/{world.organ.pk}/edit/", org_form(
        name=world.organ.name, code=world.organ.code, kind="organ", parent=""))
    assert response.status_code == 422
    world.organ.refresh_from_db()
    assert world.organ.parent == world.committee


def test_deleting_a_section_is_for_the_organ_administrator_not_a_head(world):
    group = Org.objects.create(name="文秘组", code="wg-bgs-wm", kind=Org.SECTION,
                               parent=world.section)
    response = world.client("head").post(f"/orgs/units/{group.pk}/delete/")
    assert response.status_code == 302
    assert Org.objects.filter(pk=group.pk).exists()
    world.client("admin").post(f"/orgs/units/{group.pk}/delete/")
    assert not Org.objects.filter(pk=group.pk).exists()


def test_a_person_cannot_be_moved_out_of_the_editors_scope(world):
    person = world.head_person
    data = {"name": person.name, "gender": "M", "org": world.other_office.pk,
            "political_status": "cpc", "sort": 0}
    response = world.client("admin").post(f"/orgs/people/{person.pk}/edit/", data)
    assert response.status_code == 422
    person.refresh_from_db()
    assert person.org == world.section


def xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "units.xlsx"
    return buf


def test_the_committee_cannot_import_sections_of_an_organ(world):
    from mofan.orgs.screens import OrgImporter

    importer = OrgImporter(world.users["committee"])
    result = importer.commit(xlsx([["名称", "简称", "代码", "类型", "上级", "排序"],
                                   ["甲股", "", "wg-jg", "股室", "wg", 1]]))
    assert not result.ok
    assert result.errors[0].row == 2 and "单位管理员" in result.errors[0].reason
    assert not Org.objects.filter(code="wg-jg").exists()


# ---------------------------------------------------------------- the POST walk

def write_routes():
    """Every URL that changes data: generic create/edit/delete/import and other POSTs."""
    for pattern, route, name in walk():
        if name.startswith(("accounts:", "audit:")) or route.endswith(("template/", ".xlsx")):
            continue  # account screens have their own matrix; the audit log is the auditor's
        yield pattern, route, name


@pytest.mark.parametrize("who", ["outsider", "sysadmin", "secadmin", "auditor"])
def test_every_write_url_refuses_outsiders_and_the_three_administrators(world, who, ledger_today):
    """POST every URL of the first organ's rows (with the row's own data, so a permitted
    write would be valid) and prove nothing changed."""
    from django.forms.models import model_to_dict

    client = world.client(who)
    targets = [(route, name, object_for(name, pattern, world) if "<int:pk>" in route else None)
               for pattern, route, name in write_routes()]  # factories create rows: first
    # The outsider may write in his own organ; only the first organ's rows must stay put.
    seen_by = world.users["admin"] if who == "outsider" else None
    before, posted = fingerprint(seen_by), 0
    for route, name, obj in targets:
        url = concrete(route, obj.pk if obj else 0)
        data = {k: ("" if v is None else v) for k, v in model_to_dict(obj).items()
                if not isinstance(v, list | dict | FieldFile)} if obj else {}
        data.update({"name": "越权写入", "code": "yuequan", "kind": "committee"})
        status = client.post(url, data).status_code
        assert status < 500, f"POST {url} ({name}) → {status}"
        posted += 1
    assert posted > 40
    assert fingerprint(seen_by) == before
    assert not Person.objects.filter(name="越权写入").exists()
