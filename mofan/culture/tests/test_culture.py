"""文化惠民: events, the projection team's screening list imported all or nothing, the
indicators summed in 场, and who sees what."""

import datetime as dt
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from mofan.audit.models import AuditLog
from mofan.core.indicators import REGISTRY, Period
from mofan.culture.models import Event
from mofan.culture.screens import EventImporter

from .factories import event

YEAR = Period.year(2025)
URL = "/culture/events/import/"
HEADERS = ["类型", "日期", "乡镇", "村（社区）", "剧目/影片/内容", "场次", "观众/参与人数", "人数口径",
           "承办单位"]
SCREENINGS = [
    ["送电影下乡", "2025-03-02", "三溪镇", "上溪村", "《长津湖》", 1, 120, "估算", "县电影放映队"],
    ["送电影下乡", "2025年3月3日", "三溪镇", "下溪村", "《守岛人》", 2, 90, "估算", "县电影放映队"],
]


def sheet(rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("三月放映场次.xlsx", buf.getvalue())


def value(key, organ):
    return REGISTRY[key].value(organ.pk, YEAR)


# --- indicators


def test_opera_shows_are_summed_in_chang_over_events(world):
    event(world, kind=Event.OPERA, shows=2)
    event(world, kind=Event.OPERA, shows=1)
    assert value("culture.opera_to_villages", world.organ) == 3


def test_an_organ_that_never_recorded_an_event_has_no_data_not_zero(world):
    event(world, kind=Event.OPERA)
    assert value("culture.films_to_villages", world.organ) == 0  # it records, no films
    assert value("culture.films_to_villages", world.other) is None


def test_events_outside_the_period_do_not_count(world):
    event(world, kind=Event.FILM, date=dt.date(2024, 12, 31), shows=5)
    event(world, kind=Event.FILM, date=dt.date(2025, 1, 1), shows=1)
    assert value("culture.films_to_villages", world.organ) == 1


def test_events_of_the_organs_sections_and_units_count_for_the_organ(world):
    event(world, kind=Event.GUIDED, org=world.unit, shows=4)
    assert value("culture.guided_township_events", world.organ) == 4


def test_training_participants_sum_the_people_of_each_course(world):
    event(world, kind=Event.TRAINING, audience=300)
    event(world, kind=Event.TRAINING, audience=450, audience_basis=Event.ESTIMATE)
    assert value("culture.training_participants", world.organ) == 750


def test_training_without_any_recorded_participants_has_no_figure(world):
    event(world, kind=Event.TRAINING, audience=None)
    assert value("culture.training_participants", world.organ) is None


def test_large_event_sources_are_the_events_behind_the_figure(world):
    big = event(world, kind=Event.LARGE, title="元宵晚会")
    event(world, kind=Event.OPERA)
    assert list(REGISTRY["culture.large_events"].sources(world.organ, YEAR)) == [big]


# --- rules of a record


def test_a_screening_without_a_place_is_refused(world):
    response = world.client("admin").post("/culture/events/new/", {
        "kind": Event.FILM, "title": "放映", "date": "2025-03-01", "shows": 1,
        "audience_basis": Event.EXACT})
    assert response.status_code == 422 and "送电影下乡须填写放映的乡镇或村" in response.content.decode()
    assert not Event.objects.exists()


def test_an_estimated_audience_is_marked_as_such_in_the_list(world):
    event(world, audience=120, audience_basis=Event.ESTIMATE)
    page = world.client("admin").get("/culture/events/").content.decode()
    assert "约 120 人" in page


def test_an_event_a_head_adds_belongs_to_his_section(world):
    response = world.client("head").post("/culture/events/new/", {
        "kind": Event.OPERA, "title": "送戏进村", "date": "2025-04-01", "village": "法水村",
        "shows": 2, "audience_basis": Event.EXACT})
    assert response.status_code == 302
    assert Event.objects.get(title="送戏进村").org == world.section


def test_a_member_cannot_add_an_event(world):
    response = world.client("member").post("/culture/events/new/", {
        "kind": Event.OPERA, "title": "私自登记", "date": "2025-04-01", "village": "法水村",
        "shows": 1, "audience_basis": Event.EXACT})
    assert response.status_code == 403 and not Event.objects.exists()


# --- scope


def test_the_other_organ_sees_none_of_the_events_and_the_committee_sees_all(world):
    event(world, title="本局送戏")
    event(world, org=world.other, title="发改局观影")
    outsider = world.client("outsider").get("/culture/events/").content.decode()
    committee = world.client("committee").get("/culture/events/").content.decode()
    assert "本局送戏" not in outsider and "发改局观影" in outsider
    assert "本局送戏" in committee and "发改局观影" in committee


def test_the_other_organ_gets_404_for_an_event(world):
    pk = event(world).pk
    assert world.client("outsider").get(f"/culture/events/{pk}/").status_code == 404


# --- import


def test_the_screening_list_is_checked_first_then_imported_whole(world):
    client = world.client("admin")
    response = client.post(URL, {"file": sheet(SCREENINGS)})
    assert response.status_code == 200 and "检查通过" in response.content.decode()
    assert not Event.objects.exists()
    response = client.post(URL, {"confirm": "1", "token": client.session["mofan_import_token"]})
    assert response.status_code == 302
    rows = list(Event.objects.order_by("date"))
    assert [(e.org, e.kind, e.shows) for e in rows] == [(world.organ, Event.FILM, 1),
                                                         (world.organ, Event.FILM, 2)]
    assert rows[0].title == "送电影下乡·三溪镇上溪村《长津湖》"
    assert rows[1].audience_basis == Event.ESTIMATE and rows[1].date == dt.date(2025, 3, 3)
    assert AuditLog.objects.filter(action="import", object_type="culture.event").count() == 1
    assert value("culture.films_to_villages", world.organ) == 3


def test_every_bad_row_is_reported_and_nothing_is_imported(world):
    rows = [*SCREENINGS,
            ["放电影", "2025-03-04", "三溪镇", "石桥村", "", 1, 50, "", ""],       # row 4: kind
            ["送电影下乡", "2025-02-30", "三溪镇", "石桥村", "", 1, 50, "", ""],   # row 5: date
            ["送电影下乡", "2025-03-05", "", "", "《夺冠》", 1, 50, "", ""],       # row 6: place
            ["送电影下乡", "2025-03-06", "三溪镇", "龙潭村", "", "两场", 50, "", ""],  # row 7
            ["送电影下乡", "2025-03-07", "三溪镇", "龙潭村", "", 0, 50, "大概", ""]]  # row 8
    response = world.client("admin").post(URL, {"file": sheet(rows)})
    assert response.status_code == 422
    found = {(e.row, e.column) for e in response.context["result"].errors}
    assert found == {(4, "类型"), (5, "日期"), (6, "村（社区）"), (7, "场次"), (8, "场次"),
                     (8, "人数口径")}
    assert not Event.objects.exists()


def test_a_bad_row_found_on_confirm_commits_none_of_the_good_ones(world):
    rows = [*SCREENINGS, ["送电影下乡", "", "三溪镇", "石桥村", "", 1, 50, "", ""]]
    result = EventImporter(world.users["admin"]).commit(sheet(rows))
    assert not result.ok and (4, "日期") in {(e.row, e.column) for e in result.errors}
    assert not Event.objects.exists()


def test_a_member_cannot_import_events(world):
    response = world.client("member").post(URL, {"file": sheet(SCREENINGS)})
    assert response.status_code == 403 and not Event.objects.exists()


def test_the_committee_cannot_import_into_an_organ(world):
    result = EventImporter(world.users["committee"]).read(sheet(SCREENINGS))
    assert not result.ok and "只有单位管理员或负责人可以导入" in result.errors[0].reason


# --- export and queries


def test_the_export_lists_the_visible_events_with_chinese_headers(world):
    event(world, title="送戏到法水村")
    event(world, org=world.other, title="别人的活动")
    response = world.client("admin").get("/culture/events/?export=xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in ws[1]][:4] == ["日期", "结束日期", "类型", "活动名称"]
    assert [row[3] for row in ws.iter_rows(min_row=2, values_only=True)] == ["送戏到法水村"]


def _grow(world, n):
    Event.objects.bulk_create(Event(org=world.unit, kind=Event.FILM, title=f"放映{i}",
                                    date=dt.date(2025, 1 + i % 12, 1), village="上溪村")
                              for i in range(n))


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_export_queries_do_not_grow_with_rows(world):
    client = world.client("admin")
    _grow(world, 10)
    small = [_queries(client, u) for u in ("/culture/events/?year=2025",
                                           "/culture/events/?export=xlsx")]
    _grow(world, 190)
    assert [_queries(client, u) for u in ("/culture/events/?year=2025",
                                          "/culture/events/?export=xlsx")] == small
