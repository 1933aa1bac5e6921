"""The top navigation. Apps declare their sections and add their screens; an empty
section shows 尚未启用. Core declares only the sections every deployment has."""

from dataclasses import dataclass

from django.urls import reverse

from .scoping import DOMAIN_ROLES

SECTIONS: dict[str, tuple[int, str]] = {  # key -> (position, label)
    "home": (0, "首页"),
    "ledgers": (50, "台账"),
    "reports": (60, "报告"),
    "system": (90, "系统管理"),
}
SECTION_LABELS: dict[str, str] = {key: label for key, (_, label) in SECTIONS.items()}


def add_section(key, label, position):
    """Declare a section (apps sharing one declare it alike); ``position`` orders the menu."""
    if SECTION_LABELS.get(key, label) != label:
        raise ValueError(f"section {key} declared as both {SECTION_LABELS[key]} and {label}")
    SECTIONS[key] = (position, label)
    SECTION_LABELS[key] = label


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
    menu = []
    for key, (_, label) in sorted(SECTIONS.items(), key=lambda kv: kv[1][0]):
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
