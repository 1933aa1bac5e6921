import datetime as dt
from io import BytesIO

from openpyxl import load_workbook

from mofan.study.models import StudySession
from mofan.study.services import compliance_grid

from . import factories as f

END_OF_YEAR = dt.date(2025, 12, 31)


def _cell(grid, party_org, month):
    row = next(r for r in grid.rows if r.party_org == party_org)
    return row.cells[month - 1]


def _full_month(world, month):
    f.plan(world, month=dt.date(2025, month, 1))
    f.session(world, date=dt.date(2025, month, 5), taken=True)
    f.session(world, kind=StudySession.THEME_DAY, theme_day_form="study",
              date=dt.date(2025, month, 20), taken=True)


def test_a_branch_month_with_plan_study_and_theme_day_is_ok(world):
    _full_month(world, 3)
    cell = _cell(compliance_grid(world.organ, 2025, END_OF_YEAR), world.branch, 3)
    assert cell.gaps == [] and cell.css == "ok"
    assert (cell.sessions, cell.theme_days, cell.rate) == (2, 1, 100.0)


def test_the_grid_leaves_rolls_not_yet_taken_out_of_the_rate(world):
    _full_month(world, 3)
    f.session(world, date=dt.date(2025, 3, 25))  # not taken yet
    cell = _cell(compliance_grid(world.organ, 2025, END_OF_YEAR), world.branch, 3)
    assert (cell.marked, cell.untaken, cell.rate) == (4, 2, 100.0)
    f.session(world, date=dt.date(2025, 4, 5))
    april = _cell(compliance_grid(world.organ, 2025, END_OF_YEAR), world.branch, 4)
    assert (april.sessions, april.marked, april.untaken, april.rate) == (1, 0, 2, None)


def test_the_grid_flags_a_month_with_no_plan(world):
    f.session(world, date=dt.date(2025, 4, 5))
    f.session(world, kind=StudySession.THEME_DAY, theme_day_form="talk",
              date=dt.date(2025, 4, 20))
    cell = _cell(compliance_grid(world.organ, 2025, END_OF_YEAR), world.branch, 4)
    assert cell.gaps == ["无计划"]
    assert cell.css == "gap"


def test_the_grid_flags_a_draft_plan_and_a_month_without_theme_day(world):
    f.plan(world, month=dt.date(2025, 5, 1), status="draft")
    f.session(world, date=dt.date(2025, 5, 5))
    cell = _cell(compliance_grid(world.organ, 2025, END_OF_YEAR), world.branch, 5)
    assert cell.gaps == ["计划未报送", "无主题党日"]


def test_months_after_today_are_not_judged(world):
    grid = compliance_grid(world.organ, 2025, dt.date(2025, 6, 15))
    cells = next(r for r in grid.rows if r.party_org == world.branch).cells
    assert [c.css for c in cells[5:7]] == ["gap", ""]


def test_the_grid_page_highlights_gaps_for_the_admin(world):
    _full_month(world, 3)
    page = world.client("admin").get("/study/?year=2025").content.decode()
    assert 'class="ok" data-month="3"' in page
    assert 'class="gap" data-month="4"' in page
    assert "机关第一党支部" in page


def test_the_first_topic_row_shows_meetings_that_opened_with_study(world):
    f.first_topic(world, study_first=True, date=dt.date(2025, 3, 3))
    f.first_topic(world, study_first=False, date=dt.date(2025, 3, 17))
    grid = compliance_grid(world.organ, 2025, END_OF_YEAR)
    march = grid.meetings[2]
    assert (march.meetings, march.opened_with_study, march.css) == (2, 1, "gap")
    assert grid.coverage_rate == 50.0


def test_the_committee_sees_the_grid_of_any_organ_it_chooses(world):
    client = world.client("committee")
    page = client.get(f"/study/?year=2025&organ={world.other.pk}").content.decode()
    assert "发改局党支部" in page and "机关第一党支部" not in page
    page = client.get(f"/study/?year=2025&organ={world.organ.pk}").content.decode()
    assert "机关第一党支部" in page


def test_an_organ_admin_cannot_switch_to_another_organs_grid(world):
    page = world.client("outsider").get(f"/study/?year=2025&organ={world.organ.pk}")
    assert "机关第一党支部" not in page.content.decode()


def test_members_and_system_administrators_get_no_grid(world):
    for who in ("member", "sysadmin", "auditor"):
        assert world.client(who).get("/study/?year=2025").status_code == 404, who


def test_the_grid_exports_to_excel(world):
    _full_month(world, 3)
    response = world.client("admin").get("/study/?year=2025&export=xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:6] == ("党组织", "月份", "学习计划", "学习活动（次）", "主题党日（次）",
                           "出勤率（%）")
    march = next(r for r in rows if r[0] == "机关第一党支部" and r[1] == 3)
    assert march[2:5] == ("已报送", 2, 1)  # numbers in number cells, not "计划✓ 活动2"
    assert isinstance(march[5], float | int) or march[5] is None
    april = next(r for r in rows if r[0] == "机关第一党支部" and r[1] == 4)
    assert april[2] == "无" and "无计划" in april[7]
    year = next(r for r in rows if r[0] == "机关第一党支部" and r[1] == "全年")
    assert year[3] == sum(r[3] for r in rows if r[0] == "机关第一党支部" and r[1] != "全年")
