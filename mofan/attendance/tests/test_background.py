import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mofan.attendance import background as services
from mofan.attendance.models import ImportRun, Punch

from .factories import csv_bytes, people
from .test_import import ROWS


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(data=None, name="打卡.csv"):
    return SimpleUploadedFile(name, data if data is not None else csv_bytes(ROWS))


def test_an_upload_is_checked_first_then_imported_on_confirmation(world, django_capture_on_commit_callbacks):
    people(world)
    c = world.client("admin")
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(reverse("attendance:import"), {"file": upload(), "dry_run": "1"})
    run = ImportRun.objects.get()
    assert r.url == reverse("attendance:import_status", args=[run.pk])
    assert (run.status, run.imported, Punch.objects.count()) == ("done", 3, 0)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("attendance:import_status", args=[run.pk]))
    assert Punch.objects.count() == 3


def test_the_progress_fragment_shows_the_bar_and_the_counts(world, django_capture_on_commit_callbacks):
    people(world)
    with django_capture_on_commit_callbacks(execute=True):
        world.client("admin").post(reverse("attendance:import"), {"file": upload(), "dry_run": "1"})
    run = ImportRun.objects.get()
    r = world.client("admin").get(reverse("attendance:import_status", args=[run.pk]),
                                  HTTP_HX_REQUEST="true")
    assert 'id="import-bar"' in r.text and "可导入 3 条" in r.text


def test_a_failed_import_shows_its_reason_to_its_user(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        world.client("admin").post(reverse("attendance:import"),
                                   {"file": upload(b"\xff\xfe\x00bad", "x.csv")})
    run = ImportRun.objects.get()
    r = world.client("admin").get(reverse("attendance:import_status", args=[run.pk]))
    assert run.status == "failed"
    assert "导入失败：无法识别文件编码" in r.text


def test_a_file_of_another_type_is_refused_before_queueing(world):
    r = world.client("admin").post(reverse("attendance:import"),
                                   {"file": upload(b"%PDF-1.4", "x.pdf")}, follow=True)
    assert "只能导入 .xlsx、.xls 或 .csv" in r.text
    assert not ImportRun.objects.exists()


def test_an_outsider_gets_404_for_another_organs_import(world, django_capture_on_commit_callbacks):
    people(world)
    with django_capture_on_commit_callbacks(execute=True):
        world.client("admin").post(reverse("attendance:import"), {"file": upload()})
    run = ImportRun.objects.get()
    r = world.client("outsider").get(reverse("attendance:import_status", args=[run.pk]))
    assert r.status_code == 404


def test_a_member_cannot_open_the_import_page(world):
    assert world.client("member").get(reverse("attendance:import")).status_code == 404


def test_an_import_interrupted_by_a_worker_restart_is_queued_again(world, django_capture_on_commit_callbacks):
    people(world)
    run = ImportRun.objects.create(org=world.organ, filename="a.csv", status=ImportRun.RUNNING)
    run.file.save("a.csv", upload(), save=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_interrupted() == 1
    run.refresh_from_db()
    assert (run.status, Punch.objects.count()) == ("done", 3)


def test_the_daily_page_shows_unit_rates(world):
    from mofan.attendance.stats import recompute

    from .factories import THU
    from .test_daily import punch

    head, _ = people(world)
    punch(head, THU, 8, 20)
    punch(head, THU, 17, 40)
    recompute(world.organ, THU, THU)
    r = world.client("admin").get(reverse("attendance:daily"), {"date": "2025-10-09"})
    assert "办公室" in r.text and "100.0%" in r.text


def test_a_member_sees_their_own_month(world):
    from mofan.attendance.stats import recompute

    from .factories import THU

    recompute(world.organ, THU, THU)
    r = world.client("member").get(reverse("attendance:mine"), {"month": "2025-10"})
    assert "旷工" in r.text and "10月9日" in r.text


def big_rows(world, n):
    """``n`` punches of 王股长 (工号 A001), one a minute from 2025-10-09 07:00."""
    import datetime as dt

    start = dt.datetime(2025, 10, 9, 7)
    return [["王股长", "A001", "办公室", f"{start + dt.timedelta(minutes=i):%Y-%m-%d %H:%M:%S}"]
            for i in range(n)]


def test_a_big_import_reports_progress_while_reading_and_matching(world):
    from mofan.attendance.importing import import_file

    from .factories import xlsx_bytes

    people(world)
    seen = []
    data = xlsx_bytes([["原始打卡记录"], ["姓名", "工号", "部门", "打卡时间"], *big_rows(world, 12000)])
    report = import_file(world.organ, data, "big.xlsx", progress=seen.append)
    assert report.imported == 12000 and not report.errors
    assert seen == sorted(seen) and seen[-1] == 100
    assert len({p for p in seen if p < 60}) >= 5, seen  # while the file is read and parsed
    assert len({p for p in seen if 60 <= p < 80}) >= 3, seen  # while people are matched


def test_the_worker_writes_each_new_percentage_for_the_page_to_poll(world, django_capture_on_commit_callbacks):
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mofan.attendance.services import execute_run

    people(world)
    run = ImportRun.objects.create(org=world.organ, filename="big.csv", dry_run=True)
    run.file.save("big.csv", upload(csv_bytes(big_rows(world, 12000), title=False)), save=True)
    with CaptureQueriesContext(connection) as ctx:
        execute_run(run.pk)
    written = [int(m.group(1)) for q in ctx.captured_queries
               if (m := re.search(r'UPDATE "attendance_importrun" SET "progress" = (\d+)', q["sql"]))]
    assert len(written) >= 8 and written == sorted(set(written)), written
    run.refresh_from_db()
    assert (run.status, run.progress, run.imported) == ("done", 100, 12000)


def test_the_progress_fragment_polls_while_the_import_runs_and_stops_after(world):
    run = ImportRun.objects.create(org=world.organ, filename="a.csv", status=ImportRun.RUNNING,
                                   progress=42)
    url = reverse("attendance:import_status", args=[run.pk])
    r = world.client("admin").get(url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in r.text and 'value="42"' in r.text
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.DONE, progress=100)
    r = world.client("admin").get(url, HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in r.text and 'value="100"' in r.text


def test_an_unexpected_error_fails_the_run_and_its_user_sees_why(world, monkeypatch, django_capture_on_commit_callbacks):
    from mofan.attendance import services as attendance_services
    from mofan.audit.models import AuditLog

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    people(world)
    monkeypatch.setattr(attendance_services, "import_file", broken)
    c = world.client("admin")
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("attendance:import"), {"file": upload()})
    run = ImportRun.objects.get()
    assert (run.status, run.progress) == ("failed", 100)
    assert "导入失败：导入时发生错误：RuntimeError" in c.get(
        reverse("attendance:import_status", args=[run.pk])).text
    assert "导入时发生错误：RuntimeError" in c.get(reverse("attendance:import")).text
    assert AuditLog.objects.filter(action="import", success=False).count() == 1
    assert Punch.objects.count() == 0
