"""Big Excel imports run in the background (issue 13, items 6 and 7): the request counts the
sheet and queues it; the worker checks it, then after 确认导入 imports it all or nothing,
with progress on a page only its user can open. The task runs here by calling it."""

import os
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from mofan.audit.models import AuditLog
from mofan.core.excel import Importer
from mofan.core.imports import jobs
from mofan.core.imports.models import ImportJob
from mofan.orgs.models import Person
from mofan.orgs.screens import PersonImporter

URL = "/orgs/people/import/"
HEADERS = ["姓名", "性别", "所在单位/股室", "职务", "工号", "手机号", "政治面貌", "所在党支部", "入职日期"]


def roster(n, bad=()):
    """n people of 办公室 / 县图书馆; rows numbered in ``bad`` (sheet rows, from 2) are wrong."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADERS)
    for i in range(n):
        row = [f"后台{i}", "男" if i % 2 else "女", "办公室" if i % 3 else "县图书馆", "科员",
               f"B{i:05d}", f"139{i:08d}", "中共党员", "机关第一党支部", "2019-07-01"]
        if i + 2 in bad:
            row[1], row[8] = "未知", "2020-13-01"
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("花名册.xlsx", buf.getvalue())


def imported():
    return Person.objects.filter(name__startswith="后台").count()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path
    return tmp_path / "media"


@pytest.fixture
def small_threshold(settings):
    settings.MOFAN_IMPORT_BACKGROUND_ROWS = 2


def queue(client, upload, capture):
    """POST the file; the job's task is queued at commit (not run: tests call it)."""
    with capture() as callbacks:
        response = client.post(URL, {"file": upload})
    assert response.status_code == 302, response.content.decode()[:500]
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == reverse("core:import_job", args=[job.pk])
    assert len(callbacks) == 1  # the task is enqueued once the job row is committed
    return job


def confirm(client, job, capture):
    with capture() as callbacks:
        response = client.post(reverse("core:import_job", args=[job.pk]))
    real = ImportJob.objects.latest("pk")
    assert real.pk != job.pk and not real.dry_run and len(callbacks) == 1
    assert response["Location"] == reverse("core:import_job", args=[real.pk])
    return real


def test_the_request_queueing_10000_rows_reads_none_of_them(world, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    upload = roster(10_000)

    def must_not_read(*args, **kwargs):
        raise AssertionError("the request read the rows")

    monkeypatch.setattr(Importer, "build", must_not_read)
    client = world.client("admin")
    with CaptureQueriesContext(connection) as queries:
        job = queue(client, upload, django_capture_on_commit_callbacks)
    assert len(queries) < 25  # session, user, the job: not a query per row
    assert (job.total, job.dry_run, job.status) == (10_000, True, ImportJob.PENDING)
    assert job.created_by == world.users["admin"] and job.importer == "orgs.PersonScreens"
    page = client.get(reverse("core:import_job", args=[job.pk])).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page and "刷新" in page


def test_10000_people_are_checked_then_imported_in_the_background_with_progress(
        world, monkeypatch, django_capture_on_commit_callbacks):
    client = world.client("admin")
    job = queue(client, roster(10_000), django_capture_on_commit_callbacks)
    seen = []
    build = PersonImporter.build

    def watching(self, number, values, positions):
        if number % 2500 == 0:  # what the polling page would read now
            running = ImportJob.objects.get(status=ImportJob.RUNNING)
            seen.append((running.progress, running.checked))
        return build(self, number, values, positions)

    monkeypatch.setattr(PersonImporter, "build", watching)
    assert jobs.execute(job.pk) == ImportJob.DONE
    assert seen[0][1] > 0 and seen == sorted(seen) and all(0 < p < 100 for p, _ in seen)
    job.refresh_from_db()
    assert (job.rows_read, job.error_count, job.progress, imported()) == (10_000, 0, 100, 0)
    page = client.get(reverse("core:import_job", args=[job.pk])).content.decode()
    assert "检查通过" in page and "确认导入 10000 行" in page and "every 1s" not in page

    seen.clear()
    real = confirm(client, job, django_capture_on_commit_callbacks)
    assert jobs.execute(real.pk) == ImportJob.DONE
    assert seen and all(0 < p <= 60 for p, _ in seen)  # checking is the first 60 %
    real.refresh_from_db()
    assert (real.status, real.imported, real.progress, imported()) == ("done", 10_000, 100, 10_000)
    assert not real.file  # the kept upload is gone
    audit = AuditLog.objects.get(action="import", object_type="orgs.person")
    assert audit.after["count"] == 10_000 and audit.user_id_copy == world.users["admin"].pk and audit.ip == "127.0.0.1"
    page = client.get(reverse("core:import_job", args=[real.pk])).content.decode()
    assert "已导入 10000 条人员" in page


def test_bad_rows_are_listed_with_their_numbers_and_nothing_is_saved(
        world, small_threshold, django_capture_on_commit_callbacks):
    client = world.client("admin")
    job = queue(client, roster(6, bad={3, 6}), django_capture_on_commit_callbacks)
    assert jobs.execute(job.pk) == ImportJob.REJECTED
    job.refresh_from_db()
    assert {(row, col) for row, col, _ in job.errors} >= {(3, "性别"), (6, "入职日期")}
    assert job.error_count == 4 and imported() == 0 and not job.file
    page = client.get(reverse("core:import_job", args=[job.pk])).content.decode()
    assert "检查未通过" in page and "确认导入" not in page and "“未知”不是可选值" in page
    response = client.post(reverse("core:import_job", args=[job.pk]))
    assert ImportJob.objects.count() == 1 and imported() == 0  # nothing to confirm
    assert "已确认过或已过期" in client.get(response["Location"]).content.decode()


def test_a_crash_inside_the_import_transaction_leaves_nothing_and_says_why(
        world, small_threshold, monkeypatch, django_capture_on_commit_callbacks):
    client = world.client("admin")
    job = queue(client, roster(5), django_capture_on_commit_callbacks)
    jobs.execute(job.pk)
    real = confirm(client, job, django_capture_on_commit_callbacks)
    save = PersonImporter.save_object

    def crash_on_the_third(self, obj):
        if obj._import_row == 4:
            raise RuntimeError("disk gone")
        save(self, obj)

    monkeypatch.setattr(PersonImporter, "save_object", crash_on_the_third)
    with pytest.raises(RuntimeError):
        jobs.execute(real.pk)
    real.refresh_from_db()
    assert imported() == 0 and real.status == ImportJob.FAILED and real.imported == 0
    assert "导入时发生错误（RuntimeError）" in real.reason and "未导入任何数据" in real.reason
    page = client.get(reverse("core:import_job", args=[real.pk])).content.decode()
    assert "导入失败" in page and "失败" in page
    failed = AuditLog.objects.get(action="import", success=False)
    assert failed.user_id_copy == world.users["admin"].pk and failed.ip == "127.0.0.1" and "disk" not in str(failed.after)


@pytest.mark.parametrize("who", ["outsider", "head", "committee"])
def test_nobody_but_its_user_can_see_or_confirm_a_job(world, who, small_threshold,
                                                      django_capture_on_commit_callbacks):
    job = queue(world.client("admin"), roster(3), django_capture_on_commit_callbacks)
    jobs.execute(job.pk)
    other = world.client(who)
    assert other.get(reverse("core:import_job", args=[job.pk])).status_code == 404
    assert other.post(reverse("core:import_job", args=[job.pk])).status_code == 404
    assert ImportJob.objects.count() == 1


def test_a_job_whose_user_may_no_longer_import_fails_and_imports_nothing(
        world, small_threshold, django_capture_on_commit_callbacks):
    admin = world.users["admin"]
    job = queue(world.client("admin"), roster(3), django_capture_on_commit_callbacks)
    admin.role = "member"
    admin.save()
    assert jobs.execute(job.pk) == ImportJob.FAILED
    job.refresh_from_db()
    assert "已无权导入" in job.reason and imported() == 0


def test_a_small_sheet_is_still_checked_in_the_request(world, settings):
    settings.MOFAN_IMPORT_BACKGROUND_ROWS = 3
    response = world.client("admin").post(URL, {"file": roster(3)})
    assert response.status_code == 200 and "检查通过" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_sheet_over_the_row_limit_is_refused_in_the_request_not_queued(
        world, small_threshold, settings, monkeypatch):
    settings.MOFAN_IMPORT_MAX_ROWS = 5
    monkeypatch.setattr("mofan.core.excel.load_workbook", None)  # must not be parsed
    response = world.client("admin").post(URL, {"file": roster(8)})
    assert response.status_code == 422 and "超过 5 行数据" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_zip_bomb_is_refused_in_the_request_not_queued(world, small_threshold, settings):
    settings.MOFAN_UPLOAD_MAX_BYTES = 50_000
    buf = BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z, \
            zipfile.ZipFile(BytesIO(roster(10).read())) as src:
        for info in src.infolist():
            z.writestr(info, src.read(info.filename))
        z.writestr("xl/media/padding.bin", b"\0" * 3_000_000)
    response = world.client("admin").post(
        URL, {"file": SimpleUploadedFile("花名册.xlsx", buf.getvalue())})
    assert response.status_code == 422 and "解压后达" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_request_failing_while_queueing_leaves_no_file_and_no_job(
        world, small_threshold, media, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(ImportJob, "save", broken_save)
    with pytest.raises(RuntimeError):
        world.client("admin").post(URL, {"file": roster(3)})
    assert not ImportJob.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_the_import_page_lists_the_users_recent_jobs(world, small_threshold,
                                                     django_capture_on_commit_callbacks):
    job = queue(world.client("admin"), roster(3), django_capture_on_commit_callbacks)
    page = world.client("admin").get(URL).content.decode()
    assert reverse("core:import_job", args=[job.pk]) in page and "最近的后台导入" in page
    assert "最近的后台导入" not in world.client("committee").get("/orgs/orgs/import/").content.decode()


def test_requeue_imports_runs_a_job_a_stopped_worker_left(world, small_threshold,
                                                          django_capture_on_commit_callbacks):
    job = queue(world.client("admin"), roster(3), django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.RUNNING, checked=2)
    with django_capture_on_commit_callbacks(execute=True):  # the immediate backend runs it
        assert jobs.requeue_interrupted() == 1
    job.refresh_from_db()
    assert (job.status, job.rows_read) == (ImportJob.DONE, 3)


def test_a_check_never_confirmed_loses_its_file_after_a_day_but_a_waiting_job_keeps_it(
        world, small_threshold, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    client = world.client("admin")
    checked = queue(client, roster(3), django_capture_on_commit_callbacks)
    jobs.execute(checked.pk)
    waiting = queue(client, roster(3), django_capture_on_commit_callbacks)
    ImportJob.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    checked.refresh_from_db()
    kept = checked.file.path
    jobs.remove_stale_files()
    checked.refresh_from_db()
    waiting.refresh_from_db()
    assert not checked.file and not os.path.exists(kept)
    assert waiting.file and os.path.exists(waiting.file.path)
