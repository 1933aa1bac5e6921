"""The committee sees many organs: its lists name each row's 机关 and filter by it, so two
organs' 办公室 are told apart. An organ's own users see neither."""

import re
from io import BytesIO

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from mofan.orgs.models import Org, Person


def headers(html):
    return re.findall(r"<th>(?:<a [^>]*>)?([^<]*)", html)


def test_committee_people_list_names_each_rows_organ(world):
    Org.objects.create(name="办公室", code="fg-bgs2", kind=Org.SECTION, parent=world.other)
    html = world.client("committee").get("/orgs/people/").content.decode()
    assert headers(html)[:3] == ["姓名", "机关", "性别"]
    assert 'name="organ"' in html
    assert '<td data-label="机关">测试县文广新旅局</td>' in html
    assert '<td data-label="机关">测试县发改局</td>' in html


def test_committee_filters_a_list_by_organ(world):
    client = world.client("committee")
    html = client.get("/orgs/people/", {"organ": world.other.pk}).content.decode()
    assert "外单位" in html and "王股长" not in html
    orgs = client.get("/orgs/units/", {"organ": world.other.pk}).content.decode()
    assert "发改办公室" in orgs and "文物股" not in orgs


def test_a_foreign_or_bad_organ_filter_is_ignored(world):
    client = world.client("committee")
    for value in ("x", "9" * 30, str(world.section.pk)):  # a section is no organ
        html = client.get("/orgs/people/", {"organ": value}).content.decode()
        assert "外单位" in html and "王股长" in html, value


def test_organ_admin_sees_no_organ_column_or_filter(world):
    html = world.client("admin").get("/orgs/people/").content.decode()
    assert "机关" not in headers(html) and 'name="organ"' not in html


def test_committee_ledger_list_and_export_carry_the_organ(world, ledger_today):
    from mofan.appeals.tests.factories import appeal

    appeal(world)
    client = world.client("committee")
    html = client.get("/appeals/items/").content.decode()
    assert "机关" in headers(html)
    ws = load_workbook(BytesIO(client.get("/appeals/items/?export=xlsx").content)).active
    header_row = next(r for r in ws.iter_rows(values_only=True) if "序号" in r)
    assert "机关" in header_row


def test_organ_column_adds_no_query_per_row(world):
    client = world.client("committee")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get("/orgs/people/")
        return len(ctx.captured_queries)

    small = count()
    Person.objects.bulk_create(Person(name=f"批量{i}", gender="M", org=world.other_office)
                               for i in range(30))
    assert count() == small
