from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mofan.attendance import reports
from mofan.attendance.stats import recompute
from mofan.orgs.models import Person

from .factories import THU
from .test_reports import MON


def queries(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx)


def add_people(world, n):
    Person.objects.bulk_create([Person(name=f"新人{i}", gender="M", org=world.section)
                                for i in range(n)])


def test_the_daily_page_costs_the_same_queries_for_more_people(world):
    c = world.client("admin")
    recompute(world.organ, THU, THU)
    few = queries(c, reverse("attendance:daily"), {"date": str(THU)})
    add_people(world, 10)
    recompute(world.organ, THU, THU)
    assert queries(c, reverse("attendance:daily"), {"date": str(THU)}) == few


def test_the_week_and_month_pages_cost_the_same_queries_for_more_people(world):
    c = world.client("admin")
    recompute(world.organ, MON, MON)
    reports.month_cases(world.organ, MON)
    counts = [queries(c, reverse("attendance:week"), {"date": str(MON)}),
              queries(c, reverse("attendance:month"), {"month": "2025-10"})]
    add_people(world, 10)
    recompute(world.organ, MON, MON)
    reports.month_cases(world.organ, MON)
    assert [queries(c, reverse("attendance:week"), {"date": str(MON)}),
            queries(c, reverse("attendance:month"), {"month": "2025-10"})] == counts


def test_my_month_costs_the_same_queries_for_more_days(world):
    c = world.client("member")
    recompute(world.organ, THU, THU)
    one = queries(c, reverse("attendance:mine"), {"month": "2025-10"})
    recompute(world.organ, THU.replace(day=1), THU.replace(day=31))
    assert queries(c, reverse("attendance:mine"), {"month": "2025-10"}) == one


def test_the_explanations_and_import_pages_cost_the_same_queries_for_more_rows(world):
    import datetime as dt

    from mofan.attendance.models import Explanation, ImportRun

    def add(n):
        for i in range(n):
            day = THU + dt.timedelta(days=len(Explanation.objects.all()) + i)
            Explanation.objects.create(org=world.other_section, person=world.member_person,
                                       date=day, kind=Explanation.FORGOT, reason="忘记打卡")
            ImportRun.objects.create(org=world.organ, filename=f"{i}.csv",
                                     status=ImportRun.FAILED, reason="无法识别文件编码")

    c = world.client("admin")
    add(1)
    counts = [queries(c, reverse("attendance:explanations"), {}),
              queries(c, reverse("attendance:import"), {})]
    add(8)
    assert [queries(c, reverse("attendance:explanations"), {}),
            queries(c, reverse("attendance:import"), {})] == counts
