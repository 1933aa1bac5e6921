"""Ledger screens: lists, detail actions, 我的待办, export, import, indicators."""

import datetime as dt
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from mofan.appeals.models import Appeal
from mofan.appeals.tests.factories import appeal
from mofan.core import ledger
from mofan.core.indicators import REGISTRY, Period
from mofan.core.models import CalendarOverride, LedgerEvent

D = dt.date


pytestmark = pytest.mark.usefixtures("ledger_today")


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def many(world, n, **kw):
    for i in range(n):
        item = appeal(world, title=f"诉求{i}", **kw)
        if i % 2:
            ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person,
                             at=at(D(2025, 9, 30)))


def list_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_rows(world):
    client = world.client("admin")
    many(world, 10)
    small = list_queries(client, "/appeals/items/?paginate=1")
    many(world, 190)
    assert list_queries(client, "/appeals/items/?paginate=1") == small
    assert list_queries(client, "/appeals/items/?overdue=1&state=assigned") == small


def test_export_query_count_does_not_grow_with_rows(world):
    client = world.client("admin")
    many(world, 10)
    small = list_queries(client, "/appeals/items/?export=xlsx")
    many(world, 90)
    assert list_queries(client, "/appeals/items/?export=xlsx") == small


def test_list_filters_by_state_and_overdue(world):
    many(world, 4)
    client = world.client("admin")
    page = client.get("/appeals/items/?state=assigned").content.decode()
    assert "共 2 条" in page
    assert "共 2 条" in client.get("/appeals/items/?overdue=1").content.decode()
    assert "共 2 条" in client.get("/appeals/items/?overdue=0").content.decode()


def test_owner_head_sees_items_assigned_to_his_unit_in_the_list(world):
    many(world, 4)
    assert "共 2 条" in world.client("head").get("/appeals/items/").content.decode()


def test_detail_shows_the_actions_the_user_may_take(world):
    item = appeal(world)
    page = world.client("admin").get(f"/appeals/items/{item.pk}/").content.decode()
    assert 'id="action-assign"' in page and 'id="timeline"' in page
    page = world.client("committee").get(f"/appeals/items/{item.pk}/").content.decode()
    assert 'id="no-actions"' in page


def test_posting_an_action_runs_the_engine_and_shows_the_result(world):
    item = appeal(world)
    due = timezone.localdate() + dt.timedelta(days=30)
    response = world.client("admin").post(f"/appeals/items/{item.pk}/act/", {
        "action": "assign", "owner": world.head_person.pk, "version": item.version,
        "deadline": due.isoformat(), "note": "请办理"}, follow=True)
    item.refresh_from_db()
    assert item.state == ledger.ASSIGNED and item.deadline == due
    assert "已交办" in response.content.decode()


def test_a_stale_page_gets_a_clear_message_and_changes_nothing(world):
    item = appeal(world)
    client = world.client("admin")
    old = item.version
    client.post(f"/appeals/items/{item.pk}/act/", {
        "action": "assign", "owner": world.head_person.pk, "version": old})
    response = client.post(f"/appeals/items/{item.pk}/act/", {
        "action": "assign", "owner": world.member_person.pk, "version": old}, follow=True)
    item.refresh_from_db()
    assert item.owner == world.head_person
    assert "请刷新页面" in response.content.decode()


def test_an_illegal_post_is_refused_with_the_reason(world):
    item = appeal(world)
    ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person)
    response = world.client("head").post(f"/appeals/items/{item.pk}/act/", {
        "action": "close", "version": item.version}, follow=True)
    assert "只有台账管理员" in response.content.decode()
    item.refresh_from_db()
    assert item.state == ledger.ASSIGNED


def test_registering_through_the_form_starts_the_timeline(world):
    response = world.client("admin").post("/appeals/items/new/", {
        "title": "路灯损坏", "source": "observe", "category": "help", "words": "路灯坏了",
        "registered_on": "2025-10-10"})
    assert response.status_code == 302
    item = Appeal.objects.get(title="路灯损坏")
    assert item.org == world.organ and item.state == ledger.REGISTERED
    assert list(ledger.timeline(item).values_list("action", flat=True)) == ["register"]


def test_a_member_may_not_register_items(world):
    assert world.client("member").get("/appeals/items/new/").status_code == 403


def test_the_new_button_is_shown_only_to_those_who_may_register(world):
    # Screens.may_create: the button and the form answer on the same rule.
    for who, shown in (("admin", True), ("head", True), ("committee", False)):
        page = world.client(who).get("/appeals/items/").content.decode()
        assert ('href="/appeals/items/new/"' in page) is shown, who
    assert world.client("committee").get("/appeals/items/new/").status_code == 403


def test_contact_is_masked_in_the_detail_for_whom_need_not_call(world):
    item = appeal(world)  # the organ's administrator sees it in full (appeals/test_phone.py)
    page = world.client("committee").get(f"/appeals/items/{item.pk}/").content.decode()
    assert "139****5678" in page and "13912345678" not in page


# ---------------------------------------------------------------- 我的待办


def test_my_todo_shows_an_overdue_assignment_with_a_reminder(world):
    item = appeal(world)
    ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person,
                     at=at(D(2025, 9, 30)))
    page = world.client("head").get("/ledger/todo/").content.decode()
    assert item.title in page and "已逾期" in page and "纳入通报" in page


def test_my_todo_reminds_of_a_deadline_within_one_working_day(world):
    item = appeal(world, registered_on=timezone.localdate())
    ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person,
                     deadline=timezone.localdate())
    page = world.client("head").get("/ledger/todo/").content.decode()
    assert "1 个工作日内到期" in page


def test_my_todo_shows_a_returned_item_and_an_urge(world):
    item = appeal(world)
    admin, head = world.users["admin"], world.users["head"]
    ledger.do_assign(item, actor=admin, owner=world.head_person)
    ledger.do_accept(item, actor=head)
    ledger.do_submit(item, actor=head, result="x")
    ledger.do_return(item, actor=admin, reason="补充材料")
    ledger.do_urge(item, actor=admin)
    page = world.client("head").get("/ledger/todo/").content.decode()
    assert "被催办" in page
    item.refresh_from_db()
    assert item.last_action == "urge" and item.return_count == 1


def test_keepers_todo_lists_items_waiting_for_assignment_and_review(world):
    appeal(world, title="待交办的诉求")
    page = world.client("admin").get("/ledger/todo/").content.decode()
    assert "待交办的诉求" in page and "待交办" in page


def test_outsider_todo_holds_nothing_of_another_organ(world):
    appeal(world, title="别家的诉求")
    page = world.client("outsider").get("/ledger/todo/").content.decode()
    assert "别家的诉求" not in page


# ---------------------------------------------------------------- export, import


def test_export_is_in_ledger_layout_with_a_title_and_numbers(world):
    many(world, 3)
    response = world.client("admin").get("/appeals/items/?export=xlsx&start=2025-01-01")
    ws = load_workbook(BytesIO(response.content)).active
    assert ws["A1"].value.startswith("测试县文广新旅局民情台账")
    assert ws["A2"].value == "序号" and ws["A3"].value == 1
    assert ws.max_row == 5
    phones = [c.value for c in ws[3]]
    assert "139****5678" in phones


def _sheet(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["事项", "来源", "类别", "群众诉求", "登记日期", "状态", "责任人", "交办日期",
               "办理时限", "办结日期", "办理结果"])
    for r in rows:
        ws.append(r)
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "民情台账.xlsx"
    return buf


def _import(world, rows):
    from mofan.appeals.screens import AppealImporter

    return AppealImporter(world.users["admin"]).commit(_sheet(rows))


GOOD = ["路灯维修", "察民情", "求助", "路灯坏了", "2025-03-03", "已销号", "王股长",
        "2025-03-03", "2025-03-06", "2025-03-05", "已修好"]


def test_import_keeps_the_dates_of_closed_items(world):
    result = _import(world, [GOOD, ["咨询开放时间", "听民声", "咨询", "几点开门", "2025-03-04",
                                    "登记", "", "", "", "", ""]])
    assert result.ok, result.errors
    closed = Appeal.objects.get(title="路灯维修")
    assert closed.state == ledger.CLOSED and closed.closed_on == D(2025, 3, 5)
    assert closed.closed_on_time is True and closed.days_to_close == 2
    assert closed.owner == world.head_person and closed.org == world.organ
    assert LedgerEvent.objects.filter(action="import").count() == 2


def test_import_with_a_bad_row_commits_nothing(world):
    bad = ["缺办结日期", "察民情", "求助", "x", "2025-03-03", "已销号", "王股长", "2025-03-03",
           "", "", "已修好"]
    unknown = ["查无此人", "察民情", "求助", "x", "2025-03-03", "交办", "外单位", "", "", "", ""]
    result = _import(world, [GOOD, bad, unknown])
    assert not result.ok
    assert {(e.row, e.column) for e in result.errors} == {(3, "办结日期"), (4, "责任人")}
    assert Appeal.objects.count() == 0


def test_import_screen_dry_run_reports_and_commits_nothing(world):
    response = world.client("admin").post("/appeals/items/import/",
                                           {"file": _sheet([GOOD[:5] + ["飞走了"]])})
    assert response.status_code == 422 and "不是可选值" in response.content.decode()
    assert Appeal.objects.count() == 0


# ---------------------------------------------------------------- indicators


def test_indicators_equal_the_list_counts(world):
    many(world, 6)
    item = appeal(world, title="已办结")
    admin, head = world.users["admin"], world.users["head"]
    ledger.do_assign(item, actor=admin, owner=world.head_person, at=at(D(2025, 9, 30)))
    ledger.do_accept(item, actor=head, at=at(D(2025, 10, 9)))
    ledger.do_submit(item, actor=head, result="x", at=at(D(2025, 10, 9)))
    ledger.do_close(item, actor=admin, at=at(D(2025, 10, 10)))
    period = Period.year(2025)
    value = lambda key: REGISTRY[key].value(world.organ.pk, period)  # noqa: E731
    client = world.client("admin")
    count = lambda q: int(client.get(f"/appeals/items/?start=2025-01-01&end=2025-12-31&{q}")  # noqa: E731
                          .context["page"].paginator.count)
    assert value("ledgers.appeals.total") == count("") == 7
    assert value("ledgers.appeals.closed") == count("state=closed") == 1
    assert value("ledgers.appeals.overdue_open") == count("overdue=1") == 3
    assert value("ledgers.appeals.closed_on_time_rate") == 100.0
    assert value("ledgers.appeals.avg_days_to_close") == 10.0
    assert REGISTRY["ledgers.appeals.total"].value(world.other.pk, period) is None  # never used


# ---------------------------------------------------------------- calendar screen


def test_org_admin_maintains_the_work_calendar_in_the_ui(world):
    client = world.client("admin")
    response = client.post("/calendar/days/new/", {
        "org": world.organ.pk, "date": "2031-01-02", "kind": "workday", "note": "调休上班"})
    assert response.status_code == 302
    assert CalendarOverride.objects.get(date=D(2031, 1, 2)).org == world.organ


def test_calendar_overrides_are_kept_per_organ_not_per_section(world):
    response = world.client("admin").post("/calendar/days/new/", {
        "org": world.section.pk, "date": "2031-01-02", "kind": "workday"})
    assert response.status_code == 422


# ---------------------------------------------------------------- postgres race


@pytest.mark.django_db(transaction=True)
def test_two_threads_closing_at_once_produce_one_close(world):
    if connection.vendor != "postgresql":
        pytest.skip("真正的并发只在 PostgreSQL 上测试（SQLite 串行写入）")
    import threading

    from django.db import connections

    item = appeal(world)
    admin, head = world.users["admin"], world.users["head"]
    ledger.do_assign(item, actor=admin, owner=world.head_person)
    ledger.do_accept(item, actor=head)
    ledger.do_submit(item, actor=head, result="x")
    copies = [Appeal.objects.get(pk=item.pk) for _ in range(2)]
    outcomes, barrier = [], threading.Barrier(2)

    def close(copy):
        barrier.wait()
        try:
            ledger.do_close(copy, actor=admin)
            outcomes.append("ok")
        except ledger.LedgerError as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close, args=(c,)) for c in copies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    assert LedgerEvent.objects.filter(object_id=item.pk, action="close").count() == 1


def test_evidence_downloads_for_those_who_see_the_item_only(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mofan.core.tests.samples import pdf_bytes

    settings.MEDIA_ROOT = tmp_path
    pdf = pdf_bytes()
    item = appeal(world)
    ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person)
    ledger.do_accept(item, actor=world.users["head"])
    ledger.do_submit(item, actor=world.users["head"], result="x",
                     files=[SimpleUploadedFile("回执.pdf", pdf)])
    f = ledger.files_of(item).get()
    response = world.client("head").get(f"/ledger/files/{f.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    assert world.client("outsider").get(f"/ledger/files/{f.pk}/").status_code == 404


def test_an_assigned_item_can_no_longer_be_edited_or_deleted(world):
    item = appeal(world)
    client = world.client("admin")
    assert client.get(f"/appeals/items/{item.pk}/edit/").status_code == 200
    ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person)
    assert client.post(f"/appeals/items/{item.pk}/edit/", {"title": "改"}).status_code == 403
    assert client.post(f"/appeals/items/{item.pk}/delete/").status_code == 403
    assert Appeal.objects.get(pk=item.pk).title != "改"


def test_deleting_a_registered_item_takes_its_timeline_along(world):
    item = appeal(world)
    world.client("admin").post(f"/appeals/items/{item.pk}/delete/")
    assert not Appeal.objects.exists()
    assert not LedgerEvent.objects.filter(object_id=item.pk).exists()


def test_todo_query_count_does_not_grow_with_items(world):
    client = world.client("admin")
    many(world, 10)
    small = list_queries(client, "/ledger/todo/")
    many(world, 90)
    assert list_queries(client, "/ledger/todo/") == small


def test_closing_asks_for_confirmation_first_and_closes_only_when_confirmed(world):
    item = appeal(world)
    admin, head = world.users["admin"], world.users["head"]
    ledger.do_assign(item, actor=admin, owner=world.head_person)
    ledger.do_accept(item, actor=head)
    ledger.do_submit(item, actor=head, result="已办结")
    client = world.client("admin")
    form = {"action": "close", "version": item.version, "note": "同意"}
    page = client.post(f"/appeals/items/{item.pk}/act/", form)
    assert page.status_code == 200 and "确定销号吗" in page.content.decode()
    assert 'name="confirmed" value="1"' in page.content.decode()
    item.refresh_from_db()
    assert item.state == ledger.SUBMITTED  # nothing happened yet
    client.post(f"/appeals/items/{item.pk}/act/", {**form, "confirmed": "1"})
    item.refresh_from_db()
    assert item.state == ledger.CLOSED


def test_a_refused_close_is_not_offered_a_confirmation(world):
    item = appeal(world)
    ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person)
    response = world.client("head").post(f"/appeals/items/{item.pk}/act/", {
        "action": "close", "version": item.version}, follow=True)
    assert "确定销号吗" not in response.content.decode()
    assert "只有台账管理员" in response.content.decode()
