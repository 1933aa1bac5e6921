"""The committee's comparison of organs and the figures behind the charts, read only from
indicators (``core.indicators``): one ``table()`` per period, so the number of queries
depends on the indicators and months asked for, never on the number of organs."""

import datetime as dt
from dataclasses import dataclass

from mofan.core import indicators
from mofan.core.indicators import REGISTRY, Period, average, total


def ranks(values: dict, descending=True) -> dict:
    """{organ_id: rank} by value, ties sharing a rank (1, 2, 2, 4); no data: no rank."""
    known = sorted(((v, o) for o, v in values.items() if v is not None),
                   key=lambda vo: vo[0], reverse=descending)
    out, previous, rank = {}, object(), 0
    for position, (value, organ) in enumerate(known, 1):
        if value != previous:
            rank, previous = position, value
        out[organ] = rank
    return {o: out.get(o) for o in values}


@dataclass
class Comparison:
    period: Period
    columns: list  # [Indicator]
    rows: list  # [(organ, rank, [value per column])]
    totals: list
    averages: list
    sort_key: str
    descending: bool


def compare(organs, period: Period, keys, sort_key=None, descending=True) -> Comparison:
    keys = [k for k in keys if k in REGISTRY]
    columns = [REGISTRY[k] for k in keys]
    ids = [o.pk for o in organs]
    values = indicators.table(ids, period, keys) if keys else {}
    sort_key = sort_key if sort_key in keys else (keys[0] if keys else None)
    rank_of = ranks(values[sort_key]) if sort_key else {}
    rows = [(o, rank_of.get(o.pk), [values[k][o.pk] for k in keys]) for o in organs]
    if sort_key:
        col = keys.index(sort_key)
        with_data = [r for r in rows if r[2][col] is not None]
        without = [r for r in rows if r[2][col] is None]  # no data: last, either way
        with_data.sort(key=lambda r: r[2][col], reverse=descending)
        rows = with_data + without
    per_column = [[values[k][o] for o in ids] for k in keys]
    return Comparison(period, columns, rows,
                      [total(ind, vs) for ind, vs in zip(columns, per_column, strict=True)],
                      [average(vs) for vs in per_column], sort_key, descending)


def months_of(year: int, today: dt.date | None = None) -> list[Period]:
    """The months of ``year`` up to today's (a month not begun yet has no figure)."""
    today = today or dt.date.today()
    last = 12 if year < today.year else (today.month if year == today.year else 0)
    out = []
    for m in range(1, last + 1):
        end = dt.date(year + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
        out.append(Period(dt.date(year, m, 1), end))
    return out


def monthly(organ_ids, year, keys, today=None) -> dict:
    """{key: [(month period, {organ_id: value})]}: the months of ``year`` as one series."""
    months = months_of(year, today)
    per_month = indicators.series(organ_ids, months, keys)
    return {k: [(p, values[k]) for p, values in zip(months, per_month, strict=True)]
            for k in keys}
