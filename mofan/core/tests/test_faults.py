"""Faults of the machine underneath (issue 13, item 6): the database going away and
coming back, a full disk under an upload. Backup → wipe → restore is test_backup.py (CI
runs it on PostgreSQL and on SQLite)."""

import contextlib
import errno
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import Client

from mofan.audit.models import AuditLog
from mofan.core.tests.samples import pdf_bytes

ROOT = Path(__file__).resolve().parents[3]


# ------------------------------------------------------------------ the database goes away

def test_a_database_that_went_away_gives_a_chinese_503_and_the_next_request_recovers(
        world, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["admin"])
    assert client.get("/orgs/people/").status_code == 200

    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: '
                               "Connection refused")

    # Every new cursor first ensures the connection: the server refusing it is the same
    # failure a stopped or failing-over database gives.
    monkeypatch.setattr(connection, "ensure_connection", refused)
    down = client.get("/orgs/people/")
    assert down.status_code == 503
    page = down.content.decode()
    assert "数据库暂时不可用" in page and "没有保存" in page and "返回首页" in page
    assert down["Retry-After"] == "30"
    assert "Traceback" not in page and "5432" not in page  # nothing technical shown

    monkeypatch.undo()  # the database is back: the same session goes on
    again = client.get("/orgs/people/")
    assert again.status_code == 200 and "王股长" in again.content.decode()


def test_a_bad_query_is_still_a_500_not_a_database_outage(world, monkeypatch):
    from django.db import ProgrammingError

    from mofan.core.middleware import database_unavailable

    assert database_unavailable(OperationalError("server closed the connection"))
    assert not database_unavailable(ProgrammingError("column x does not exist"))
    assert not database_unavailable(ValueError("x"))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, cookie=""):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as r:  # noqa: S310 (127.0.0.1)
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def test_a_server_whose_database_port_is_closed_answers_503_in_chinese(tmp_path):
    """A real gunicorn process pointed at a PostgreSQL port nothing listens on: a request
    that needs the database (a session cookie) gets the 503 page, not a bare 500."""
    port, dead = _free_port(), _free_port()
    env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
           "DATABASE_URL": f"postgres://postgres@127.0.0.1:{dead}/nothing",
           "MOFAN_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "mofan.settings"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1",
         "mofan.wsgi"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                status, _, _ = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200  # the health check needs no database
        status, body, headers = _get(f"http://127.0.0.1:{port}/orgs/people/",
                                     cookie="sessionid=abcdefghijklmnopqrstuvwxyz012345")
        assert status == 503, body[:500]
        assert "数据库暂时不可用" in body and headers.get("Retry-After") == "30"
    finally:
        server.terminate()
        server.wait(timeout=10)


# --------------------------------------------------------------------------- a full disk

def test_an_upload_meeting_a_full_disk_is_refused_cleanly_leaving_no_file_and_no_change(
        world, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    written = []

    def disk_fills_up(self, chunk_size=None):
        # The first block reaches the disk, then the device is full.
        written.append(True)
        yield self.read()[:1024]
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(InMemoryUploadedFile, "chunks", disk_fills_up)
    audit_rows = AuditLog.objects.count()
    client = Client(raise_request_exception=False)
    client.force_login(world.users["admin"])
    data = {"year": 2025, "plan_title": "改过的标题", "plan_doc_no": "",
            "plan_issued_on": "2025-03-10", "mobilized_on": "", "approach": "", "measures": ""}
    upload = SimpleUploadedFile("方案.pdf", pdf_bytes(), "application/pdf")
    response = client.post(f"/orgs/campaigns/{world.campaign.pk}/edit/",
                           {**data, "plan_file": upload})
    assert written, "the storage was never asked to write"
    assert response.status_code == 507
    page = response.content.decode()
    assert "存储空间已满" in page and "没有保存" in page
    world.campaign.refresh_from_db()
    assert world.campaign.plan_title == "测试实施方案" and not world.campaign.plan_file
    assert AuditLog.objects.count() == audit_rows
    left = [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert left == []  # the part already written was removed


def test_the_storage_removes_a_partly_written_file_and_passes_the_error_on(tmp_path):
    from django.core.files.base import ContentFile

    from mofan.core.files import CleanFileSystemStorage

    class Full(ContentFile):
        def chunks(self, chunk_size=None):
            yield b"x" * 100
            raise OSError(errno.ENOSPC, "No space left on device")

    storage = CleanFileSystemStorage(location=tmp_path)
    with pytest.raises(OSError) as exc:
        storage.save("plans/a.pdf", Full(b""))
    assert exc.value.errno == errno.ENOSPC
    assert not (tmp_path / "plans" / "a.pdf").exists()
    assert storage.save("plans/b.pdf", ContentFile(b"ok")) == "plans/b.pdf"  # still works


class Proxy:
    """A TCP relay standing in for the network path to PostgreSQL: stopping it cuts every
    open connection and refuses new ones, as a database restart or failover does."""

    def __init__(self, port, upstream):
        import threading

        self.port, self.upstream, self.threading = port, upstream, threading
        self.sockets, self.listener = [], None

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        self.threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                self.threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self):
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.listener.close()
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
                s.close()
        self.sockets = []


def test_a_server_rides_out_a_database_restart_with_its_persistent_connection(
        transactional_db, world, tmp_path):
    """gunicorn keeps one connection (CONN_MAX_AGE) to PostgreSQL through a relay. The
    relay drops (the database restarts): the page says 503 in Chinese. It comes back: the
    health check replaces the dead connection and the same session goes on."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite is a file, not a server that can go away")
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from mofan.core.tests.test_scale_out import PASSWORD, Browser, database_url, start_servers

    s = connection.settings_dict
    proxy = Proxy(_free_port(), (s["HOST"] or "127.0.0.1", int(s["PORT"] or 5432)))
    proxy.start()
    admin = world.users["admin"]
    admin.password = PBKDF2PasswordHasher().encode(PASSWORD, "restartsalt", iterations=1000)
    admin.save()
    url = database_url().replace(f":{s['PORT'] or 5432}/", f":{proxy.port}/")
    servers = start_servers(tmp_path, {"DATABASE_URL": url, "MOFAN_CONN_MAX_AGE": "300"},
                            count=1)
    (proc, base), = servers
    try:
        me = Browser()
        token = me.csrf(base + "/accounts/login/")
        assert me.post_form(base + "/accounts/login/", {
            "csrfmiddlewaretoken": token, "username": "admin", "password": PASSWORD})[0] == 302
        assert me.open(base + "/orgs/people/")[0] == 200

        proxy.stop()  # the database goes away
        status, body, headers = me.open(base + "/orgs/people/")
        assert status == 503 and "数据库暂时不可用" in body.decode()
        assert headers["Retry-After"] == "30"

        proxy.start()  # and comes back
        status, body, _ = me.open(base + "/orgs/people/")
        assert status == 200 and "王股长" in body.decode()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proxy.stop()
