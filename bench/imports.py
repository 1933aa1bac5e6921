"""Excel import of a 10,000-person roster (issue 13): what the user waits for in the web
request, synchronously (as before background imports) and now (the request queues, the
worker checks and imports), beside a floor measured in the same run, and the ratio.

    .venv/bin/python bench/imports.py [--rows 10000] [--runs 3]     (make bench runs it too)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mofan_bench .venv/bin/python bench/imports.py

- synchronous: 上传并检查 (every row read and checked in the request) + 确认导入 (read
  again, then saved in one transaction), the threshold set above the sheet's size;
- background: the same two clicks, each answered at once (rows counted, job queued), and
  the worker's two runs (check; read again and save), called directly;
- floor: the same parsing (one ``Importer.read``) and a bare ``bulk_create`` of its rows
  in one transaction — no per-row save, scope check or audit.
"""

import argparse
import os
import time
from io import BytesIO

from _setup import repeat, report, setup_django, timed  # noqa: E402

os.environ.setdefault("ALLOWED_HOSTS", "testserver")
setup_django()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

URL = "/orgs/people/import/"
HEADERS = ["姓名", "性别", "所在单位/股室", "职务", "工号", "手机号", "政治面貌", "所在党支部", "入职日期"]


def roster(n) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADERS)
    for i in range(n):
        ws.append([f"基准{i}", "男" if i % 2 else "女", f"股室{i % 10}", "科员", f"{i:05d}",
                   f"139{i:08d}", "中共党员", "机关第一党支部", "2019-07-01"])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def world():
    from mofan.accounts.models import User
    from mofan.core.scoping import ORG_ADMIN
    from mofan.orgs.models import Org, PartyOrg

    user = User.objects.filter(username="bench_admin").first()
    if user:
        return user
    committee = Org.objects.create(name="基准工委", code="bench-gw", kind=Org.COMMITTEE)
    organ = Org.objects.create(name="基准局", code="bench", kind=Org.ORGAN, parent=committee)
    for i in range(10):
        Org.objects.create(name=f"股室{i}", code=f"bench-{i}", kind=Org.SECTION, parent=organ)
    PartyOrg.objects.create(org=organ, name="机关第一党支部", kind="branch")
    user = User(username="bench_admin", role=ORG_ADMIN, org=organ, must_change_password=False,
                password_changed_at=timezone.now())
    user.set_unusable_password()
    user.save()
    return user


def clear():
    from mofan.orgs.models import Person

    Person.objects.filter(name__startswith="基准").delete()


def remove_world():
    """Leave the county demo as it was: the other benches count one committee and 40 organs."""
    from mofan.accounts.models import User
    from mofan.core.imports.models import ImportJob
    from mofan.orgs.models import Org, PartyOrg

    clear()
    ImportJob.objects.filter(org__code__startswith="bench").delete()
    User.objects.filter(username="bench_admin").delete()
    from mofan.community.models import ServiceKind

    organs = Org.objects.filter(code__startswith="bench")
    PartyOrg.objects.filter(org__in=organs).delete()
    ServiceKind.objects.filter(org__in=organs).delete()  # the organ's default list
    organs.update(organ=None)  # the derived organ column protects the organ
    for kind in (Org.SECTION, Org.ORGAN, Org.COMMITTEE):  # children first
        organs.filter(kind=kind).delete()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    # Each run imports the roster three ways (~3 min on an idle 2-core machine): at most 3.
    parser.add_argument("--runs", type=int, default=min(repeat(3), 3))
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    from mofan.core.imports import jobs
    from mofan.core.imports.models import ImportJob
    from mofan.orgs.models import Person
    from mofan.orgs.screens import PersonImporter

    user = world()
    data = roster(args.rows)
    client = Client()
    client.force_login(user)
    print(f"database: {connection.vendor}; {args.rows} people, {len(data) // 1024} KB; "
          f"{args.runs} runs each\n")

    def post(payload):
        response = client.post(URL, payload)
        assert response.status_code in (200, 302), response.content.decode()[:300]
        return response

    sync_check, sync_confirm = [], []

    def synchronous():
        settings.MOFAN_IMPORT_BACKGROUND_ROWS = args.rows + 1
        t0 = time.perf_counter()
        post({"file": SimpleUploadedFile("花名册.xlsx", data)})
        t1 = time.perf_counter()
        post({"confirm": "1", "token": client.session["mofan_import_token"]})
        sync_check.append(t1 - t0)
        sync_confirm.append(time.perf_counter() - t1)
        assert Person.objects.filter(name__startswith="基准").count() == args.rows
        clear()

    bg_requests, bg_check, bg_import = [], [], []

    def background():
        settings.MOFAN_IMPORT_BACKGROUND_ROWS = min(2000, args.rows - 1)
        t0 = time.perf_counter()
        post({"file": SimpleUploadedFile("花名册.xlsx", data)})
        queued = time.perf_counter() - t0
        check = ImportJob.objects.latest("pk")
        t0 = time.perf_counter()
        assert jobs.execute(check.pk) == ImportJob.DONE
        bg_check.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        client.post(f"/imports/{check.pk}/")
        bg_requests.append(queued + time.perf_counter() - t0)
        real = ImportJob.objects.latest("pk")
        t0 = time.perf_counter()
        assert jobs.execute(real.pk) == ImportJob.DONE
        bg_import.append(time.perf_counter() - t0)
        assert Person.objects.filter(name__startswith="基准").count() == args.rows
        clear()

    floor_read = []

    def floor():
        t0 = time.perf_counter()
        result = PersonImporter(user).read(BytesIO(data))
        floor_read.append(time.perf_counter() - t0)
        with transaction.atomic():
            Person.objects.bulk_create(result.objects, batch_size=1000)
        clear()

    floor_times = []
    for _ in range(args.runs):  # alternately: the machine is shared, none gets the quiet minutes
        floor_times += timed(floor, 1)
        synchronous()
        background()
    total_sync = [a + b for a, b in zip(sync_check, sync_confirm, strict=True)]
    total_bg = [a + b for a, b in zip(bg_check, bg_import, strict=True)]
    people = f"{args.rows:,}"
    vs_floor = dict(floor_label="同样的解析 + 裸 bulk_create")
    report(f"导入 {people} 人：改进前 上传并检查（请求中）", sync_check, floor_times, **vs_floor)
    report(f"导入 {people} 人：改进前 确认导入（请求中）", sync_confirm, floor_times, **vs_floor)
    report(f"导入 {people} 人：改进前 两次请求合计", total_sync, floor_times, **vs_floor)
    report(f"导入 {people} 人：现在 两次请求（排队）", bg_requests, note="请求中不读取任何一行")
    report(f"导入 {people} 人：现在 后台检查", bg_check, floor_times, **vs_floor)
    report(f"导入 {people} 人：现在 后台导入（再读一遍并写入）", bg_import, floor_times, **vs_floor)
    report(f"导入 {people} 人：现在 后台合计", total_bg, floor_times, **vs_floor)
    report(f"导入 {people} 人：下限中的解析（Importer.read）", floor_read)


if __name__ == "__main__":
    try:
        main()
    finally:
        remove_world()
