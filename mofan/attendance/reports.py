"""周通报 and 月处理 from the daily statistics (grouped queries, no per-person loops)."""

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from mofan.audit.services import record
from mofan.core.excel import xlsx_bytes
from mofan.core.gongwen import Block, Table, render_gongwen

from .models import Bulletin, DayStat, MonthCase, Policy, SpotCheck

ANOMALY_LABELS = [(DayStat.LATE, "迟到"), (DayStat.SEVERE, "严重迟到"), (DayStat.EARLY, "早退"),
                  (DayStat.MISSING, "缺卡"), (DayStat.ABSENT, "旷工")]


def _counts():
    return {f"n_{s}": Count("id", filter=Q(status=s)) for s, _ in ANOMALY_LABELS}


def week_summary(organ, monday: dt.date) -> dict:
    """Rate per unit, the named anomalies with counts, the week's spot checks."""
    end = monday + dt.timedelta(days=6)
    stats = DayStat.objects.filter(organ=organ, date__range=(monday, end))
    units = []
    for r in (stats.values("org__name", "org__path").order_by("org__path")
              .annotate(n_due=Count("id", filter=Q(due=True)),
                        n_present=Count("id", filter=Q(due=True, attended=True)))):
        rate = round(100.0 * r["n_present"] / r["n_due"], 1) if r["n_due"] else None
        units.append({"unit": r["org__name"], "due": r["n_due"], "present": r["n_present"],
                      "rate": rate})
    named = []
    for r in (stats.filter(status__in=DayStat.ANOMALIES)
              .values("person__name", "org__name", "org__path", "person_id")
              .order_by("org__path", "person_id").annotate(**_counts())):
        named.append({"name": r["person__name"], "unit": r["org__name"],
                      **{s: r[f"n_{s}"] for s, _ in ANOMALY_LABELS}})
    checks = [{"date": c.date.isoformat(), "time": c.time.strftime("%H:%M"), "unit": c.org.name,
               "absent": c.absent, "findings": c.findings}
              for c in SpotCheck.objects.filter(org__organ=organ, date__range=(monday, end))
              .select_related("org").order_by("date", "time")]
    return {"organ": organ.name, "week": monday.isoformat(), "end": end.isoformat(),
            "units": units, "named": named, "checks": checks,
            "provisional": stats.filter(provisional=True).exists()}


def publish(organ, monday: dt.date, *, actor, reason: str = "") -> Bulletin:
    """Freeze the week's bulletin; publishing again is a correction (a new version), which
    needs its reason."""
    with transaction.atomic():
        last = Bulletin.objects.filter(org=organ, week=monday).order_by("-version").first()
        if last and not reason.strip():
            raise ValueError("本周通报已发布，更正须填写更正原因")
        b = Bulletin.objects.create(org=organ, week=monday,
                                    version=(last.version + 1) if last else 1,
                                    content=week_summary(organ, monday), reason=reason[:200],
                                    published_by=actor)
        record("create", b, user=actor, after={"version": b.version, "reason": reason})
    return b


def _title(c) -> str:
    monday, end = dt.date.fromisoformat(c["week"]), dt.date.fromisoformat(c["end"])
    return f"关于{monday.month}月{monday.day}日至{end.month}月{end.day}日考勤情况的通报"


def _rate(v) -> str:
    return "—" if v is None else f"{v}%"


def bulletin_docx(b: Bulletin) -> bytes:
    c = b.content
    blocks = [Block(f"现将{c['organ']}{dt.date.fromisoformat(c['week']):%Y年%m月%d日}所在周"
                    "考勤情况通报如下。" + ("（含暂定日历日期）" if c.get("provisional") else "")),
              Block("一、各单位出勤情况", level=1),
              Table(["单位", "应出勤（人次）", "实出勤（人次）", "出勤率"],
                    [[u["unit"], str(u["due"]), str(u["present"]), _rate(u["rate"])]
                     for u in c["units"]]),
              Block("二、考勤异常人员", level=1)]
    if c["named"]:
        blocks.append(Table(["单位", "姓名", *[label for _, label in ANOMALY_LABELS]],
                            [[n["unit"], n["name"], *[str(n[s]) for s, _ in ANOMALY_LABELS]]
                             for n in c["named"]]))
    else:
        blocks.append(Block("本周无考勤异常人员。"))
    blocks.append(Block("三、抽查情况", level=1))
    if c["checks"]:
        blocks += [Block(f"{x['date']} {x['time']}抽查{x['unit']}。"
                         f"{'不在岗：' + x['absent'] + '。' if x['absent'] else '人员均在岗。'}"
                         f"{x['findings']}") for x in c["checks"]]
    else:
        blocks.append(Block("本周未开展抽查。"))
    if b.version > 1:
        blocks.append(Block(f"（本通报为第{b.version}版，更正原因：{b.reason}）"))
    return render_gongwen(_title(c), blocks, signature=c["organ"],
                          date=timezone.localtime(b.published_at).date())


def bulletin_xlsx(b: Bulletin) -> bytes:
    """One table: each unit's line (its rate), then the named anomalies."""
    c = b.content
    blank = [""] * len(ANOMALY_LABELS)
    rows = [[u["unit"], "（单位出勤）", *blank, _rate(u["rate"])] for u in c["units"]]
    rows += [[n["unit"], n["name"], *[n[s] for s, _ in ANOMALY_LABELS], ""] for n in c["named"]]
    return xlsx_bytes("周通报", ["单位", "姓名", *[label for _, label in ANOMALY_LABELS], "出勤率"],
                      rows, title=_title(c))


# ------------------------------------------------------------------ 月处理


def suggestion(policy: Policy, row: dict) -> str:
    if policy.criticise_absent and row["absent"]:
        return "通报批评"
    if row["missing"] >= policy.talk_after or row["late"] + row["severe_late"] >= policy.talk_after:
        return "提醒谈话"
    return ""


def month_cases(organ, month: dt.date) -> int:
    """(Re)compute the month's counts and suggestions; decisions already taken are kept."""
    month = month.replace(day=1)
    end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    policy = Policy.of(organ)
    rows = (DayStat.objects.filter(organ=organ, date__range=(month, end))
            .values("person_id", "org_id").order_by().annotate(**_counts()))
    existing = {c.person_id: c for c in MonthCase.objects.filter(org__organ=organ, month=month)}
    new, changed = [], []
    for r in rows:
        fields = {s: r[f"n_{s}"] for s, _ in ANOMALY_LABELS}
        if not any(fields.values()):
            continue
        case = existing.get(r["person_id"]) or MonthCase(person_id=r["person_id"],
                                                        org_id=r["org_id"], month=month)
        for k, v in fields.items():
            setattr(case, k, v)
        case.suggestion = suggestion(policy, fields)
        (changed if case.pk else new).append(case)
    with transaction.atomic():
        MonthCase.objects.bulk_create(new)
        MonthCase.objects.bulk_update(changed, [s for s, _ in ANOMALY_LABELS] + ["suggestion"])
    return len(new) + len(changed)


def decide(case: MonthCase, decision: str, *, actor) -> MonthCase:
    if not decision.strip():
        raise ValueError("请填写实际处理结果")
    before = {"decision": case.decision}
    case.decision, case.decided_by, case.decided_at = decision.strip()[:200], actor, timezone.now()
    with transaction.atomic():
        case.save(update_fields=["decision", "decided_by", "decided_at"])
        record("update", case, before=before, after={"decision": case.decision}, user=actor)
    return case


def month_xlsx(organ, month) -> bytes:
    cases = MonthCase.objects.filter(org__organ=organ, month=month.replace(day=1)).select_related(
        "person", "org", "decided_by")
    rows = [[c.org.name, c.person.name, c.late, c.severe_late, c.early, c.missing, c.absent,
             c.suggestion, c.decision, str(c.decided_by or ""),
             timezone.localtime(c.decided_at).strftime("%Y-%m-%d %H:%M") if c.decided_at else ""]
            for c in cases]
    return xlsx_bytes("月处理", ["单位", "姓名", "迟到", "严重迟到", "早退", "缺卡", "旷工",
                              "建议处理", "实际处理", "决定人", "决定时间"], rows,
                      title=f"{organ.name}{month:%Y年%m月}考勤月处理")


