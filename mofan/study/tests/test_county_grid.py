"""The committee's county-wide 学习合规 view: organ × month, gaps counted by the rule of
the organ's own grid."""

import datetime as dt
from io import BytesIO

from openpyxl import load_workbook

from mofan.study import services
from mofan.study.models import StudySession

from . import factories as f

MARCH = dt.date(2025, 3, 12)
TODAY = dt.date(2025, 4, 15)


def test_a_branch_with_plan_session_and_theme_day_has_no_gap_that_month(world):
    f.plan(world, month=dt.date(2025, 3, 1))
    f.session(world, date=MARCH, taken=True)
    f.session(world, kind=StudySession.THEME_DAY, date=MARCH)
    rows = services.county_grid([world.organ, world.other], 2025, today=TODAY)
    first, other = rows
    march, april, may = first.cells[2], first.cells[3], first.cells[4]
    assert (march.party_orgs, march.gaps, march.sessions) == (1, 0, 2)
    assert march.css == "ok" and march.rate == 100.0
    assert (april.gaps, april.css) == (1, "gap")  # no plan, no session
    assert may.future and may.css == ""  # not judged yet
    assert other.cells[2].gaps == 1 and other.sessions == 0 and other.rate is None


def test_a_draft_plan_or_a_missing_theme_day_is_a_gap(world):
    f.plan(world, month=dt.date(2025, 3, 1), status="draft")
    f.session(world, date=MARCH)
    rows = services.county_grid([world.organ], 2025, today=TODAY)
    assert rows[0].cells[2].gaps == 1


def test_county_page_and_export(world):
    f.session(world, date=MARCH, taken=True)
    client = world.client("committee")
    page = client.get("/study/county/?year=2025").content.decode()
    assert "测试县文广新旅局" in page and "测试县发改局" in page
    assert f"/study/?organ={world.organ.pk}&amp;year=2025" in page
    response = client.get("/study/county/?year=2025&export=xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    first = next(r for r in rows if r[0] == "测试县文广新旅局")
    assert isinstance(first[1], int) and first[14] == 1 and first[15] == 100.0
