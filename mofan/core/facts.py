"""Facts and place names that apps declare for documents (the year-end summary).

An indicator is a figure (DESIGN.md mechanism 3); a document also states facts that are
not figures — the day of the mobilisation meeting, the title of the 实施方案, the names of
the red-education bases, the honours received with their levels. Each app declares its
facts in its own ``<app>/facts.py``, found at start-up like ``indicators.py``::

    @fact("errands.stations", "服务站", LIST, item="{名称}",
          url=lambda organ, period: reverse("errands:station_list"))
    def stations(organ, period):
        return [{"名称": s.name} for s in Station.objects.filter(org__organ=organ)]

A fact answers for one organ and one period (one query each: a document asks for a few
dozen facts of one organ, never one per row). "No data" is ``None`` (or an empty text or
list), shown as no data, never as an empty string or a 0.

The same modules declare the **place names** the system knows (the county, townships,
villages, communities, scenic areas, bases, companies) with ``@place_names``: the public
(masked) version of a document hides them, and an organ's list of names to mask is seeded
from them.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from .discovery import import_app_modules

TEXT, DATE, LIST = "text", "date", "list"
KIND_LABELS = {TEXT: "文字", DATE: "日期", LIST: "名单"}
_PART = re.compile(r"\{([^{}\s]+)\}")  # a part named in a list item's wording


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    kind: str  # TEXT, DATE or LIST
    compute: Callable  # (organ, period) -> str | date | list[dict[str, str]] | None
    url: Callable | None = None  # (organ, period) -> the page of the records behind it
    item: str = ""  # LIST: how one item reads by default, e.g. "{获得者}获评{荣誉}（{级别}）"
    parts: tuple[str, ...] = ()  # LIST: the names an item format may use
    group: str = ""

    def value(self, organ, period):
        found = self.compute(organ, period)
        return found if found not in ("", [], ()) else None


FACTS: dict[str, Fact] = {}


def fact(key: str, label: str, kind: str, *, url: Callable | None = None, item: str = "",
         parts: tuple[str, ...] = (), group: str = ""):
    """Declare a fact. For a LIST, ``item`` is the default wording of one item, naming in
    braces the parts it shows; ``parts`` are all the parts an item carries (default: those
    ``item`` names), which a document may word differently."""
    if kind not in KIND_LABELS:
        raise ValueError(f"fact {key}: unknown kind {kind}")
    if kind == LIST:
        named = tuple(_PART.findall(item))
        parts = tuple(parts) or named
        if not named or set(named) - set(parts):
            raise ValueError(f"fact {key}: a list's ``item`` names its parts in braces")
    else:
        parts = ()

    def register(fn):
        if key in FACTS and FACTS[key].compute is not fn:
            raise ValueError(f"fact {key} registered twice")
        FACTS[key] = Fact(key, label, kind, fn, url, item, parts, group or key.split(".")[0])
        return fn

    return register


@dataclass(frozen=True)
class PlaceSource:
    label: str  # what kind of names: 县, 乡镇, 村（社区）, 景区 ...
    compute: Callable  # (organ) -> iterable of names


PLACE_SOURCES: list[PlaceSource] = []


def place_names(label: str):
    """Declare where names to mask come from: ``fn(organ)`` returns names (one query)."""

    def register(fn):
        if not any(s.compute is fn for s in PLACE_SOURCES):
            PLACE_SOURCES.append(PlaceSource(label, fn))
        return fn

    return register


def known_places(organ) -> list[tuple[str, str]]:
    """[(name, label)] of every name the apps know for ``organ``, first label wins."""
    seen = {}
    for source in PLACE_SOURCES:
        for name in source.compute(organ):
            name = (name or "").strip()
            if name and name not in seen:
                seen[name] = source.label
    return list(seen.items())


def autodiscover():
    import_app_modules("facts")
