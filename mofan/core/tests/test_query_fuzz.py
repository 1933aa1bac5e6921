"""Hostile query strings on every GET page: a bad number, date, id or text gives the default
or a message, never a 500 (issue 7, finding 8: ``?year=99999999999999999999``)."""

import datetime as dt

import django_filters
import pytest
from django.test import Client
from django.urls import reverse

from mofan.core.params import (
    YEAR_MAX,
    YEAR_MIN,
    int_param,
    month_param,
    reporting_year,
    year_param,
)
from mofan.core.tests.test_outsiders import concrete, object_for, walk

# Every query parameter a view reads (grep request.GET / filterset fields), and a few more.
PARAMS = ["year", "month", "page", "sort", "q", "org", "organ", "kind", "status", "state",
          "overdue", "start", "end", "owner", "owner_unit", "party_org", "action", "success",
          "gender", "political_status", "branch", "base", "group", "enterprise", "meeting",
          "demand_type", "round", "source", "category", "campaign", "next", "id", "pk"]
NUMBERS = ["99999999999999999999", "-99999999999999999999", "-1", "0", "1e400"]
HOSTILE = [
    *NUMBERS,                           # the first is the probe's OverflowError
    "9" * 400, "1.5", "abc", "年度", "２０２５", "\x00",
    "2025-13", "9999-12", "0001-01", "9999-12-31",
]
SKIP = {"accounts:logout", "healthz"}  # logout ends the session under test


def get_pages(world):
    """(name, url, is a page of one row) for every URL pattern, ids of the first organ."""
    for pattern, route, name in walk():
        if name in SKIP:
            continue
        one_row = "<int:pk>" in route
        if one_row:
            route = route.replace("<int:pk>", str(object_for(name, pattern, world).pk))
        yield name, concrete(route, 0), one_row


def list_routes():
    """Routes of the generic lists, with the names their filter form reads."""
    for pattern, route, _ in walk():
        screens = getattr(pattern.callback, "view_initkwargs", {}).get("screens")
        fs_class = screens.filterset_class() if screens else None
        if fs_class and "<" not in route:
            yield concrete(route, 0), [name for name, f in fs_class.base_filters.items()
                                       if not isinstance(f, django_filters.ChoiceFilter)]


def server_errors(client, url, queries):
    bad = []
    for query in queries:
        response = client.get(url, query)
        if response.status_code >= 500:
            bad.append(f"{url} {query} → {response.status_code}")
    return bad


def every_param(value, **extra):
    return {**dict.fromkeys(PARAMS, value), **extra}


def _client(world, who):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[who])
    return client


@pytest.mark.parametrize("who", ["admin", "committee"])
def test_no_page_answers_a_hostile_query_string_with_a_server_error(world, who):
    """Every GET page with every parameter set to each hostile value (pages of one row,
    which read no filters, with the probe's number only: the walk stays fast)."""
    client = _client(world, who)
    bad = []
    for _, url, one_row in get_pages(world):
        values = NUMBERS[:1] if one_row else HOSTILE
        bad += server_errors(client, url, [every_param(v) for v in values])
    assert bad == [], "\n".join(bad[:40])


def test_audit_log_answers_a_hostile_query_string_without_a_server_error(world):
    client = _client(world, "auditor")
    queries = [every_param(v) for v in HOSTILE] + [every_param(v, export="xlsx") for v in NUMBERS]
    assert server_errors(client, reverse("audit:log"), queries) == []


def test_no_list_filter_answers_a_hostile_number_with_a_server_error(world):
    """One parameter at a time, so a value refused early cannot hide a later one (choice
    filters compare text with their choices, so only the other filters are walked)."""
    client = _client(world, "admin")
    bad, lists = [], list(list_routes())
    for url, names in lists:
        for name in [*names, "year", "page"]:
            bad += server_errors(client, url, [{name: v} for v in NUMBERS[:3]])
    assert len(lists) >= 15
    assert bad == [], "\n".join(bad[:40])


def test_no_export_answers_a_hostile_query_string_with_a_server_error(world):
    client = _client(world, "committee")
    bad = []
    for url, _ in list_routes():
        bad += server_errors(client, url, [every_param(v, export="xlsx")
                                           for v in [*NUMBERS, "abc", "9999-12"]])
    assert bad == [], "\n".join(bad[:40])


def test_study_list_with_a_twenty_digit_year_shows_all_years_and_a_message(world):
    from mofan.study.tests import factories

    factories.session(world, theme="二〇二五年的学习")
    response = world.client("admin").get("/study/sessions/", {"year": "9" * 20})
    page = response.content.decode()
    assert response.status_code == 200
    assert "二〇二五年的学习" in page and str(YEAR_MAX) in page


def test_study_list_year_filter_still_filters_by_a_sane_year(world):
    from mofan.study.tests import factories

    factories.session(world, theme="二〇二五年的学习")
    client = world.client("admin")
    assert "二〇二五年的学习" in client.get("/study/sessions/", {"year": 2025}).content.decode()
    assert "二〇二五年的学习" not in client.get("/study/sessions/",
                                              {"year": 2024}).content.decode()


def test_my_study_with_the_last_month_of_year_9999_opens_this_month(world):
    response = world.client("head").get(reverse("study:my_study"), {"month": "9999-12"})
    assert response.status_code == 200


def test_compliance_grid_with_an_absurd_year_opens_the_default_year(world):
    response = world.client("admin").get("/study/", {"year": "-99999999999999999999"})
    assert response.status_code == 200
    assert response.context["year"] == reporting_year()


# ------------------------------------------------------------------ the helpers themselves


class _Request:
    def __init__(self, **params):
        self.GET = params


@pytest.mark.parametrize("raw", ["99999999999999999999", "abc", "-1", "", "1e3", "１２", "٣"])
def test_int_param_gives_the_default_for_anything_but_a_bounded_integer(raw):
    assert int_param(_Request(page=raw), "page", 7, min_value=1, max_value=1000) == 7


def test_int_param_reads_a_plain_integer_in_bounds():
    assert int_param(_Request(page=" 12 "), "page", 7, min_value=1, max_value=1000) == 12


@pytest.mark.parametrize("raw, expected", [
    (str(YEAR_MIN), YEAR_MIN), (str(YEAR_MAX), YEAR_MAX),
    (str(YEAR_MIN - 1), 2024), (str(YEAR_MAX + 1), 2024), ("99999999999999999999", 2024),
])
def test_year_param_keeps_years_within_the_supported_span(raw, expected):
    assert year_param(_Request(year=raw), 2024) == expected


@pytest.mark.parametrize("raw", ["2025-13", "2025-00", "9999-12", "1999-12", "2025", "2025-1x",
                                 "99999999999999999999-01"])
def test_month_param_gives_the_default_for_a_month_outside_the_span(raw):
    default = dt.date(2025, 6, 1)
    assert month_param(_Request(month=raw), default) == default


def test_month_param_reads_year_and_month_as_the_first_day():
    assert month_param(_Request(month="2025-3"), None) == dt.date(2025, 3, 1)
