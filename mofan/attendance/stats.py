"""日统计, set-based: the organ's days are expanded once into ``DayPlan`` (the work
calendar's kind and the schedule in force), then one INSERT … SELECT joins people ×
plan days with the punches grouped per person-day and the expanded absences, and decides
each person-day's status in SQL. Only the range asked for is deleted and recomputed; the
months it touches are then added up again into ``MonthStat`` (the committee's rollup)."""

import datetime as dt

from django.db import connection, connections, transaction
from django.db.models import Max, Min

from mofan.core.calendar.services import calendars_for
from mofan.orgs.models import Org, Person

from .models import AbsenceDay, DayPlan, DayStat, MonthStat, Policy, Punch, Schedule, minutes

DEFAULT = Schedule(name="默认作息", effective_from=dt.date(2000, 1, 1))
DEFAULT_GRACE = int(Policy._meta.get_field("grace_minutes").default)
DEFAULT_SEVERE = int(Policy._meta.get_field("severe_late_minutes").default)


def schedule_on(schedules: list[Schedule], day: dt.date) -> Schedule:
    best = None
    for s in schedules:
        if s.effective_from <= day and s.first_month <= day.month <= s.last_month:
            key = (s.last_month - s.first_month, -s.effective_from.toordinal())
            if best is None or key < best[0]:
                best = (key, s)
    return best[1] if best else DEFAULT


def expand_plan(organ: Org, start: dt.date, end: dt.date) -> int:
    """(Re)write the organ's plan days in [start, end] from its calendar and schedules."""
    return expand_plans([organ], start, end)


PLAN_FIELDS = ("kind", "provisional", "required", "am_in", "am_out", "pm_in", "pm_out",
               "schedule_name")


def expand_plans(organs: list[Org], start: dt.date, end: dt.date) -> int:
    """(Re)write the plan days in [start, end] of each organ from its calendar and
    schedules. Only the days whose plan changed are written (usually none: a re-import
    recomputes a month whose calendar stayed as it was); a handful of queries whatever
    the number of organs. Returns the number of days written."""
    schedules: dict[int, list[Schedule]] = {o.pk: [] for o in organs}
    for s in Schedule.objects.filter(org__in=organs):
        schedules[s.org_id].append(s)
    calendars = calendars_for(organs)
    wanted = {}
    for organ in organs:
        cal = calendars[organ.pk]
        day = start
        while day <= end:
            s = schedule_on(schedules[organ.pk], day)
            wanted[(organ.pk, day)] = (cal.kind(day), cal.is_provisional(day.year),
                                       s.required_punches, minutes(s.am_in), minutes(s.am_out),
                                       minutes(s.pm_in), minutes(s.pm_out), s.name)
            day += dt.timedelta(days=1)
    stale = []
    for pk, organ_id, day, *plan in (DayPlan.objects
                                     .filter(organ__in=organs, date__range=(start, end))
                                     .values_list("pk", "organ_id", "date", *PLAN_FIELDS)):
        if wanted.get((organ_id, day)) == tuple(plan):
            del wanted[(organ_id, day)]
        else:
            stale.append(pk)
    if stale:
        DayPlan.objects.filter(pk__in=stale).delete()
    DayPlan.objects.bulk_create(
        [DayPlan(organ_id=organ_id, date=day, **dict(zip(PLAN_FIELDS, plan, strict=True)))
         for (organ_id, day), plan in wanted.items()], batch_size=5000)
    return len(wanted)


def _session(n, f, last, s_in, s_out, active, grace):
    """SQL for one session's in-time, out-time, late minutes, early and missing count."""
    t_in = f"(CASE WHEN {n} >= 2 THEN {f} WHEN {n} = 1 AND {f} * 2 < {s_in} + {s_out} THEN {f} END)"
    t_out = f"(CASE WHEN {n} >= 2 THEN {last} WHEN {n} = 1 AND {f} * 2 >= {s_in} + {s_out} THEN {f} END)"
    late = f"(CASE WHEN {active} AND {t_in} > {s_in} + {grace} THEN {t_in} - {s_in} ELSE 0 END)"
    early = f"(CASE WHEN {active} AND {t_out} < {s_out} THEN 1 ELSE 0 END)"
    missing = (f"(CASE WHEN {active} THEN (CASE WHEN {t_in} IS NULL THEN 1 ELSE 0 END)"
               f" + (CASE WHEN {t_out} IS NULL THEN 1 ELSE 0 END) ELSE 0 END)")
    return late, early, missing


def _sql(organs: list[int]) -> str:
    """The statement for the organs (their ids, integers, are written into it)."""
    t = {m._meta.model_name: m._meta.db_table
         for m in (DayStat, DayPlan, Punch, AbsenceDay, Person, Org, Policy)}
    ids = ", ".join(str(int(pk)) for pk in organs)
    grace = "grace"  # the column, per organ from its policy
    # One whole-day session when 2 punches are required (a half-day absence moves its
    # ends), a morning and an afternoon session when 4 are.
    day_in = "(CASE WHEN x_am = 1 THEN pm_in ELSE am_in END)"
    day_out = "(CASE WHEN x_pm = 1 THEN am_out ELSE pm_out END)"
    d = _session("n", "first_min", "last_min", day_in, day_out, "x_day = 0", grace)
    a = _session("am_n", "am_first", "am_last", "am_in", "am_out", "x_am = 0", grace)
    p = _session("pm_n", "pm_first", "pm_last", "pm_in", "pm_out", "x_pm = 0", grace)

    def pick(i, combine):
        return f"(CASE WHEN required = 4 THEN {combine(a[i], p[i])} ELSE {d[i]} END)"

    late = pick(0, lambda x, y: f"(CASE WHEN {x} > {y} THEN {x} ELSE {y} END)")
    early = pick(1, lambda x, y: f"({x} + {y})")
    missing = pick(2, lambda x, y: f"({x} + {y})")
    # Only table names and the organs' integer ids are formatted into the SQL.
    return f"""
INSERT INTO {t['daystat']} (person_id, org_id, organ_id, date, status, punches, first_min,
    last_min, late_minutes, early, missing, due, attended, provisional)
SELECT person_id, org_id, organ_id, date,
    CASE WHEN kind = 'holiday' THEN 'holiday'
         WHEN kind = 'restday' THEN 'restday'
         WHEN x_day = 1 THEN (CASE WHEN trip = 1 THEN 'trip' ELSE 'leave' END)
         WHEN n = 0 THEN 'absent'
         WHEN missing > 0 THEN 'missing'
         WHEN late > severe THEN 'severe_late'
         WHEN late > 0 THEN 'late'
         WHEN early > 0 THEN 'early'
         ELSE 'normal' END,
    n, first_min, last_min, late, early, CASE WHEN n = 0 THEN 0 ELSE missing END,
    (kind = 'workday' AND x_day = 0),
    (n > 0),
    provisional
FROM (
  SELECT b.*, {late} AS late, {early} AS early, {missing} AS missing
  FROM (
    SELECT pe.id AS person_id, pe.org_id, dp.organ_id, dp.date, dp.kind, dp.provisional,
        dp.required, dp.am_in, dp.am_out, dp.pm_in, dp.pm_out,
        COALESCE(po.grace_minutes, {DEFAULT_GRACE}) AS grace,
        COALESCE(po.severe_late_minutes, {DEFAULT_SEVERE}) AS severe,
        COALESCE(g.n, 0) AS n, g.first_min, g.last_min,
        COALESCE(g.am_n, 0) AS am_n, g.am_first, g.am_last,
        COALESCE(g.pm_n, 0) AS pm_n, g.pm_first, g.pm_last,
        CASE WHEN lv.full_day = 1 OR (lv.am = 1 AND lv.pm = 1) THEN 1 ELSE 0 END AS x_day,
        COALESCE(lv.am, 0) AS x_am, COALESCE(lv.pm, 0) AS x_pm, COALESCE(lv.trip, 0) AS trip
    FROM {t['person']} pe
    JOIN {t['org']} o ON o.id = pe.org_id
    JOIN {t['dayplan']} dp ON dp.organ_id = o.organ_id
    LEFT JOIN {t['policy']} po ON po.org_id = dp.organ_id
    LEFT JOIN (
      SELECT pu.person_id, pu.date, COUNT(*) AS n,
          MIN(pu.minute) AS first_min, MAX(pu.minute) AS last_min,
          SUM(CASE WHEN pu.minute * 2 < q.am_out + q.pm_in THEN 1 ELSE 0 END) AS am_n,
          MIN(CASE WHEN pu.minute * 2 < q.am_out + q.pm_in THEN pu.minute END) AS am_first,
          MAX(CASE WHEN pu.minute * 2 < q.am_out + q.pm_in THEN pu.minute END) AS am_last,
          SUM(CASE WHEN pu.minute * 2 >= q.am_out + q.pm_in THEN 1 ELSE 0 END) AS pm_n,
          MIN(CASE WHEN pu.minute * 2 >= q.am_out + q.pm_in THEN pu.minute END) AS pm_first,
          MAX(CASE WHEN pu.minute * 2 >= q.am_out + q.pm_in THEN pu.minute END) AS pm_last
      FROM {t['punch']} pu
      JOIN {t['dayplan']} q ON q.organ_id = pu.organ_id AND q.date = pu.date
      WHERE pu.organ_id IN ({ids}) AND pu.date BETWEEN %(start)s AND %(end)s
      GROUP BY pu.person_id, pu.date
    ) g ON g.person_id = pe.id AND g.date = dp.date
    LEFT JOIN (
      SELECT person_id, date,
          MAX(CASE WHEN part = 'day' THEN 1 ELSE 0 END) AS full_day,
          MAX(CASE WHEN part = 'am' THEN 1 ELSE 0 END) AS am,
          MAX(CASE WHEN part = 'pm' THEN 1 ELSE 0 END) AS pm,
          MAX(CASE WHEN trip THEN 1 ELSE 0 END) AS trip
      FROM {t['absenceday']}
      WHERE organ_id IN ({ids}) AND date BETWEEN %(start)s AND %(end)s
      GROUP BY person_id, date
    ) lv ON lv.person_id = pe.id AND lv.date = dp.date
    WHERE o.organ_id IN ({ids}) AND dp.date BETWEEN %(start)s AND %(end)s
      AND (pe.joined_on IS NULL OR pe.joined_on <= dp.date)
      AND (pe.left_on IS NULL OR pe.left_on >= dp.date)
  ) b
) c
"""  # noqa: S608


def recompute(organ: Org, start: dt.date, end: dt.date) -> int:
    """Rewrite the organ's plan and person-day statistics for [start, end] only."""
    return recompute_many([organ], start, end)


def recompute_many(organs: list[Org], start: dt.date, end: dt.date) -> int:
    """Rewrite the plan and person-day statistics of the organs for [start, end]: one
    statement for all of them (a county month in one go), each organ with its own
    calendar, schedules and thresholds."""
    if not organs:
        return 0
    with transaction.atomic():
        expand_plans(organs, start, end)
        DayStat.objects.filter(organ__in=organs, date__range=(start, end)).delete()
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                # Fresh bulk inserts leave the planner guessing one row per grouped
                # subquery, and it then nests loops over person-days (minutes instead of
                # milliseconds); hash joins are right for this statement. Forbidding
                # nested loops inflates the estimated cost past the JIT threshold, and
                # compiling the statement then took 7 s of its 7.1 s: no JIT here.
                cur.execute("SET LOCAL enable_nestloop = off")
                cur.execute("SET LOCAL jit = off")
                # A county month's sorts and hashes (~100,000 person-days) in memory
                # rather than spilled to disk under the default 4 MB.
                cur.execute("SET LOCAL work_mem = '64MB'")
            cur.execute(_sql([o.pk for o in organs]), {"start": start, "end": end})
            written = cur.rowcount
            if connection.vendor == "postgresql":
                cur.execute("RESET enable_nestloop")
                cur.execute("RESET jit")
                cur.execute("RESET work_mem")
        rollup([o.pk for o in organs], start, end)
        return written


def months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """[(first day, last day)] of every month [start, end] touches."""
    out, first = [], start.replace(day=1)
    while first <= end:
        following = (first + dt.timedelta(days=31)).replace(day=1)
        out.append((first, following - dt.timedelta(days=1)))
        first = following
    return out


def rollup(organ_ids, start: dt.date, end: dt.date, *, day_model=DayStat,
           month_model=MonthStat, using: str = "default") -> int:
    """Rewrite the organs' MonthStat rows of every month [start, end] touches, each added
    up from the month's DayStat rows (days outside [start, end] included): one DELETE and
    one INSERT … SELECT … GROUP BY whatever the number of organs and months. The month a
    day falls in comes from a VALUES list of the months joined on its date, which both
    SQLite and PostgreSQL read alike (columns ``column1``, ``column2``). The models are
    parameters so the migration that creates the table fills it with its historical ones.
    Returns the number of rows written."""
    ids = [int(pk) for pk in organ_ids]
    spans = months(start, end)
    if not ids or not spans:
        return 0
    month_model.objects.using(using).filter(
        organ_id__in=ids, month__range=(spans[0][0], spans[-1][0])).delete()
    conn = connections[using]
    q = conn.ops.quote_name
    counts = ", ".join(
        ["SUM(CASE WHEN due THEN 1 ELSE 0 END)",
         "SUM(CASE WHEN due AND attended THEN 1 ELSE 0 END)"]
        + [f"SUM(CASE WHEN status = '{s}' THEN 1 ELSE 0 END)" for s in DayStat.ANOMALIES]
        + [f"SUM(CASE WHEN status IN ('{DayStat.LEAVE}', '{DayStat.TRIP}') THEN 1 ELSE 0 END)"])
    columns = ", ".join(q(c) for c in ("organ_id", "month", "n_due", "present", *DayStat.ANOMALIES,
                                       "leave"))
    values = ", ".join(["(%s, %s)"] * len(spans))
    # Only table and column names, the status constants and placeholders are formatted in.
    sql = f"""
INSERT INTO {q(month_model._meta.db_table)} ({columns})
SELECT d.organ_id, m.column1, {counts}
FROM {q(day_model._meta.db_table)} d
JOIN (VALUES {values}) m ON d.date BETWEEN m.column1 AND m.column2
WHERE d.organ_id IN ({", ".join(["%s"] * len(ids))}) AND d.date BETWEEN %s AND %s
GROUP BY d.organ_id, m.column1
"""  # noqa: S608
    params = [d for span in spans for d in span] + ids + [spans[0][0], spans[-1][1]]
    with conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def rebuild_rollup(*, day_model=DayStat, month_model=MonthStat, using: str = "default") -> int:
    """Every organ's MonthStat rows from its DayStat rows (a database that had 日统计 before
    the rollup existed, or one to put back in sync). Returns the number of rows written."""
    days = day_model.objects.using(using).order_by()
    with transaction.atomic(using=using):
        month_model.objects.using(using).all().delete()
        found = days.aggregate(lo=Min("date"), hi=Max("date"))
        if found["lo"] is None:
            return 0
        organ_ids = list(days.values_list("organ_id", flat=True).distinct())
        return rollup(organ_ids, found["lo"], found["hi"], day_model=day_model,
                      month_model=month_model, using=using)
