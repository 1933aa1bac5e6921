import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from mofan.study.models import RedService, StudyPlan
from mofan.study.services import copy_last_month

from . import factories as f


def test_copying_a_plan_starts_next_month_as_a_draft(world):
    plan = f.plan(world, month=dt.date(2025, 3, 1))
    response = world.client("admin").post(f"/study/plans/{plan.pk}/copy/")
    new = StudyPlan.objects.get(month=dt.date(2025, 4, 1))
    assert response.status_code == 302 and response.url == f"/study/plans/{new.pk}/edit/"
    assert (new.party_org, new.theme, new.status) == (plan.party_org, plan.theme, "draft")


def test_copying_onto_a_month_that_has_a_plan_changes_nothing(world):
    plan = f.plan(world, month=dt.date(2025, 3, 1))
    f.plan(world, month=dt.date(2025, 4, 1), status="draft")
    world.client("admin").post(f"/study/plans/{plan.pk}/copy/")
    assert StudyPlan.objects.count() == 2


def test_copy_last_month_needs_a_plan_last_month(world):
    with pytest.raises(ValidationError):
        copy_last_month(world.branch, dt.date(2025, 5, 1), actor=world.users["admin"])


def test_filing_a_plan_sets_its_status_and_date(world):
    plan = f.plan(world, status="draft")
    world.client("admin").post(f"/study/plans/{plan.pk}/file/")
    plan.refresh_from_db()
    assert plan.status == "filed" and plan.filed_on is not None


def test_a_plan_month_is_stored_as_the_first_day(world):
    response = world.client("admin").post("/study/plans/new/", {
        "party_org": world.branch.pk, "month": "2025-06-18", "theme": "党的二十大精神",
        "planned": "集中学习", "status": "draft"})
    assert response.status_code == 302
    assert StudyPlan.objects.get().month == dt.date(2025, 6, 1)


def test_a_second_plan_for_the_same_branch_and_month_is_refused(world):
    f.plan(world, month=dt.date(2025, 6, 1))
    response = world.client("admin").post("/study/plans/new/", {
        "party_org": world.branch.pk, "month": "2025-06-01", "theme": "重复",
        "status": "draft"})
    assert response.status_code == 422
    assert StudyPlan.objects.count() == 1


def test_an_admin_cannot_plan_for_another_organs_branch(world):
    response = world.client("outsider").post("/study/plans/new/", {
        "party_org": world.branch.pk, "month": "2025-06-01", "theme": "混入", "status": "draft"})
    assert response.status_code == 422
    assert not StudyPlan.objects.exists()


def test_a_red_education_service_belongs_to_its_bases_org(world):
    base = f.red_base(world)
    response = world.client("admin").post("/study/services/new/", {
        "base": base.pk, "date": "2025-05-18", "group": "students", "group_name": "示例县第一中学",
        "people": "45", "guide": "王讲解"})
    assert response.status_code == 302
    service = RedService.objects.get()
    assert service.org == world.unit and service.people == 45


def test_a_red_education_service_needs_at_least_one_person(world):
    base = f.red_base(world)
    response = world.client("admin").post("/study/services/new/", {
        "base": base.pk, "date": "2025-05-18", "group": "students", "people": "0"})
    assert response.status_code == 422


def test_outsider_lists_hold_none_of_the_other_organs_study_rows(world):
    f.plan(world)
    f.session(world)
    f.first_topic(world)
    f.red_service(world)
    client = world.client("outsider")
    for url in ("/study/plans/", "/study/sessions/", "/study/meetings/", "/study/bases/",
                "/study/services/"):
        page = client.get(url).content.decode()
        for secret in ("机关第一党支部", "全面从严治党", "党组会议 2025", "示例事件"):
            assert secret not in page, f"{url} 泄露了 {secret}"


def test_copy_from_last_month_page_starts_the_chosen_month(world):
    f.plan(world, month=dt.date(2025, 4, 1))
    client = world.client("admin")
    assert client.get("/study/plans/copy-last/").status_code == 200
    response = client.post("/study/plans/copy-last/", {"party_org": world.branch.pk,
                                                       "month": "2025-05"})
    assert response.status_code == 302
    assert StudyPlan.objects.get(month=dt.date(2025, 5, 1)).status == "draft"


def test_copy_from_last_month_page_says_when_there_is_nothing_to_copy(world):
    response = world.client("admin").post("/study/plans/copy-last/", {
        "party_org": world.branch.pk, "month": "2025-05"})
    assert response.status_code == 422
    assert "上个月没有计划可复制" in response.content.decode()


def test_copy_from_last_month_page_offers_no_branch_of_another_organ(world):
    f.plan(world, month=dt.date(2025, 4, 1))
    response = world.client("outsider").post("/study/plans/copy-last/", {
        "party_org": world.branch.pk, "month": "2025-05"})
    assert response.status_code == 422
    assert StudyPlan.objects.count() == 1
