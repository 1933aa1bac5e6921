"""Issue 9, item 1: the demo walked as every demo account.

The demo year is loaded once for the module. Each account logs in with a fresh one-time
password, goes through the forced password change, then follows every link (``href``) and
htmx GET (``hx-get``) reachable from the home page, breadth first and bounded. The walk fails
on any server error, on any link a page offered that answers 403 or 404, and on internal keys
or English error words shown to the user.
"""

import re
import time
from collections import deque
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from mofan.accounts.demo import DEMO_LOGINS, issue_passwords
from mofan.core.views import default_year

PER_ACCOUNT = 800  # pages per account, at most
PER_DETAIL = 3  # detail pages of one kind (/appeals/items/<n>/) walked
NEW_PASSWORD = "Walk-The-Demo-2025!"

SKIP_PATHS = ("/accounts/logout/", "/static/", "/accounts/login/", "/accounts/otp/")
# Pages whose words are not checked (status still is). The year-end summary editor and its
# preview show the summary's placeholder keys ({{ appeals.satisfaction_rate }}) and the
# document's own dates on purpose; it landed as this walk was finished — to be revisited
# with its author (labels beside the keys) rather than exempted for good.
WORDS_NOT_CHECKED = ("/reports/summary/",)

# What a user must never read: internal keys, model labels, English error words.
INTERNAL_KEY = re.compile(r"(?<![\w./-])[a-z_]+\.[a-z_]+(?:\.[a-z_]+)*(?![\w/-]|\.\w)")
ENGLISH = re.compile(r"\b(Forbidden|Not Found|Server Error|Bad Request|Traceback|None|True|"
                     r"False|Page not found|CSRF)\b|-{5,}")
# Pages show dates one way (2025-12-18); 2025年12月18日 is for documents.
DOCUMENT_DATE = re.compile(r"[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日")
# File names are not keys: 学习台账.docx, 模板.xlsx.
FILE_SUFFIXES = (".docx", ".xlsx", ".xls", ".csv", ".pdf", ".zip", ".jpg", ".png", ".doc")


class _Page(HTMLParser):
    """Links, htmx GETs and the text a user reads (not scripts, not hidden inputs). Not read
    either: a <textarea>'s content (a document being written, in the document's own date
    format) and <code> (a placeholder syntax shown on purpose, as in the summary editor)."""

    HIDDEN = {"script", "style", "template", "textarea", "code"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.text, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden += 1
        for key in ("href", "hx-get"):
            if a.get(key) and (tag != "link" or key != "href"):
                self.links.append((a[key], key == "hx-get"))
        for key in ("placeholder", "title", "aria-label", "alt"):
            if a.get(key):
                self.text.append(a[key])
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.text.append(a["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append(data.strip())


def shape(url):
    """What makes two links "the same page": the path with numbers as <n>; query
    parameters only page, sort or filter it, except an export (a download of its own)."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/<n>", parts.path)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    return path, params.get("export", "")


def allowed_instances(key):
    """Detail pages differ with their row (state, owner, links to other rows): a few of
    each; any other page once."""
    return PER_DETAIL if key[0].endswith("/<n>/") and not key[1] else 1


def normalise(href, base):
    href = urldefrag(href)[0].strip()
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "http:", "https:", "//")):
        return None
    if href.startswith("?"):
        href = urlsplit(base).path + href
    if not href.startswith("/"):
        return None
    if href.startswith(SKIP_PATHS):
        return None
    parts = urlsplit(href)
    query = urlencode(parse_qsl(parts.query, keep_blank_values=True))
    return parts.path + (f"?{query}" if query else "")


def bad_words(texts):
    found = []
    for text in texts:
        for m in INTERNAL_KEY.finditer(text):
            word = m.group(0)
            if not word.endswith(FILE_SUFFIXES):
                found.append(word)
        found += [m.group(0) for m in ENGLISH.finditer(text)]
        found += [m.group(0) for m in DOCUMENT_DATE.finditer(text)]
    return found


def log_in(username):
    """A demo account's first login: one-time password, then the forced change."""
    (user, password), = issue_passwords([username])
    client = Client()
    r = client.post("/accounts/login/", {"username": username, "password": password})
    assert r.status_code == 302, f"{username}: login failed"
    r = client.get("/", follow=True)
    assert r.redirect_chain and r.redirect_chain[-1][0].startswith("/accounts/password/"), \
        f"{username}: the one-time password did not force a change"
    r = client.post("/accounts/password/", {"old_password": password,
                                            "new_password1": NEW_PASSWORD,
                                            "new_password2": NEW_PASSWORD})
    assert r.status_code == 302, f"{username}: password change refused"
    return client


def walk(client, limit=PER_ACCOUNT):
    """Breadth-first from the home page: [problem], pages visited."""
    problems, seen_urls, shapes = [], set(), {}
    queue = deque([("/", False, "（起点）")])
    visited = 0
    while queue and visited < limit:
        url, htmx, referrer = queue.popleft()
        key = shape(url)
        if url in seen_urls or shapes.get(key, 0) >= allowed_instances(key):
            continue
        seen_urls.add(url)
        shapes[key] = shapes.get(key, 0) + 1
        visited += 1
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        r = client.get(url, **headers)
        hops = 0
        while r.status_code in (301, 302) and hops < 3:
            target = r["Location"]
            if target.startswith("/accounts/login/"):
                problems.append(f"{url}（来自 {referrer}）→ 跳到登录页")
                break
            r, hops = client.get(target), hops + 1
        where = f"{url}（来自 {referrer}）"
        if r.status_code >= 500:
            problems.append(f"{where} → {r.status_code}")
            continue
        if r.status_code in (403, 404):
            problems.append(f"{where} → {r.status_code}")
            continue
        if not r.get("Content-Type", "").startswith("text/html"):
            continue  # a download: its status is all we check
        page = _Page()
        page.feed(r.content.decode())
        if not url.startswith(WORDS_NOT_CHECKED) and (words := bad_words(page.text)):
            problems.append(f"{url} 显示了内部键或英文：{sorted(set(words))[:8]}")
        for href, is_htmx in page.links:
            target = normalise(href, url)
            if target and target not in seen_urls:
                queue.append((target, is_htmx, url))
    return problems, visited


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo year, loaded once for all accounts and rolled back after them."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_internal_key_pattern_catches_keys_and_spares_file_names():
    assert bad_words(["orgs.branch_count 12", "accounts.user", "学习台账.docx"]) == \
        ["orgs.branch_count", "accounts.user"]
    assert bad_words(["403 Forbidden", "---------", "是否：None"]) == \
        ["Forbidden", "---------", "None"]
    assert bad_words(["办结率 95.0%", "2025-12-18", "第 1.2 条"]) == []
    assert bad_words(["印发日期 2025年12月18日"]) == ["2025年12月18日"]


@pytest.mark.parametrize("username", sorted(DEMO_LOGINS))
def test_every_demo_account_walks_every_page_without_an_error(demo, db, settings, username):
    # Pages open on the demo's year, whatever day the suite runs: every figure has records.
    settings.MOFAN_REPORTING_YEAR = default_year()
    started = time.monotonic()
    client = log_in(username)
    problems, visited = walk(client)
    print(f"\n{username}: {visited} pages in {time.monotonic() - started:.1f} s")
    assert 1 < visited < PER_ACCOUNT, "the walk stopped at its bound: raise PER_ACCOUNT"
    assert not problems, f"{username} 走查发现 {len(problems)} 处问题：\n" + "\n".join(problems)
