"""The top navigation. Apps add their screens; an empty section shows 尚未启用."""

from dataclasses import dataclass

from django.urls import reverse

SECTIONS = [
    ("home", "首页"),
    ("study", "学习型"),
    ("service", "服务型"),
    ("efficiency", "效能型"),
    ("ledgers", "台账"),
    ("reports", "报告"),
    ("system", "系统管理"),
]
SECTION_LABELS = dict(SECTIONS)


@dataclass(frozen=True)
class Entry:
    section: str
    label: str
    url_name: str
    roles: frozenset | None = None  # None: every domain role

    def allowed(self, user):
        return self.roles is None or user.role in self.roles


ENTRIES: list[Entry] = []


def register(section, label, url_name, roles=None):
    assert section in SECTION_LABELS, section
    ENTRIES.append(Entry(section, label, url_name, frozenset(roles) if roles else None))


def menu_for(user):
    """[(section_key, label, [(label, url)])] for the sections this user has anything in."""
    from .scoping import DOMAIN_ROLES

    menu = []
    for key, label in SECTIONS:
        if key == "home":
            continue
        items = [
            (e.label, reverse(e.url_name))
            for e in ENTRIES
            if e.section == key and e.allowed(user)
        ]
        if items or (key != "system" and user.role in DOMAIN_ROLES):
            menu.append((key, label, items))
    return menu
