"""政企座谈: the demands raised at a meeting become 纾困解难诉求 in one step, once each."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mofan.audit.models import AuditLog
from mofan.core import ledger
from mofan.core.indicators import REGISTRY, Period
from mofan.enterprise import services
from mofan.enterprise.models import Demand, Enterprise, Meeting

pytestmark = pytest.mark.usefixtures("ledger_today")


@pytest.fixture
def meeting(world):
    m = Meeting.objects.create(org=world.organ, kind="night", held_on=dt.date(2025, 5, 20),
                               topic="文旅企业政企夜谈")
    m.enterprises.set([Enterprise.objects.create(org=world.organ, name="古镇旅游公司"),
                       Enterprise.objects.create(org=world.organ, name="山水旅行社")])
    return m


def rows(meeting, *items):
    """The meeting page's form: (enterprise name, type, content) per row, blank rows after."""
    data = {"raised-TOTAL_FORMS": "5", "raised-INITIAL_FORMS": "0",
            "raised-MIN_NUM_FORMS": "0", "raised-MAX_NUM_FORMS": "50"}
    for i, (name, demand_type, content) in enumerate(items):
        company = meeting.enterprises.get(name=name) if name else None
        data.update({f"raised-{i}-enterprise": company.pk if company else "",
                     f"raised-{i}-demand_type": demand_type,
                     f"raised-{i}-content": content})
    return data


def post(client, meeting, *items):
    return client.post(f"/enterprise/meetings/{meeting.pk}/demands/", rows(meeting, *items))


def test_each_raised_demand_becomes_one_ledger_item_of_the_meeting(world, meeting):
    response = post(world.client("admin"), meeting,
                    ("古镇旅游公司", "land", "停车场扩建用地。旺季车位不足"),
                    ("山水旅行社", "funds", "申请贷款贴息"))
    assert response.status_code == 302
    demands = Demand.objects.filter(meeting=meeting).order_by("id")
    assert [(d.enterprise.name, d.demand_type, d.title) for d in demands] == [
        ("古镇旅游公司", "land", "停车场扩建用地"), ("山水旅行社", "funds", "申请贷款贴息")]
    assert all(d.state == ledger.REGISTERED and d.org == world.organ for d in demands)
    assert all(str(d.registered_on) == "2025-05-20" for d in demands)


def test_posting_the_same_demands_again_registers_nothing_more(world, meeting):
    client = world.client("admin")
    post(client, meeting, ("古镇旅游公司", "land", "停车场扩建用地"))
    response = post(client, meeting, ("古镇旅游公司", "land", "停车场扩建用地"),
                    ("山水旅行社", "funds", "申请贷款贴息"))
    assert Demand.objects.filter(meeting=meeting).count() == 2
    page = client.get(response.url).content.decode()
    assert "已登记为纾困解难诉求 1 条；1 条此前已登记，未重复登记" in page


def test_the_same_words_of_another_enterprise_are_another_demand(world, meeting):
    post(world.client("admin"), meeting, ("古镇旅游公司", "labour", "旺季导游短缺"),
         ("山水旅行社", "labour", "旺季导游短缺"))
    assert Demand.objects.filter(meeting=meeting).count() == 2


def test_each_registered_demand_has_its_timeline_and_an_audit_row(world, meeting):
    post(world.client("admin"), meeting, ("古镇旅游公司", "funds", "申请消费券配套资金"))
    demand = Demand.objects.get(meeting=meeting)
    assert list(ledger.timeline(demand).values_list("action", flat=True)) == ["register"]
    assert AuditLog.objects.filter(action="create", object_type="enterprise.demand",
                                   object_id=str(demand.pk)).count() == 1


def test_the_meeting_page_lists_its_demands(world, meeting):
    post(world.client("admin"), meeting, ("古镇旅游公司", "funds", "申请消费券配套资金"))
    page = world.client("admin").get(f"/enterprise/meetings/{meeting.pk}/").content.decode()
    assert "申请消费券配套资金" in page and 'id="register-demands"' in page


def test_a_half_filled_row_is_refused_and_nothing_is_registered(world, meeting):
    response = post(world.client("admin"), meeting, ("古镇旅游公司", "funds", "申请贴息"),
                    ("山水旅行社", "", "没有选类型"))
    assert response.status_code == 422
    assert "请选择诉求类型" in response.content.decode()
    assert "没有选类型" in response.content.decode()  # the rows come back as typed
    assert not Demand.objects.filter(meeting=meeting).exists()


def test_an_empty_form_registers_nothing_and_says_so(world, meeting):
    response = post(world.client("admin"), meeting)
    assert response.status_code == 422
    assert not Demand.objects.exists()


def test_an_enterprise_that_did_not_attend_is_refused(world, meeting):
    stranger = Enterprise.objects.create(org=world.organ, name="未参会公司")
    raised = [services.Raised(stranger, "funds", "申请贴息")]
    with pytest.raises(ValidationError, match="不是本次座谈的参会企业"):
        services.register_raised(meeting, raised, actor=world.users["admin"])
    assert not Demand.objects.exists()


def test_a_section_head_may_not_register_demands_on_the_organs_meeting(world, meeting):
    company = meeting.enterprises.first()
    with pytest.raises(PermissionDenied):
        services.register_raised(meeting, [services.Raised(company, "funds", "申请贴息")],
                                 actor=world.users["head"])
    # The organ's meeting is outside a section head's view at all.
    assert post(world.client("head"), meeting, ("古镇旅游公司", "funds", "x")).status_code == 404
    assert not Demand.objects.exists()


def test_an_outsider_gets_404_registering_on_another_organs_meeting(world, meeting):
    assert post(world.client("outsider"), meeting,
                ("古镇旅游公司", "funds", "申请贴息")).status_code == 404
    assert not Demand.objects.exists()


def test_relief_meetings_are_counted_and_none_for_an_organ_that_never_held_one(world, meeting):
    Meeting.objects.create(org=world.organ, kind="forum", held_on="2025-09-01", topic="座谈会")
    Meeting.objects.create(org=world.organ, kind="forum", held_on="2024-09-01", topic="去年")
    values = REGISTRY["enterprise.relief_meetings"].values([world.organ.pk, world.other.pk],
                                                           Period.year(2025))
    assert values == {world.organ.pk: 2, world.other.pk: None}


def test_relief_meetings_filter_by_year(world, meeting):
    Meeting.objects.create(org=world.organ, kind="forum", held_on="2024-09-01", topic="去年座谈")
    page = world.client("admin").get("/enterprise/meetings/?year=2024").content.decode()
    assert "去年座谈" in page and "文旅企业政企夜谈" not in page


MEETING_HEADERS = ["日期", "形式", "主题", "地点", "主持领导", "参会企业", "会议纪要"]


def meeting_sheet(*rows):
    from io import BytesIO

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(MEETING_HEADERS)
    for r in rows:
        wb.active.append(list(r))
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_an_import_of_meetings_links_the_attending_enterprises(world, meeting):
    from mofan.enterprise.screens import MeetingImporter

    result = MeetingImporter(world.users["admin"]).commit(meeting_sheet(
        ["2025-04-09", "政企夜谈", "第3期", "游客中心", "", "古镇旅游公司、山水旅行社", "纪要"],
        ["2025-06-09", "座谈会", "第4期", "", "", "", ""]))
    assert result.ok, result.errors
    imported = Meeting.objects.get(topic="第3期")
    assert sorted(imported.enterprises.values_list("name", flat=True)) == ["古镇旅游公司", "山水旅行社"]
    assert imported.org == world.organ
    assert not Meeting.objects.get(topic="第4期").enterprises.exists()


def test_a_meeting_import_naming_an_unknown_enterprise_commits_nothing(world, meeting):
    from mofan.enterprise.screens import MeetingImporter

    Enterprise.objects.create(org=world.other, name="发改联系企业")
    result = MeetingImporter(world.users["admin"]).commit(meeting_sheet(
        ["2025-04-09", "政企夜谈", "第3期", "", "", "古镇旅游公司", ""],
        ["2025-06-09", "座谈会", "第4期", "", "", "发改联系企业，不存在公司", ""]))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "参会企业")]
    assert "发改联系企业、不存在公司" in result.errors[0].reason
    assert Meeting.objects.count() == 1  # only the fixture's


def test_the_kind_filter_offers_all_kinds_once(world, meeting):
    page = world.client("admin").get("/enterprise/meetings/").content.decode()
    select = page[page.index('name="kind"'):]
    select = select[:select.index("</select>")]
    assert select.count('value=""') == 1
