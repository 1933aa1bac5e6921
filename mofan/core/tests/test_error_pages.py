"""Error pages are Chinese and in the site's layout (issue 7, finding 10), and the pages
that answered 500 in the probe answer properly (finding 8)."""

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from mofan.enterprise.tests.factories import first_enterprise, first_meeting


def test_a_missing_page_is_a_chinese_404_in_the_site_layout(world):
    response = world.client("admin").get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and "返回首页" in page and "模范机关创建" in page
    assert "Not Found" not in page


def test_a_row_outside_ones_scope_says_why_in_chinese(world):
    response = world.client("outsider").get(f"/orgs/people/{world.head_person.pk}/")
    assert response.status_code == 404
    assert "不在您的管理范围内" in response.content.decode()


def test_a_refusal_is_a_chinese_403_with_its_reason(world):
    response = world.client("admin").get("/audit/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权操作" in page and "Forbidden" not in page


def test_a_failed_csrf_check_asks_to_reload_in_chinese(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    response = client.post("/orgs/people/new/", {"name": "张三"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "CSRF verification failed" not in page


def test_the_server_error_page_is_chinese_and_needs_no_database(db):
    request = RequestFactory().get("/")
    response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "系统出错" in page and "没有保存" in page and "Server Error" not in page


@pytest.mark.parametrize("factory", [first_meeting, first_enterprise])
def test_enterprise_detail_pages_render_their_many_to_many_fields(world, factory):
    obj = factory(world)
    if hasattr(obj, "enterprises"):
        obj.enterprises.add(first_enterprise(world))
    url = f"/enterprise/{'meetings' if hasattr(obj, 'enterprises') else 'companies'}/{obj.pk}/"
    response = world.client("admin").get(url)
    assert response.status_code == 200, url
    if hasattr(obj, "enterprises"):
        assert first_enterprise(world).name in response.content.decode()


def test_a_nul_character_in_the_query_is_a_chinese_400_not_a_database_error(world):
    response = world.client("admin").get("/orgs/people/?q=%00&kind=a%00b")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
