def test_home_shows_the_organs_indicators_grouped(world):
    page = world.client("admin").get("/?year=2025").content.decode()
    assert "组织与人员" in page and "干部职工人数" in page
    assert page.index(">组织与人员</th>") < page.index(">学习型</th>") < page.index(">民情台账</th>")
    assert "测试县发改局" not in page


def test_committee_home_compares_every_organ(world):
    page = world.client("committee").get("/?year=2025").content.decode()
    assert "测试县文广新旅局" in page and "测试县发改局" in page


def test_a_bad_year_falls_back_to_the_default(world):
    from mofan.core.views import default_year

    response = world.client("admin").get("/?year=abc")
    assert response.status_code == 200 and response.context["year"] == default_year()


def test_home_query_count_does_not_grow_with_organs(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mofan.orgs.models import Org

    client = world.client("committee")
    with CaptureQueriesContext(connection) as two:
        client.get("/?year=2025")
    for i in range(10):
        Org.objects.create(name=f"新机关{i}", code=f"new{i}", kind=Org.ORGAN, parent=world.committee)
    with CaptureQueriesContext(connection) as twelve:
        client.get("/?year=2025")
    assert len(twelve.captured_queries) == len(two.captured_queries)
