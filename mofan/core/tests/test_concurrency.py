"""Several people at once against the live server (issue 7, finding 8; specs/security.md:
the embedded SQLite default queues concurrent writers instead of failing).

Real HTTP from real threads: two keepers close one item at the same instant, several
people export and log in at once. One close wins, the other is told who closed it, and
nobody gets a 500 — on SQLite (WAL, busy timeout, immediate transactions) and PostgreSQL.
"""

import http.client
import threading
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.middleware.csrf import _get_new_csrf_string

from conftest import PASSWORD, make_user
from mofan.core import ledger
from mofan.core.models import LedgerEvent
from mofan.core.scoping import ORG_ADMIN
from mofan.tasks.tests.factories import first_task

CSRF = _get_new_csrf_string()


def session_cookie(user) -> str:
    """A logged-in session as the browser would hold it, without a login request."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; csrftoken={CSRF}"


def request(base, method, path, cookie="", data=None):
    """One request, redirects not followed; returns (status, headers, body)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Cookie": cookie, "X-CSRFToken": CSRF}
    body = None
    if data is not None:
        body = urlencode(data)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    result = response.status, response.headers, response.read()
    conn.close()
    return result


def at_once(calls):
    """Run the calls from threads released together; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported below as a failed request
            results[i] = (599, {}, repr(exc).encode())

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def messages_after(base, cookie, status_headers_body):
    """Follow the redirect with the message cookie it set, return the page text."""
    status, headers, _ = status_headers_body
    assert status == 302, status
    set_cookies = "; ".join(c.split(";")[0] for c in headers.get_all("Set-Cookie") or [])
    _, _, body = request(base, "GET", headers["Location"], f"{cookie}; {set_cookies}")
    return body.decode()


@pytest.fixture
def submitted_task(transactional_db, world, ledger_today):
    item = first_task(world)
    item = ledger.do_assign(item, actor=world.users["admin"], owner=world.head_person)
    item = ledger.do_accept(item, actor=world.users["head"])
    return ledger.do_submit(item, actor=world.users["head"], result="已完成")


def test_two_keepers_closing_one_item_at_once_one_wins_the_other_is_told(
        world, submitted_task, live_server):
    second = make_user("admin2", ORG_ADMIN, world.organ)
    cookies = [session_cookie(world.users["admin"]), session_cookie(second)]
    url = f"/tasks/items/{submitted_task.pk}/act/"
    form = {"action": "close", "version": submitted_task.version, "note": "同意销号",
            "confirmed": "1"}
    results = at_once([lambda c=c: request(live_server.url, "POST", url, c, form)
                       for c in cookies])
    assert [r[0] for r in results] == [302, 302], [r[2][:300] for r in results]
    pages = [messages_after(live_server.url, c, r) for c, r in zip(cookies, results, strict=True)]
    assert sum("已销号：" in p for p in pages) == 1, "the winner is told it is closed"
    assert sum("已被" in p for p in pages) == 1, "the loser is told who handled it"
    closes = LedgerEvent.objects.filter(object_id=submitted_task.pk, action="close")
    assert closes.count() == 1


def test_many_exports_and_logins_at_once_give_no_server_error(world, transactional_db,
                                                               live_server):
    cookies = [session_cookie(world.users[w]) for w in ("admin", "committee", "head")] * 4
    exports = [lambda c=c: request(live_server.url, "GET", "/orgs/people/?export=xlsx", c)
               for c in cookies]
    for i in range(7):
        make_user(f"clerk{i}", ORG_ADMIN, world.organ)

    def login(i):
        form = {"username": f"clerk{i}", "password": PASSWORD}
        return request(live_server.url, "POST", "/accounts/login/", f"csrftoken={CSRF}", form)

    logins = [lambda i=i: login(i) for i in range(7)]
    results = at_once(exports + logins)
    statuses = [r[0] for r in results]
    assert all(s < 500 for s in statuses), statuses
    assert statuses[:len(exports)] == [200] * len(exports)
    assert statuses[len(exports):] == [302] * len(logins), "every clerk is logged in"
