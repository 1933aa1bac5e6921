"""The Word 学习台账 (GB/T 9704 layout via core.gongwen) and the compliance grid as .xlsx."""

import datetime as dt

from mofan.core import indicators
from mofan.core.excel import xlsx_bytes
from mofan.core.gongwen import Block, Table, render_gongwen

from .models import StudySession
from .services import ledger_sessions, red_service_totals

CN_NUM = "一二三四五六七八九十"
KEYS = [
    "study.first_topic_sessions", "study.first_topic_coverage_rate",
    "study.central_group_sessions", "study.branch_sessions", "study.party_lectures",
    "study.leader_lectures", "study.theme_days", "study.seminars", "study.attendance_rate",
    "study.red_education_sessions", "study.red_education_people", "study.months_with_plan",
]


def study_indicators(organ, year):
    period = indicators.Period.year(year)
    return {k: indicators.REGISTRY[k].value(organ.pk, period) for k in KEYS}


def _percent(text):
    return text if text == "—" else f"{text}%"


def _attendance(s):
    label = s.attendance_label
    return f"{label}\n{s.rate}%" if s.rate is not None else label


def _attendance_phrase(values):
    """``values`` as displayed: "—" when no roll was taken in the year."""
    value = values["study.attendance_rate"]
    if value == "—":
        return "学习活动尚无点名记录"
    return f"学习活动出勤率{value}%（含补学）"


def _content(s):
    parts = [s.materials.strip()]
    if s.kind == StudySession.LECTURE and s.speaker_id:
        parts.insert(0, f"授课人：{s.speaker.name}" + ("（领导干部）" if s.leader_lecture else ""))
    if s.kind == StudySession.THEME_DAY and s.theme_day_form:
        parts.insert(0, f"形式：{s.get_theme_day_form_display()}")
    if s.topics.strip():
        parts.append(f"研讨题目：{s.topics.strip()}")
    if s.kind == StudySession.FIRST_TOPIC and not s.opens_with_study:
        parts.append("（该次会议学习非首项议题，不计入第一议题）")
    return "\n".join(p for p in parts if p)


def ledger_blocks(organ, year):
    # No data reads "—" in the document too, never "None" or a misleading 0.
    values = {k: indicators.display(v) for k, v in study_indicators(organ, year).items()}
    sessions = list(ledger_sessions(organ, year))
    # The heading below counts every 第一议题 listed; the summary says how many of them
    # opened their meeting, so "22次" and "（24次）" never read as a contradiction.
    first_topics = sum(1 for s in sessions if s.kind == StudySession.FIRST_TOPIC)
    intro = (
        f"{year}年，{organ.name}党组会议学习第一议题{first_topics}次，其中以第一议题开篇"
        f"{values['study.first_topic_sessions']}次（第一议题覆盖率"
        f"{_percent(values['study.first_topic_coverage_rate'])}），组织党组中心组理论学习"
        f"{values['study.central_group_sessions']}次、专题研讨{values['study.seminars']}次、"
        f"支部集中学习{values['study.branch_sessions']}次、主题党日"
        f"{values['study.theme_days']}次，讲党课{values['study.party_lectures']}堂"
        f"（其中领导干部讲党课{values['study.leader_lectures']}堂），{_attendance_phrase(values)}；"
        f"各党支部全部报送学习计划的月份"
        f"{values['study.months_with_plan']}个；红色教育基地提供服务"
        f"{values['study.red_education_sessions']}场、{values['study.red_education_people']}人次。"
        "各次学习活动记录如下。"
    )
    blocks = [Block(intro)]
    n = 0
    for kind, label in StudySession.KIND_CHOICES:
        rows = [s for s in sessions if s.kind == kind]
        if not rows:
            continue
        heading = f"{CN_NUM[n]}、{label}（{len(rows)}次"
        if kind == StudySession.FIRST_TOPIC:
            heading += f"，其中会议首项学习{sum(1 for s in rows if s.opens_with_study)}次"
        blocks.append(Block(heading + "）", level=1))
        n += 1
        blocks.append(Table(
            ["序号", "日期", "党组织", "主题", "学习内容", "出勤"],
            [[i, f"{s.date.month}月{s.date.day}日", s.party_org.name, s.theme, _content(s),
              _attendance(s)] for i, s in enumerate(rows, 1)],
            widths=[0.8, 1.4, 1.7, 2.6, 3.0, 1.4],
        ))
    bases = red_service_totals(organ, year)
    if bases:
        blocks.append(Block(f"{CN_NUM[n]}、红色教育服务", level=1))
        blocks.append(Table(["序号", "教育基地", "服务场次", "服务人次"],
                            [[i, name, c, p] for i, (name, c, p) in enumerate(bases, 1)],
                            widths=[0.8, 4, 1.5, 1.5], size=14))
    return blocks


def ledger_docx(organ, year, today: dt.date | None = None) -> bytes:
    signed = min(today or dt.date.today(), dt.date(year, 12, 31))
    return render_gongwen(f"{organ.name}{year}年度学习台账", ledger_blocks(organ, year),
                          signature=organ.name, date=signed)


PLAN_LABELS = {"filed": "已报送", "draft": "草稿", "": "无"}
GRID_HEADERS = ["党组织", "月份", "学习计划", "学习活动（次）", "主题党日（次）", "出勤率（%）",
                "未点名（人次）", "缺项", "党组会议（次）", "首项为学习（次）"]


def grid_xlsx(grid) -> bytes:
    """One row per party organisation and month, numbers in number cells (sortable and
    summable in Excel), a 全年 row per organisation, then the 党组会议 rows."""
    rows = []
    for row in grid.rows:
        for c in row.cells:
            if c.future:
                continue
            rows.append([row.party_org.name, c.month, PLAN_LABELS.get(c.plan, c.plan),
                         c.sessions, None if row.is_central_group else c.theme_days, c.rate,
                         c.untaken, "、".join(c.gaps), None, None])
        rows.append([row.party_org.name, "全年", f"报送 {row.plans_filed} 个月", row.sessions,
                     None if row.is_central_group else row.theme_days, row.rate, row.untaken,
                     f"{row.gap_count} 个月有缺项" if row.gap_count else "", None, None])
    for m in grid.meetings:
        if m.meetings:
            rows.append(["党组会议", m.month, None, None, None, None, None,
                         "" if m.opened_with_study == m.meetings else "首项非学习",
                         m.meetings, m.opened_with_study])
    rows.append(["党组会议", "全年", None, None, None, None, None,
                 f"第一议题覆盖率 {grid.coverage_rate}%" if grid.coverage_rate is not None else "",
                 grid.meeting_total, grid.opened_with_study])
    return xlsx_bytes("学习合规", GRID_HEADERS, rows,
                      title=f"{grid.organ.name}{grid.year}年学习型机关建设合规一览")


def county_xlsx(rows, year) -> bytes:
    """Numbers in cells: per month the number of party organisations with a gap ("" for a
    month not judged yet), then the year's sessions and attendance rate."""
    headers = ["机关", *[f"{m}月缺项" for m in range(1, 13)], "缺项合计", "学习活动", "出勤率%"]
    out = [[r.organ.name, *["" if c.future else c.gaps for c in r.cells], r.gap_count,
            r.sessions, r.rate if r.rate is not None else "—"] for r in rows]
    return xlsx_bytes("全县学习合规", headers, out, title=f"{year}年全县学习型机关建设合规一览")
