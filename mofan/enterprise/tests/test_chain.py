"""产业链联合党委: 每月一调度、每季一总结、每年一考核, and the grid that shows what is missing."""

import datetime as dt

import pytest

from mofan.core.indicators import REGISTRY, Period
from mofan.enterprise import services
from mofan.enterprise.models import ChainCommittee, ChainMeeting

from .factories import first_committee

YEAR_END = dt.date(2026, 1, 10)  # "today": the whole of 2025 is over


def hold(committee, kind, *days):
    for day in days:
        ChainMeeting.objects.create(committee=committee, kind=kind, held_on=day,
                                    topic=f"{kind} {day}")


def full_year(committee, year=2025, skip_month=None):
    hold(committee, "dispatch", *[dt.date(year, m, 5) for m in range(1, 13) if m != skip_month])
    hold(committee, "summary", *[dt.date(year, m, 25) for m in (3, 6, 9, 12)])
    hold(committee, "review", dt.date(year, 12, 28))


def gaps(grid):
    return grid.gap_labels


def test_a_year_with_every_meeting_held_has_no_gap(world):
    committee = first_committee(world)
    full_year(committee)
    assert gaps(services.cadence_grid(committee, 2025, today=YEAR_END)) == []


def test_a_month_without_a_dispatch_meeting_is_a_gap(world):
    committee = first_committee(world)
    full_year(committee, skip_month=7)
    assert gaps(services.cadence_grid(committee, 2025, today=YEAR_END)) == ["调度 7月"]


def test_two_dispatch_meetings_in_one_month_do_not_fill_another_month(world):
    committee = first_committee(world)
    full_year(committee, skip_month=7)
    hold(committee, "dispatch", dt.date(2025, 8, 20))
    assert gaps(services.cadence_grid(committee, 2025, today=YEAR_END)) == ["调度 7月"]


def test_a_summary_in_any_month_of_the_quarter_counts_for_the_quarter(world):
    committee = first_committee(world)
    full_year(committee)
    ChainMeeting.objects.filter(kind="summary", held_on__month=6).update(
        held_on=dt.date(2025, 4, 15))
    assert gaps(services.cadence_grid(committee, 2025, today=YEAR_END)) == []


def test_a_quarter_without_a_summary_and_a_year_without_a_review_are_gaps(world):
    committee = first_committee(world)
    full_year(committee)
    ChainMeeting.objects.filter(kind__in=["summary", "review"], held_on__month=12).delete()
    assert gaps(services.cadence_grid(committee, 2025, today=YEAR_END)) == [
        "总结 第四季度", "考核 全年"]


def test_periods_not_over_yet_are_not_judged(world):
    committee = first_committee(world)
    hold(committee, "dispatch", dt.date(2025, 1, 6), dt.date(2025, 2, 6))
    hold(committee, "summary", dt.date(2025, 3, 20))
    grid = services.cadence_grid(committee, 2025, today=dt.date(2025, 4, 10))
    assert gaps(grid) == ["调度 3月"]  # April is running; 二季度 and 全年 are not over


def test_months_before_the_committee_was_founded_are_not_gaps(world):
    committee = first_committee(world)
    committee.founded_on = dt.date(2025, 11, 15)
    committee.save()
    hold(committee, "dispatch", dt.date(2025, 12, 3))
    hold(committee, "summary", dt.date(2025, 12, 20))
    hold(committee, "review", dt.date(2025, 12, 28))
    assert gaps(services.cadence_grid(committee, 2025, today=YEAR_END)) == ["调度 11月"]


def test_cadence_gaps_indicator_counts_the_missing_months_quarters_and_years(world):
    committee = first_committee(world)
    full_year(committee, skip_month=3)
    ChainMeeting.objects.filter(kind="review").delete()
    values = services.cadence_gaps([world.organ.pk], dt.date(2025, 1, 1), dt.date(2025, 12, 31),
                                   today=YEAR_END)
    assert values == {world.organ.pk: 2}


def test_cadence_gaps_sum_over_the_committees_of_an_organ(world):
    full_year(first_committee(world), skip_month=3)
    second = ChainCommittee.objects.create(org=world.organ, name="演艺产业链联合党委",
                                           founded_on=dt.date(2024, 1, 1))
    full_year(second, skip_month=5)
    values = services.cadence_gaps([world.organ.pk], dt.date(2025, 1, 1), dt.date(2025, 12, 31),
                                   today=YEAR_END)
    assert values == {world.organ.pk: 2}


def test_an_organ_without_a_joint_committee_has_no_cadence_figure(world):
    first_committee(world)
    values = REGISTRY["enterprise.chain_cadence_gaps"].values(
        [world.organ.pk, world.other.pk], Period.year(2025))
    assert values[world.other.pk] is None
    assert values[world.organ.pk] is not None


def test_chain_meetings_are_counted_by_kind_and_none_without_a_committee(world):
    full_year(first_committee(world), skip_month=3)
    period = Period.year(2025)
    assert REGISTRY["enterprise.chain_meetings"].value(world.organ.pk, period) == 16
    assert REGISTRY["enterprise.chain_meetings.dispatch"].value(world.organ.pk, period) == 11
    assert REGISTRY["enterprise.chain_meetings.summary"].value(world.organ.pk, period) == 4
    assert REGISTRY["enterprise.chain_meetings.review"].value(world.organ.pk, period) == 1
    assert REGISTRY["enterprise.chain_meetings"].value(world.other.pk, period) is None


def test_a_chain_meeting_belongs_to_the_org_of_its_committee(world):
    meeting = ChainMeeting.objects.create(committee=first_committee(world), kind="dispatch",
                                          held_on="2025-03-05", topic="调度")
    assert meeting.org == world.organ


def test_a_chain_meeting_added_on_the_form_belongs_to_the_committee_organ(world):
    committee = first_committee(world)
    response = world.client("admin").post("/enterprise/chain-meetings/new/", {
        "committee": committee.pk, "kind": "summary", "held_on": "2025-06-26",
        "topic": "二季度总结", "decisions": "一\n二"})
    assert response.status_code == 302
    meeting = ChainMeeting.objects.get(topic="二季度总结")
    assert meeting.org == world.organ and meeting.decision_list == ["一", "二"]


def test_an_outsider_cannot_hold_a_meeting_for_another_organs_committee(world):
    committee = first_committee(world)
    response = world.client("outsider").post("/enterprise/chain-meetings/new/", {
        "committee": committee.pk, "kind": "dispatch", "held_on": "2025-06-05", "topic": "混入"})
    assert response.status_code == 422
    assert not ChainMeeting.objects.filter(topic="混入").exists()


@pytest.mark.usefixtures("ledger_today")
def test_the_cadence_page_marks_the_missing_month(world):
    committee = first_committee(world)
    full_year(committee, skip_month=7)
    page = world.client("admin").get(f"/enterprise/chain-cadence/?year=2025&committee={committee.pk}")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="gap-count">1<' in text and "调度 7月" in text
    assert text.count('data-gap="1"') == 1


def test_the_cadence_page_of_an_outsider_shows_no_committee_of_another_organ(world):
    committee = first_committee(world)
    page = world.client("outsider").get(f"/enterprise/chain-cadence/?committee={committee.pk}")
    assert page.status_code == 200
    assert committee.name not in page.content.decode()
    assert "尚未建立产业链联合党委" in page.content.decode()


def test_the_cadence_grid_exports_to_excel(world):
    from io import BytesIO

    from openpyxl import load_workbook

    committee = first_committee(world)
    full_year(committee, skip_month=7)
    response = world.client("admin").get(
        f"/enterprise/chain-cadence/?year=2025&committee={committee.pk}&export=xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert ("调度", "每月一调度", "7月", 0, "缺") in rows
    assert len(rows) == 12 + 4 + 1
