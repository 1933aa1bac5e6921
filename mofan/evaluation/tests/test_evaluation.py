"""考评: known scores from known records, fixed published criteria, audited manual
scores, and an organ that sees only its own breakdown."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from mofan.audit.models import AuditLog
from mofan.evaluation import services
from mofan.evaluation.models import CriteriaItem, CriteriaSet, ManualScore
from mofan.orgs.models import Org, Person

from .factories import criteria

D = Decimal


def scores_by_organ(cset, w):
    return {s.organ.pk: s for s in services.evaluate(cset, [w.organ, w.other])}


def test_two_organs_with_known_records_get_known_scores(world):
    scores = scores_by_organ(criteria(world), world)
    first, other = scores[world.organ.pk], scores[world.other.pk]
    assert [g.weighted for g in first.groups] == [D("43.33"), D("29.33")]
    assert first.total == D("72.66") and first.rank == 1
    assert [g.weighted for g in other.groups] == [D("0.00"), D("10.67")]
    assert other.total == D("10.67") and other.rank == 2
    items = {s.item.name: s for s in first.groups[0].items}
    assert (items["人数达标"].value, items["人数达标"].score) == (3, D("10.00"))
    assert items["党员"].score == D("3.00") and items["党员"].note == "已封顶"  # 2 × 2 capped
    assert items["按期办结率"].value is None and items["按期办结率"].note == "无数据"
    assert items["按期办结率"].score == 0


def test_an_unscored_manual_item_counts_zero_and_is_listed_as_pending(world):
    scores = scores_by_organ(criteria(world, manual_first=False), world)
    assert scores[world.organ.pk].total == D("43.33") + D("10.67")
    assert scores[world.organ.pk].pending == 1


def test_equal_totals_share_a_rank(world):
    cset = criteria(world, manual_first=False)
    CriteriaItem.objects.filter(group__criteria_set=cset).exclude(
        indicator="orgs.branch_count").delete()
    ranks = [s.rank for s in services.evaluate(cset, [world.organ, world.other])]
    assert ranks == [1, 1]


def test_published_criteria_cannot_be_changed(world):
    cset = criteria(world)
    item = CriteriaItem.objects.filter(group__criteria_set=cset).first()
    item.points = D(99)
    with pytest.raises(ValidationError):
        services.save_part(item, world.users["committee"], cset=cset)
    client = world.client("committee")
    client.post(f"/evaluation/items/{item.pk}/edit/", {"name": "改过", "points": "99"})
    client.post(f"/evaluation/items/{item.pk}/delete/")
    item.refresh_from_db()
    assert item.name == "人数达标" and item.points == D(10)


def test_a_change_to_published_criteria_is_a_new_version_and_scores_say_which(world):
    v1 = criteria(world)
    client = world.client("committee")
    response = client.post(f"/evaluation/sets/{v1.pk}/revise/")
    v2 = CriteriaSet.objects.get(org=world.committee, year=2025, version=2)
    assert response.url == f"/evaluation/sets/{v2.pk}/"
    assert v2.status == CriteriaSet.DRAFT and v2.based_on == v1
    assert ManualScore.objects.filter(item__group__criteria_set=v2, org=world.organ).count() == 1
    item = CriteriaItem.objects.get(group__criteria_set=v2, name="人数达标")
    client.post(f"/evaluation/items/{item.pk}/edit/", {
        "group": item.group_id, "name": "人数达标", "method": "threshold",
        "indicator": "orgs.staff_count", "points": "10", "threshold": "5", "sort": "0"})
    item.refresh_from_db()
    assert item.threshold == D(5)  # the draft is editable
    # v1 still scores the year until v2 is published
    page = client.get("/evaluation/ranking/?year=2025").content.decode()
    assert "第1版" in page and "72.66" in page
    client.post(f"/evaluation/sets/{v2.pk}/publish/")
    page = client.get("/evaluation/ranking/?year=2025").content.decode()
    # 3 people < 5: 人数达标 earns 0, so 60 × 3/18 + 29.33
    assert "测试考评方案（2025年第2版）" in page and "39.33" in page
    assert services.current_set(world.committee, 2025) == CriteriaSet.objects.get(pk=v2.pk)


def test_a_draft_is_edited_not_revised(world):
    draft = criteria(world, published=False)
    world.client("committee").post(f"/evaluation/sets/{draft.pk}/revise/")
    assert CriteriaSet.objects.count() == 1


def test_publishing_refuses_an_incomplete_set(world):
    cset = services.create_set(world.users["committee"], 2025, "空方案")
    with pytest.raises(ValidationError):
        services.publish(cset, world.users["committee"])
    cset.refresh_from_db()
    assert cset.status == CriteriaSet.DRAFT


def test_an_automatic_item_needs_an_indicator(world):
    cset = criteria(world, published=False)
    group = cset.groups.first()
    with pytest.raises(ValidationError):
        services.save_part(CriteriaItem(group=group, name="无指标", method="rate", points=D(5)),
                           world.users["committee"], cset=cset)


def test_manual_score_needs_a_reason_and_is_audited(world):
    cset = criteria(world, manual_first=False)
    item = CriteriaItem.objects.get(group__criteria_set=cset, method="manual")
    user = world.users["committee"]
    with pytest.raises(ValidationError):
        services.set_manual_score(item, world.other, D(8), "  ", user)
    with pytest.raises(ValidationError):
        services.set_manual_score(item, world.other, D(11), "超出分值", user)
    assert not ManualScore.objects.exists()
    services.set_manual_score(item, world.other, D(8), "台账规范，特色鲜明", user)
    log = AuditLog.objects.filter(object_type="evaluation.manualscore").latest("pk")
    assert "台账规范，特色鲜明" in log.object_label and log.after["reason"] == "台账规范，特色鲜明"
    assert log.after["points"] == "8.00" and log.user_name.startswith("committee")
    services.set_manual_score(item, world.other, D(6), "复核后调整", user)
    log = AuditLog.objects.filter(object_type="evaluation.manualscore").latest("pk")
    assert log.action == "update" and log.before["points"] == "8.00"
    assert ManualScore.objects.get().points == D(6)


def test_manual_score_through_the_page_without_a_reason_is_refused(world):
    cset = criteria(world, manual_first=False)
    item = CriteriaItem.objects.get(group__criteria_set=cset, method="manual")
    client = world.client("committee")
    response = client.post(f"/evaluation/items/{item.pk}/score/",
                           {"organ": world.other.pk, "points": "8", "reason": ""}, follow=True)
    assert "人工评分须写明评分理由" in response.content.decode()
    assert not ManualScore.objects.exists()
    client.post(f"/evaluation/items/{item.pk}/score/",
                {"organ": world.other.pk, "points": "8", "reason": "实地检查"})
    assert ManualScore.objects.get().org == world.other


def test_only_the_committee_scores_by_hand_and_only_manual_items(world):
    cset = criteria(world, manual_first=False)
    manual = CriteriaItem.objects.get(group__criteria_set=cset, method="manual")
    with pytest.raises(PermissionDenied):
        services.set_manual_score(manual, world.organ, D(10), "自评", world.users["admin"])
    auto = CriteriaItem.objects.filter(group__criteria_set=cset).exclude(method="manual").first()
    with pytest.raises(ValidationError):
        services.set_manual_score(auto, world.organ, D(1), "改分", world.users["committee"])
    assert world.client("admin").post(f"/evaluation/items/{manual.pk}/score/", {
        "organ": world.organ.pk, "points": "10", "reason": "自评"}).status_code == 404
    assert not ManualScore.objects.exists()


def test_an_organ_sees_its_own_breakdown_and_nobody_elses(world):
    criteria(world)
    admin = world.client("admin")
    page = admin.get(f"/evaluation/organs/{world.organ.pk}/?year=2025")
    assert page.status_code == 200 and "72.66" in page.content.decode()
    assert "实地检查" in page.content.decode()  # the reason of its manual score
    assert admin.get(f"/evaluation/organs/{world.other.pk}/?year=2025").status_code == 404
    assert admin.get("/evaluation/mine/?year=2025").url == (
        f"/evaluation/organs/{world.organ.pk}/?year=2025")
    assert world.client("head").get(f"/evaluation/organs/{world.organ.pk}/").status_code == 200
    assert world.client("member").get(f"/evaluation/organs/{world.organ.pk}/").status_code == 404
    outsider = world.client("outsider")
    assert outsider.get(f"/evaluation/organs/{world.organ.pk}/").status_code == 404
    other_page = outsider.get(f"/evaluation/organs/{world.other.pk}/?year=2025").content.decode()
    assert "10.67" in other_page and "72.66" not in other_page and "测试县文广新旅局" not in other_page


def test_an_organ_never_sees_a_draft(world):
    criteria(world, published=False)
    page = world.client("admin").get(f"/evaluation/organs/{world.organ.pk}/?year=2025")
    assert "还没有已发布的考评方案" in page.content.decode()


@pytest.mark.parametrize("url", ["/evaluation/", "/evaluation/ranking/",
                                 "/dashboards/compare/", "/dashboards/county/",
                                 "/study/county/"])
def test_committee_pages_are_404_for_organ_users(world, url):
    criteria(world)
    for who in ("admin", "head", "member", "outsider"):
        assert world.client(who).get(url).status_code == 404, (who, url)
    assert world.client("committee").get(url).status_code == 200


def test_ranking_export_has_numeric_cells(world):
    criteria(world)
    response = world.client("committee").get("/evaluation/ranking/?year=2025&export=xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert rows[0][:5] == (1, "测试县文广新旅局", 43.33, 29.33, 72.66)
    assert rows[1][1] == "测试县发改局" and rows[1][4] == 10.67
    assert AuditLog.objects.filter(action="export", object_type="evaluation.criteriaset").exists()


def test_breakdown_export_lists_every_item(world):
    criteria(world)
    response = world.client("admin").get(f"/evaluation/organs/{world.organ.pk}/?year=2025&export=xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert ("组织建设", "按期办结率", 5.0, "—", 0.0, "无数据") in rows
    assert rows[-1][1] == "总分" and rows[-1][4] == 72.66


def test_the_default_set_covers_the_pillars_and_the_ledgers_and_publishes(world):
    user = world.users["committee"]
    cset = services.publish(services.create_default_set(user, 2025), user)
    names = [g.name for g in cset.groups.all()]
    assert names == ["学习型机关建设", "服务型机关建设", "效能型机关建设", "台账管理（定向销号）", "综合评价"]
    assert sum(g.weight for g in cset.groups.all()) == 100
    keys = set(CriteriaItem.objects.filter(group__criteria_set=cset).values_list("indicator", flat=True))
    assert {"study.first_topic_sessions", "attendance.rate",
            "ledgers.appeals.closed_on_time_rate"} <= keys
    scores = services.evaluate(cset, [world.organ, world.other])
    assert all(D(0) <= s.total <= D(100) for s in scores)


def test_creating_a_set_from_the_page(world):
    client = world.client("committee")
    response = client.post("/evaluation/", {"year": "2026", "default": "on"})
    cset = CriteriaSet.objects.get(year=2026)
    assert response.url == f"/evaluation/sets/{cset.pk}/" and cset.groups.count() == 5
    assert client.post("/evaluation/", {"year": "99999"}).status_code == 200  # form error
    assert CriteriaSet.objects.count() == 1


def _many_organs(w, n):
    for i in range(n):
        organ = Org.objects.create(name=f"批量机关{i}", code=f"bulk{i}", kind=Org.ORGAN,
                                   parent=w.committee)
        Person.objects.create(name=f"人{i}", gender="M", org=organ, political_status="cpc")


def test_ranking_query_count_is_the_same_for_2_and_40_organs(world):
    criteria(world)
    client = world.client("committee")
    with CaptureQueriesContext(connection) as two:
        assert client.get("/evaluation/ranking/?year=2025").status_code == 200
    _many_organs(world, 38)
    with CaptureQueriesContext(connection) as forty:
        page = client.get("/evaluation/ranking/?year=2025")
    assert page.content.decode().count("/evaluation/organs/") == 40
    assert len(forty.captured_queries) == len(two.captured_queries)
