"""Scale-out on one machine (issue 13, item 5): two stateless app servers (gunicorn, on
different ports, each with its own var/ folder) share one database and one upload folder.
A user logs in on one and goes on on the other; a file uploaded on one downloads from the
other. Sessions in the database, and in Redis when a Redis server is reachable."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from mofan.core.tests.samples import pdf_bytes

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "Scale-Out-2025!"
REDIS_URL = os.environ.get("MOFAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One person's browser: one cookie jar, whichever server it talks to."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirect())

    def open(self, url, data=None, headers=None):
        request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as r:
                return r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), dict(exc.headers)

    def csrf(self, url):
        status, body, _ = self.open(url)
        assert status == 200, (url, status)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1].decode()

    def post_form(self, url, fields, files=()):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                         f"\r\n\r\n{value}\r\n".encode())
        for name, filename, content in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                         f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
                         .encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.open(url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start_servers(tmp_path, extra_env, count=2):
    shared = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}},
        "DJANGO_SETTINGS_MODULE": "mofan.settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "scale-out-" + "k" * 50,  # the same on every app server
        "MOFAN_AUDIT_KEY": "scale-out-audit-key",
        "MOFAN_MEDIA_ROOT": str(tmp_path / "shared-media"),  # the shared upload folder
        **extra_env,
    }
    servers = []
    for n in range(count):
        port = free_port()
        env = {**shared, "MOFAN_VAR_DIR": str(tmp_path / f"var{n}")}  # nothing else shared
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1",
             "--threads", "2", "mofan.wsgi"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        servers.append((proc, f"http://127.0.0.1:{port}"))
    for proc, base in servers:
        for _ in range(150):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
                time.sleep(0.1)
    return servers


@pytest.mark.parametrize("sessions", ["db", "redis"])
def test_two_app_servers_share_the_session_and_the_uploads(transactional_db, world, tmp_path,
                                                           sessions):
    extra = {}
    if sessions == "redis":
        if not redis_reachable():
            pytest.skip("没有可用的 Redis（127.0.0.1:6379）")
        prefix = f"mofan-test-{uuid.uuid4().hex[:8]}"
        extra = {"MOFAN_CACHE_URL": REDIS_URL, "MOFAN_SESSIONS": "cache",
                 "MOFAN_CACHE_PREFIX": prefix}
    admin = world.users["admin"]
    # The servers hash with production-strength PBKDF2 (the tests' MD5 is this process's).
    admin.password = PBKDF2PasswordHasher().encode(PASSWORD, "scaleoutsalt", iterations=1000)
    admin.save()
    servers = start_servers(tmp_path, extra)
    (_, one), (_, two) = servers
    try:
        me = Browser()
        token = me.csrf(one + "/accounts/login/")
        status, _, headers = me.post_form(one + "/accounts/login/", {
            "csrfmiddlewaretoken": token, "username": "admin", "password": PASSWORD})
        assert status == 302, "login on server one failed"

        # The session made on server one is good on server two.
        status, body, _ = me.open(two + "/orgs/people/")
        assert status == 200 and "王股长" in body.decode()

        # Upload on server two, download on server one.
        pk = world.campaign.pk
        content = pdf_bytes()
        token = me.csrf(f"{two}/orgs/campaigns/{pk}/edit/")
        status, body, _ = me.post_form(f"{two}/orgs/campaigns/{pk}/edit/", {
            "csrfmiddlewaretoken": token, "year": "2025", "plan_title": "测试实施方案",
            "plan_doc_no": "", "plan_issued_on": "2025-03-10", "mobilized_on": "",
            "approach": "", "measures": ""}, files=[("plan_file", "方案.pdf", content)])
        assert status == 302, body.decode()[:2000]
        status, body, headers = me.open(f"{one}/orgs/campaigns/{pk}/plan-file/")
        assert status == 200 and body == content
        assert "attachment" in headers["Content-Disposition"]
        stored = [p for p in (tmp_path / "shared-media").rglob("*.pdf")]
        assert len(stored) == 1 and "方案" not in stored[0].name  # a generated name

        if sessions == "redis":
            import redis

            keys = redis.Redis.from_url(REDIS_URL).keys(extra["MOFAN_CACHE_PREFIX"] + "*")
            assert any(b"django.contrib.sessions.cache" in k for k in keys)
            assert not any(name.startswith(b"django_session") for name in keys)

        # Logging out on server two ends the session on server one too.
        token = me.csrf(two + "/orgs/people/")
        me.post_form(two + "/accounts/logout/", {"csrfmiddlewaretoken": token})
        status, _, headers = me.open(one + "/orgs/people/")
        assert status == 302 and "/accounts/login/" in headers["Location"]
    finally:
        for proc, _ in servers:
            proc.terminate()
        for proc, _ in servers:
            proc.wait(timeout=10)
        if sessions == "redis":
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            for key in client.keys(extra["MOFAN_CACHE_PREFIX"] + "*"):
                client.delete(key)


def test_the_cache_works_on_redis(settings):
    if not redis_reachable():
        pytest.skip("没有可用的 Redis（127.0.0.1:6379）")
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL,
                                   "KEY_PREFIX": f"mofan-test-{uuid.uuid4().hex[:8]}"}}
    cache = caches["default"]
    cache.set("问候", {"内容": "你好"}, 30)
    assert cache.get("问候") == {"内容": "你好"}
    cache.delete("问候")
    assert cache.get("问候") is None


def test_an_unknown_cache_url_stops_the_start_with_a_chinese_reason(tmp_path):
    env = {**os.environ, "MOFAN_CACHE_URL": "memcached://x", "MOFAN_VAR_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "mofan.settings"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "MOFAN_CACHE_URL 无法识别" in result.stderr
