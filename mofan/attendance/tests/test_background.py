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
