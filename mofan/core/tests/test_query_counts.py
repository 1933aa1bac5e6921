"""List pages run the same number of queries for 10 rows and for 200."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.orgs.models import Org, PartyOrg, Person

LISTS = ["/orgs/people/", "/orgs/units/", "/orgs/party/", "/orgs/campaigns/"]


def grow(world, n):
    Person.objects.bulk_create(
        Person(name=f"批量{i}", gender="M", org=world.section, political_status="cpc",
               branch=world.branch, staff_no=f"B{n}-{i}") for i in range(n))
    for i in range(n // 10):
        unit = Org.objects.create(name=f"批量单位{n}-{i}", code=f"bulk{n}-{i}", kind=Org.SECTION,
                                  parent=world.organ)
        PartyOrg.objects.create(org=unit, name=f"批量支部{n}-{i}", kind="branch")


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"page": 1}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", LISTS)
def test_list_queries_do_not_grow_with_rows(world, url):
    client = world.client("admin")
    grow(world, 10)
    small = count(client, url)
    grow(world, 190)
    assert count(client, url) == small


def test_people_export_queries_do_not_grow_with_rows(world):
    client = world.client("admin")
    grow(world, 10)
    small = count(client, "/orgs/people/?export=xlsx")
    grow(world, 190)
    assert count(client, "/orgs/people/?export=xlsx") == small
