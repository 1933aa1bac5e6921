"""Small builders of tourism records in the test world (conftest ``world``)."""

import datetime as dt
from decimal import Decimal

from mofan.tourism.models import Honour, MonthlyFigure, ScenicArea


def area(w, name="示例山景区", org=None):
    return ScenicArea.objects.create(org=org or w.organ, name=name, grade="4A")


def month(w, year, m, visitors, revenue=None, *, org=None, scenic_area=None):
    org = org or w.organ
    return MonthlyFigure.objects.create(
        org=org, month=dt.date(year, m, 1), visitors=visitors, scenic_area=scenic_area,
        revenue=None if revenue is None else Decimal(revenue))


def honour(w, *, level=Honour.NATIONAL, org=None, day=dt.date(2025, 6, 1), rank_scope="",
           rank=None, title="国家工业旅游示范基地"):
    return Honour.objects.create(org=org or w.organ, level=level, title=title,
                                 recipient_kind="scenic_area", recipient="面包产业城",
                                 awarded_on=day, rank_scope=rank_scope, rank=rank)


def _first(model, w, make):
    return model.objects.filter(org__organ=w.organ).first() or make(w)


def first_area(w):
    return _first(ScenicArea, w, area)


def first_month(w):
    return _first(MonthlyFigure, w, lambda w: month(w, 2025, 3, 1000, "20000.50"))


def first_honour(w):
    return _first(Honour, w, honour)


def _each(prefix, factory):
    return {f"tourism:{prefix}_{s}": factory for s in ("detail", "edit", "delete")}


OBJECT_FOR = {**_each("scenicarea", first_area), **_each("monthlyfigure", first_month),
              **_each("honour", first_honour)}
