"""The enterprise lists, exports and pages run the same number of queries for 10 rows and
for 100."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.enterprise.models import (
    ChainMeeting,
    Demand,
    Enterprise,
    Meeting,
    SupportRecord,
    VoucherBatch,
)

from .factories import first_committee, first_demand, kind


def grow(world, n):
    company = Enterprise.objects.create(org=world.organ, name=f"企业{n}")
    committee = first_committee(world)
    demand = first_demand(world)
    for i in range(n):
        day = dt.date(2025, 1 + i % 12, 1 + i % 28)
        m = Meeting.objects.create(org=world.organ, kind="forum", held_on=day, topic=f"座谈{n}-{i}")
        m.enterprises.add(company)
        SupportRecord.objects.create(org=world.organ, enterprise=demand.enterprise, demand=demand,
                                     kind=kind("finance"), amount=Decimal("100.01"), date=day)
        VoucherBatch.objects.create(org=world.organ, title=f"批次{n}-{i}", issued_on=day,
                                    amount_issued=Decimal(1000), amount_redeemed=Decimal(10))
        ChainMeeting.objects.create(committee=committee, kind="dispatch", held_on=day,
                                    topic=f"调度{n}-{i}")


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [
    "/enterprise/meetings/", "/enterprise/meetings/?export=xlsx",
    "/enterprise/support/", "/enterprise/support/?export=xlsx",
    "/enterprise/vouchers/", "/enterprise/vouchers/?export=xlsx",
    "/enterprise/chain-meetings/", "/enterprise/chain-meetings/?export=xlsx",
    "/enterprise/chain/", "/enterprise/chain-cadence/?year=2025",
])
def test_list_queries_do_not_grow_with_rows(world, url):
    client = world.client("admin")
    grow(world, 10)
    small = count(client, url)
    grow(world, 90)
    assert count(client, url) == small


@pytest.mark.parametrize("page", ["committee", "demand", "enterprise"])
def test_detail_queries_do_not_grow_with_related_rows(world, page):
    client = world.client("admin")
    grow(world, 10)
    url = {"committee": f"/enterprise/chain/{first_committee(world).pk}/",
           "demand": f"/enterprise/demands/{first_demand(world).pk}/",
           "enterprise": f"/enterprise/companies/{Demand.objects.first().enterprise_id}/"}[page]
    small = count(client, url)
    grow(world, 90)
    assert count(client, url) == small
