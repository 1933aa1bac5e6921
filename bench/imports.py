"""Excel import of a 10,000-person roster (issue 13): what the user waits for in the web
request, synchronously (as before background imports) and now (the request queues, the
worker checks and imports), beside a floor measured in the same run, and the ratio.

    .venv/bin/python bench/imports.py [--rows 10000] [--runs 3]
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
import statistics
import time
from io import BytesIO

from _setup import setup_django, timed  # noqa: E402

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


def spread(times):
    return statistics.median(times), min(times), max(times)


def line(name, times, floor=None):
    med, lo, hi = spread(times)
    pad = 44 - sum(2 if ord(ch) > 127 else 1 for ch in name)  # CJK is two columns wide
    text = f"{name}{' ' * pad} median {med:7.2f} s   (min–max {lo:.2f}–{hi:.2f} s)"
    if floor is not None:
        text += f"   ratio {med / statistics.median(floor):5.1f}x"
    print(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
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

    floor_times = timed(floor, args.runs)
    timed(synchronous, args.runs)
    timed(background, args.runs)
    total_sync = [a + b for a, b in zip(sync_check, sync_confirm, strict=True)]
    total_bg = [a + b for a, b in zip(bg_check, bg_import, strict=True)]
    print("synchronous (before): the user waits in the request")
    line("  上传并检查 request", sync_check, floor_times)
    line("  确认导入 request", sync_confirm, floor_times)
    line("  both requests", total_sync, floor_times)
    print("background (now): the requests answer at once")
    line("  上传 + 确认导入 requests", bg_requests)
    line("  worker: check", bg_check, floor_times)
    line("  worker: import (read again, save)", bg_import, floor_times)
    line("  worker: both", total_bg, floor_times)
    line("floor: same parsing + bare bulk_create", floor_times)
    line("  of which: the parsing (Importer.read)", floor_read)


if __name__ == "__main__":
    main()
