"""Load test (issue 13, item 2): gunicorn as deployed (``deploy/gunicorn.conf.py``: 2 × cores + 1
sync workers, 5 on this 2-core machine) on the database of DATABASE_URL,
and virtual users of every demo role clicking through it for a bounded time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mofan_bench .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --users 20 --duration 120      (the defaults)
    .venv/bin/python bench/load.py --smoke                        (~5 s, 2 users: the tool works)
    .venv/bin/python bench/load.py --servers 2     (scale-out: two app servers, one database
                                                    and upload folder; requests alternate)

Only 127.0.0.1. An empty database is loaded with the county demo first (``--smoke``: the
organ demo). The bench's copy of the demo accounts gets a known password and skips the
first-login change (the database is the bench's own); the home tables of figures are
computed ahead by ``manage.py warm_figures``, as the deployment's timer has them before the
day's users come (``--cold``: not); every virtual user then logs in through the login form,
like a browser, before the timed part starts.

Each user thinks 1–3 s between requests and follows its role's mix:
- 工委 (gongwei): home, 全县统计图表, 机关对比与排名, 考评排名, 全县学习合规一览, lists with
  filters and searches, detail pages;
- 单位管理员 / 负责人 (wgxlj_admin, wgxlj_bgs): home, lists, details, a ledger step (进展,
  a POST with the form's CSRF token and version), .xlsx exports, the Word 学习台账 and
  周通报 (the admin), 我的待办; the admin also uploads the 实施方案 PDF again and downloads
  it;
- 干部 (wgxlj_member): 我的待办, 我的考勤, 我的学习, home.
Every user first walks each page kind of its role once, then picks at random; users begin
at a random moment of their first 1–3 s think time rather than all at once.

Printed per page kind: count, p50/p95/p99, errors; requests per second; CPU ms per request
of the gunicorn processes (master, workers and reaped workers, from /proc/<pid>/stat) and
of the database's PostgreSQL backends; the targets beside (pages p95 < 200 ms, document
downloads p95 < 1 s, no error). The same figures go to ``BENCH_RESULTS`` (make bench).
Exit status 1 when a request failed or a page kind was never requested.
"""

import argparse
import asyncio
import functools
import io
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import _setup
import httpx

PASSWORD = "Load-Test-2025!"  # noqa: S105 (the bench database's own accounts)
PAGE_TARGET_MS, DOCUMENT_TARGET_MS = 200, 1000
PORTS = range(8700, 8800)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Kind:
    """One page kind: its label, whether it is a document download, and how to make a
    request of it (a coroutine taking the user)."""

    label: str
    run: object
    document: bool = False


@dataclass
class Stats:
    count: int = 0  # requests sent
    times: list = field(default_factory=list)  # ms of those answered
    sent_at: list = field(default_factory=list)  # time.monotonic() each of them was sent
    errors: int = 0
    samples: list = field(default_factory=list)


# ------------------------------------------------------------------ setup (in-process)


def prepare(smoke):
    """The demo accounts with a known password, and what their users open:
    {account: {"appeals": [pk], "tasks": [pk], ...}}."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from mofan.accounts.models import User
    from mofan.appeals.models import Appeal
    from mofan.attendance import reports
    from mofan.attendance.models import Bulletin
    from mofan.core.ledger.rules import refusal
    from mofan.orgs.models import Campaign, Org, Person
    from mofan.tasks.models import Task

    if smoke:
        call_command("migrate", verbosity=0, interactive=False)
        if not Org.objects.exists():
            from io import StringIO

            call_command("load_demo", "--year", str(_setup.YEAR), stdout=StringIO())
    else:
        _setup.load_county()
    # As Django makes it (full iterations, a random salt): a hash it would upgrade at the
    # first login would log out every other user of the same account, since the session
    # keeps a hash of the password hash.
    hashed = make_password(PASSWORD)
    names = ["gongwei", "wgxlj_admin", "wgxlj_bgs", "wgxlj_member"]
    User.objects.filter(username__in=names).update(
        password=hashed, must_change_password=False, password_changed_at=timezone.now(),
        is_active=True)
    users = {u.username: u for u in User.objects.filter(username__in=names).select_related("org")}
    assert len(users) == len(names), f"demo accounts missing: {set(names) - set(users)}"

    def pks(qs, n=200):
        return list(qs.order_by("?").values_list("pk", flat=True)[:n])

    data = {}
    for name, user in users.items():
        data[name] = {
            "appeals": pks(Appeal.objects.visible_to(user)),
            "tasks": pks(Task.objects.visible_to(user)),
            "people": pks(Person.objects.visible_to(user)),
        }
    gongwei = users["gongwei"]
    data["gongwei"]["organs"] = list(Org.objects.visible_to(gongwei).filter(kind=Org.ORGAN)
                                     .values_list("pk", flat=True))
    admin = users["wgxlj_admin"]
    organ = admin.org.organ or admin.org
    # Items the admin may add a progress note to (进展: open and under his org).
    open_items = Appeal.objects.visible_to(admin).filter(
        state__in=("assigned", "in_progress", "submitted")).select_related("org")
    data["wgxlj_admin"]["noteable"] = [a.pk for a in open_items[:300]
                                       if not refusal(a, admin, "note")][:100]
    assert data["wgxlj_admin"]["noteable"], "no open appeal the admin may note"
    bulletin = Bulletin.objects.filter(org=organ).order_by("-week").first()
    if bulletin is None:
        import datetime as dt

        bulletin = reports.publish(organ, dt.date(_setup.YEAR, 12, 8), actor=None)
    data["wgxlj_admin"]["bulletin"] = bulletin.pk
    # His organ's campaign: its 实施方案 is uploaded again (the form's other fields as they
    # are) and downloaded, on whichever server.
    campaign = Campaign.objects.filter(org=organ).order_by("-year").first()
    assert campaign is not None, "the admin's organ has no campaign"
    data["wgxlj_admin"]["campaign"] = {"pk": campaign.pk, "fields": {
        "year": campaign.year, "plan_title": campaign.plan_title,
        "plan_doc_no": campaign.plan_doc_no, "approach": campaign.approach,
        "measures": campaign.measures,
        **{f: getattr(campaign, f).isoformat() if getattr(campaign, f) else ""
           for f in ("plan_issued_on", "mobilized_on")}}}
    return data


# ------------------------------------------------------------------ the server


def warm_figures():
    """Seconds taking ``manage.py warm_figures``: the home tables computed ahead, as the
    deployment's timer (``mofan-warm-figures.timer``) has them before the day's users come."""
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    t0 = time.monotonic()
    # This process computes bench figures uncached (_setup); the tables are for the server.
    with override_settings(MOFAN_FIGURE_CACHE_SECONDS=_setup.DEPLOYED_FIGURE_CACHE_SECONDS):
        call_command("warm_figures", "--year", str(_setup.YEAR), stdout=(out := StringIO()))
    print(out.getvalue().strip().splitlines()[-1], flush=True)
    return round(time.monotonic() - t0, 1)


def free_port():
    for port in random.sample(PORTS, len(PORTS)):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("ports 8700–8799 are all taken")


def start_servers(count, workers, port=0):
    """[(process, base url, access log)]: one gunicorn as deployed, or ``count`` app servers
    sharing the database and the upload folder as a scale-out does (docs/deploy.md 四),
    each with its own var folder and the same keys."""
    from django.conf import settings

    var = Path(os.environ["MOFAN_VAR_DIR"])
    if count == 1:
        return [start_gunicorn(port or free_port(), workers, var, {})]
    shared = {"SECRET_KEY": settings.SECRET_KEY, "MOFAN_AUDIT_KEY": settings.MOFAN_AUDIT_KEY,
              "MOFAN_MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    servers = []
    for n in range(1, count + 1):
        (var / f"server-{n}").mkdir(exist_ok=True)
        servers.append(start_gunicorn(free_port(), workers, var, {
            **shared, "MOFAN_VAR_DIR": str(var / f"server-{n}")}, f"-{n}"))
    return servers


def start_gunicorn(port, workers, log_dir, extra_env, suffix=""):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mofan.settings",
           "MOFAN_BIND": f"127.0.0.1:{port}", "MOFAN_WORKERS": str(workers),
           # Pages open on the demo's year, as ``make demo`` does.
           "MOFAN_REPORTING_YEAR": str(_setup.YEAR), **extra_env}
    log = open(Path(log_dir) / f"gunicorn-load{suffix}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", str(_setup.ROOT / "deploy/gunicorn.conf.py"),
         "mofan.wsgi"], cwd=_setup.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, Path(log.name).read_text()[-3000:]
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return proc, base, log.name
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not answer /healthz in 60 s")


def cpu_ticks(pid, children=False):
    """utime + stime of a process (and of its reaped children), in clock ticks."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    # After the ")": state is field 3, so utime (14) .. cstime (17) are [11:15].
    return sum(int(x) for x in fields[11:15 if children else 13])


def gunicorn_ticks(master):
    """The master's own and its reaped workers' CPU, plus the live workers'."""
    total = cpu_ticks(master, children=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == master:
            total += cpu_ticks(stat.parent.name)
        # Not children=True: a worker has no children of its own.
    return total


def backend_ticks():
    """{pid: ticks} of this database's PostgreSQL client backends (not this process's)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    # Called between the timed part and the event loop's other work: nothing else runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_type = 'client backend' AND pid <> pg_backend_pid()")
        pids = [r[0] for r in cur.fetchall()]
    return {pid: cpu_ticks(pid) for pid in pids}


# ------------------------------------------------------------------ virtual users

KIND_IDS: dict[str, int] = {}


def kind_id(label):
    return KIND_IDS.setdefault(label, len(KIND_IDS))


# The access log line of deploy/gunicorn.conf.py: ... "GET /x HTTP/1.1" 200 123 45ms "agent"
ACCESS = re.compile(r'" (\d{3}) \S+ (\d+)ms "mofan-load (\d+)"')


def server_times(log, start, end):
    """{kind label: [ms in the worker]} from the access log between two offsets."""
    labels = {i: label for label, i in KIND_IDS.items()}
    times = defaultdict(list)
    with open(log, "rb") as f:
        f.seek(start)
        for line in f.read(end - start).decode(errors="replace").splitlines():
            if m := ACCESS.search(line):
                times[labels.get(int(m[3]), "?")].append(int(m[2]))
    return times



class User:
    """One account in one browser. With several app servers, its requests go to each in
    turn (a load balancer without stickiness): the session, the CSRF token and the uploads
    must hold across them."""

    def __init__(self, bases, account, data, stats, rng, turn=0):
        self.client = httpx.AsyncClient(timeout=60, follow_redirects=False)
        self.account, self.data, self.stats, self.rng = account, data, stats, rng
        self.bases, self.turn = bases, turn

    def url(self, path):
        self.turn += 1
        return self.bases[self.turn % len(self.bases)] + path

    async def login(self):
        r = await self.client.get(self.url("/accounts/login/"))
        token = CSRF.search(r.text)[1]
        r = await self.client.post(self.url("/accounts/login/"), data={
            "csrfmiddlewaretoken": token, "username": self.account, "password": PASSWORD})
        target = r.headers.get("location", "")
        if r.status_code != 302 or target.startswith(("/accounts/login", "/accounts/password")):
            raise RuntimeError(f"{self.account}: login failed ({r.status_code} → {target})")

    async def request(self, kind, method, url, expect=200, check=None, **kwargs):
        """One timed request; an unexpected status, a detour to the login page, a response
        ``check(response)`` finds wrong (it returns why) or a transport failure counts as an
        error of its page kind. The user agent names the
        kind, so the server's access log gives its time in the worker (no queueing)."""
        stats = self.stats[kind]
        stats.count += 1
        headers = {"User-Agent": f"mofan-load {kind_id(kind)}"}
        t0 = time.perf_counter()
        try:
            r = await self.client.request(method, self.url(url), headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            stats.errors += 1
            stats.samples.append(f"{method} {url}: {type(exc).__name__} {exc}")
            return None
        stats.times.append((time.perf_counter() - t0) * 1000)
        stats.sent_at.append(time.monotonic() - (time.perf_counter() - t0))
        if r.status_code != expect or "/accounts/login" in r.headers.get("location", ""):
            stats.errors += 1
            stats.samples.append(f"{method} {url}: {r.status_code} {r.headers.get('location', '')}")
            return None
        if check and (wrong := check(r)):
            stats.errors += 1
            stats.samples.append(f"{method} {url}: {wrong}")
            return None
        return r

    def pick(self, key):
        return self.rng.choice(self.data[key])


def kinds_for(account):
    """The page kinds of one account's role: {key: Kind}."""

    def get(label, url, document=False):
        async def run(u):
            await u.request(label, "GET", url(u) if callable(url) else url)
        return Kind(label, run, document)

    def organ_param(u):
        return f"&organ={u.pick('organs')}" if u.rng.random() < 0.5 else ""

    async def note(u):
        pk = u.pick("noteable")
        r = await u.request("详情：民情台账", "GET", f"/appeals/items/{pk}/")
        if r is None:
            return
        form = re.search(r'<form[^>]*id="form-note".*?</form>', r.text, re.S)
        if form is None:  # the item moved on (another user's step): nothing to post
            return
        token = CSRF.search(form[0])[1]
        version = re.search(r'name="version" value="(\d+)"', form[0])[1]
        await u.request("台账操作：进展（POST）", "POST", f"/appeals/items/{pk}/act/",
                        expect=302, data={"csrfmiddlewaretoken": token, "action": "note",
                                          "version": version, "note": "负载测试：电话回访，群众满意"})

    async def upload_plan(u):
        campaign = u.data["campaign"]
        edit = f"/orgs/campaigns/{campaign['pk']}/edit/"
        r = await u.request("表单：创建活动（编辑）", "GET", edit)
        if r is None:
            return
        await u.request("上传：实施方案（POST）", "POST", edit, expect=302, data={
            "csrfmiddlewaretoken": CSRF.search(r.text)[1], **campaign["fields"]},
            files={"plan_file": ("实施方案.pdf", plan_pdf(), "application/pdf")})

    def is_pdf(r):
        return None if r.content.startswith(b"%PDF") else f"not a PDF: {r.content[:40]!r}"

    detail = [
        get("详情：民情台账", lambda u: f"/appeals/items/{u.pick('appeals')}/"),
        get("详情：创建任务", lambda u: f"/tasks/items/{u.pick('tasks')}/"),
        get("详情：人员", lambda u: f"/orgs/people/{u.pick('people')}/"),
    ]
    if account == "gongwei":
        kinds = [
            get("首页（工委）", "/"),
            get("全县统计图表", "/dashboards/county/"),
            get("机关对比与排名", "/dashboards/compare/"),
            get("考评排名", "/evaluation/ranking/"),
            get("全县学习合规一览", "/study/county/"),
            get("列表：民情台账（筛选）",
                lambda u: f"/appeals/items/?state={u.rng.choice(['in_progress', 'closed', 'assigned'])}{organ_param(u)}"),
            get("列表：创建任务（逾期）", lambda u: f"/tasks/items/?overdue=1{organ_param(u)}"),
            get("列表：人员（搜索）",
                lambda u: f"/orgs/people/?q={u.rng.choice(['王', '李', '张', '刘'])}{organ_param(u)}"),
            get("列表：人员（翻页）", lambda u: f"/orgs/people/?page={u.rng.randint(2, 40)}"),
            *detail,
        ]
    elif account in ("wgxlj_admin", "wgxlj_bgs"):
        kinds = [
            get("首页（机关）", "/"),
            get("列表：民情台账", lambda u: f"/appeals/items/?state={u.rng.choice(['', 'in_progress', 'closed'])}"),
            get("列表：创建任务", "/tasks/items/"),
            get("列表：人员（筛选）", lambda u: f"/orgs/people/?political_status={u.rng.choice(['cpc', 'masses'])}"),
            get("列表：学习活动", "/study/sessions/"),
            get("我的待办", "/ledger/todo/"),
            get("导出 .xlsx：民情台账", "/appeals/items/?export=xlsx", document=True),
            get("导出 .xlsx：人员", "/orgs/people/?export=xlsx", document=True),
            *detail,
        ]
        if account == "wgxlj_admin":
            kinds += [
                get("考勤日统计", "/attendance/"),
                Kind("台账操作：进展（POST）", note),
                get("Word：学习台账", f"/study/ledger.docx?year={_setup.YEAR}", document=True),
                get("Word：周通报", lambda u: f"/attendance/bulletins/{u.data['bulletin']}/docx/",
                    document=True),
                Kind("上传：实施方案（POST）", upload_plan),
                Kind("下载：实施方案", lambda u: u.request(
                    "下载：实施方案", "GET", f"/orgs/campaigns/{u.data['campaign']['pk']}/plan-file/",
                    check=is_pdf), document=True),
            ]
    else:
        kinds = [
            get("首页（干部）", "/"),
            get("我的待办", "/ledger/todo/"),
            get("我的考勤", "/attendance/mine/"),
            get("我的学习", "/study/my/"),
        ]
    return kinds


@functools.cache
def plan_pdf() -> bytes:
    """The 实施方案 uploaded: a real one-page PDF (the upload check reads its header)."""
    from pypdf import PdfWriter

    writer, buf = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buf)
    return buf.getvalue()


# Roles of the users, in turn: most staff are members; a few office staff; the committee.
ROTATION = ["wgxlj_member", "wgxlj_admin", "gongwei", "wgxlj_member", "wgxlj_bgs",
            "wgxlj_member", "wgxlj_admin", "gongwei", "wgxlj_member", "wgxlj_admin"]


async def virtual_user(n, bases, accounts, data, stats, ready, start, stop, think, seed,
                       walked=None):
    """One browser: logs in as each of its accounts (the smoke test's users play two), waits
    for the start, walks every page kind once, then picks at random until ``stop``."""
    rng = random.Random(seed * 1000 + n)
    sessions = []
    for account in accounts:
        u = User(bases, account, data[account], stats, rng, turn=n)
        await u.login()
        sessions.append((u, kinds_for(account)))
    ready[0] += 1
    await start.wait()
    # Each begins at a random moment of a first think time, as users already at work would
    # (locust's spawn rate): twenty people do not click within the same millisecond.
    await asyncio.sleep(rng.uniform(0, think[1]))
    try:
        # The first walk is finished even past ``stop`` (it is finite), so that every kind
        # is requested however short the run.
        plan = [(u, k) for u, kinds in sessions for k in kinds]
        while plan or time.monotonic() < stop[0]:
            u, kind = plan.pop(0) if plan else rng.choice(
                [(u, k) for u, kinds in sessions for k in kinds])
            if walked is not None and plan:  # the smoke run walks each kind once in all
                if kind.label in walked:
                    continue
                walked.add(kind.label)
            await kind.run(u)
            await asyncio.sleep(rng.uniform(*think))
    finally:
        for u, _ in sessions:
            await u.client.aclose()


async def run(servers, args, data):
    stats = defaultdict(Stats)
    ready, start, stop = [0], asyncio.Event(), [0.0]
    accounts = [[ROTATION[i % len(ROTATION)]] for i in range(args.users)]
    walked = None
    if args.smoke:  # two users play all four roles between them
        accounts = [["gongwei", "wgxlj_member"], ["wgxlj_admin", "wgxlj_bgs"]][:args.users]
        walked = set()
    bases = [base for _, base, _ in servers]
    tasks = [asyncio.create_task(virtual_user(i, bases, a, data, stats, ready, start, stop,
                                              args.think, args.seed, walked))
             for i, a in enumerate(accounts)]
    # Log every user in before the clock starts (the first logins upgrade the hash).
    deadline = time.monotonic() + 120
    while ready[0] < len(tasks):
        for t in tasks:
            if t.done():
                t.result()  # a failed login stops the test with its reason
        if time.monotonic() > deadline:
            raise SystemExit("logging the users in took over 120 s")
        await asyncio.sleep(0.05)
    print(f"logged in in {time.monotonic() - deadline + 120:.1f} s", flush=True)
    cpu0, pg0 = sum(gunicorn_ticks(p.pid) for p, _, _ in servers), backend_ticks()
    logs = {log: os.path.getsize(log) for _, _, log in servers}
    t0 = time.monotonic()
    stop[0] = t0 + args.duration
    start.set()
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - t0
    cpu1, pg1 = sum(gunicorn_ticks(p.pid) for p, _, _ in servers), backend_ticks()
    await asyncio.sleep(0.5)  # the last access log lines
    served = defaultdict(list)
    for log, offset in logs.items():
        for kind, times in server_times(log, offset, os.path.getsize(log)).items():
            served[kind] += times
    hz = os.sysconf("SC_CLK_TCK")
    pg = None
    if pg1 is not None:
        pg = sum(t - pg0.get(pid, 0) for pid, t in pg1.items()) / hz
    return stats, served, elapsed, (cpu1 - cpu0) / hz, pg, t0


def percentile(values, p):
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def summarise(stats, served, expected, elapsed, cpu_s, pg_s, args, t0=0.0):
    rows, total, errors = [], 0, 0
    document = {k.label for k in expected if k.document}
    for label in sorted({k.label for k in expected} | set(stats),
                        key=lambda x: (x in document, x)):
        s = stats.get(label, Stats())
        t = sorted(s.times)
        target = DOCUMENT_TARGET_MS if label in document else PAGE_TARGET_MS
        row = {"kind": label, "count": s.count, "requests": s.count, "errors": s.errors, "document": label in document,
               "target_p95_ms": target}
        if t:
            row.update(p50_ms=percentile(t, 50), p95_ms=percentile(t, 95),
                       p99_ms=percentile(t, 99), max_ms=t[-1])
            row["meets_target"] = row["p95_ms"] < target and not s.errors
            # When the slow ones came (seconds into the run): the first minutes' cold
            # figures, or all along.
            row["over_target_at_s"] = [round(at - t0, 1) for at, ms in
                                       sorted(zip(s.sent_at, s.times, strict=True)) if ms >= target]
        if w := sorted(served.get(label, [])):
            row.update(server_p50_ms=percentile(w, 50), server_p95_ms=percentile(w, 95))
        total += s.count
        errors += s.errors
        rows.append(row)
    return {
        "type": "load", "users": args.users, "duration_s": round(elapsed, 1),
        "workers": args.workers, "think_s": list(args.think), "requests": total,
        "errors": errors, "rps": total / elapsed if elapsed else 0,
        "cpu_ms_per_request": cpu_s * 1000 / total if total else None,
        "pg_cpu_ms_per_request": pg_s * 1000 / total if (pg_s is not None and total) else None,
        "kinds": rows,
    }


def over_target_lines(result):
    """For each page kind over its target: how many requests were, and when."""
    out = []
    for r in result["kinds"]:
        if r.get("meets_target") is False and r.get("over_target_at_s"):
            at = r["over_target_at_s"]
            shown = ", ".join(f"{a:g}" for a in at[:8]) + (" …" if len(at) > 8 else "")
            out.append(f"{r['kind']}: {len(at)} of {r['count']} requests at or over "
                       f"{r['target_p95_ms']} ms, sent {shown} s into the run")
    return out


def servers_text(result) -> str:
    n = result.get("servers", 1)
    one = f"gunicorn with {result['workers']} sync workers"
    return one if n == 1 else (f"{n} app servers, each {one}, sharing the database and the "
                               "upload folder; each user's requests go to each in turn")


def print_table(result):
    print(f"\n{'page kind':<26}{'count':>7}{'p50':>9}{'p95':>9}{'p99':>9}{'errors':>8}"
          f"{'worker p50':>12}{'p95':>7}   target p95")
    for r in result["kinds"]:
        if "p95_ms" in r:
            mark = "ok" if r["meets_target"] else "OVER"
            figures = f"{r['p50_ms']:>9.0f}{r['p95_ms']:>9.0f}{r['p99_ms']:>9.0f}"
        else:
            mark, figures = "NOT REQUESTED", f"{'—':>9}{'—':>9}{'—':>9}"
        # Chinese labels are two columns wide: pad by display width.
        pad = 26 - sum(2 if ord(c) > 0x2E7F else 1 for c in r["kind"])
        worker = (f"{r['server_p50_ms']:>12.0f}{r['server_p95_ms']:>7.0f}"
                  if "server_p50_ms" in r else f"{'—':>12}{'—':>7}")
        print(f"{r['kind']}{' ' * max(pad, 1)}{r['count']:>7}{figures}{r['errors']:>8}{worker}"
              f"   < {r['target_p95_ms']} ms {mark}")
    for line in over_target_lines(result):
        print(line)
    cpu = result["cpu_ms_per_request"]
    pg = result["pg_cpu_ms_per_request"]
    print(f"\n{result['requests']} requests in {result['duration_s']} s by {result['users']} users "
          f"({servers_text(result)}): {result['rps']:.1f} requests/s, "
          f"{result['errors']} errors (target 0)")
    print("CPU per request: gunicorn " + (f"{cpu:.1f} ms" if cpu is not None else "—")
          + ", PostgreSQL backends " + (f"{pg:.1f} ms" if pg is not None else "— (not PostgreSQL)"))
    print(f"targets: pages p95 < {PAGE_TARGET_MS} ms, document downloads p95 < "
          f"{DOCUMENT_TARGET_MS} ms, 0 errors (all in ms; ok / OVER). p50–p99: as the user "
          "waits; worker: time inside the gunicorn worker (access log), without the queue")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=120, help="seconds")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1,
                        help="default: 2 × cores + 1, as deploy/gunicorn.conf.py")
    parser.add_argument("--port", type=int, default=0, help="default: a free one in 8700–8799")
    parser.add_argument("--servers", type=int, default=1,
                        help="app servers sharing the database and the upload folder, each "
                             "with --workers; users' requests go to each in turn")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="~5 s, 2 users, short think time")
    parser.add_argument("--cold", action="store_true",
                        help="start with no home table of figures computed ahead (a day's "
                             "first minutes without the mofan-warm-figures timer)")
    args = parser.parse_args()
    args.think = (1.0, 3.0)
    if args.smoke:
        args.users, args.duration, args.think = min(args.users, 2), 5, (0.05, 0.2)
        args.workers = min(args.workers, 2)  # the suite runs beside it
    t0 = time.monotonic()
    _setup.setup_django()
    from django.db import connection

    data = prepare(args.smoke)
    warmed = None if args.cold else warm_figures()
    connection.close()  # the server's workers and this process must not share a socket
    t1 = time.monotonic()
    servers = start_servers(args.servers, args.workers, args.port)
    print(f"prepared in {t1 - t0:.1f} s, {args.servers} × gunicorn ({args.workers} workers) up in "
          f"{time.monotonic() - t1:.1f} s; {args.users} users log in, then run "
          f"{args.duration:.0f} s", flush=True)
    try:
        accounts = {a for a in ROTATION[:args.users]} if not args.smoke else {
            "gongwei", "wgxlj_member", "wgxlj_admin", "wgxlj_bgs"}
        stats, served, elapsed, cpu_s, pg_s, t0 = asyncio.run(run(servers, args, data))
    finally:
        for proc, _, _ in servers:
            proc.terminate()
        for proc, _, _ in servers:
            proc.wait(timeout=30)
    expected = [k for a in accounts for k in kinds_for(a)]
    result = summarise(stats, served, expected, elapsed, cpu_s, pg_s, args, t0)
    result["database"] = connection.vendor
    result["figures_warmed_s"] = warmed
    result["servers"] = args.servers
    print_table(result)
    _setup.emit(result)
    samples = [x for s in stats.values() for x in s.samples]
    if samples:
        print("\nerrors (first 10):\n  " + "\n  ".join(samples[:10]))
        print("server logs: " + ", ".join(log for _, _, log in servers))
    missing = [r["kind"] for r in result["kinds"] if not r["requests"]]
    if result["errors"] or missing:
        sys.exit(1)


if __name__ == "__main__":
    main()
