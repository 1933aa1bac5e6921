"""The top navigation. Apps declare their sections and add their screens; a section with
nothing yet for a user shows what is coming (``coming``) rather than an empty page, and a
section with neither is not shown. Core declares only the sections every deployment has.

A section's page (``/s/<key>/``) lists its screens and the **documents** apps declare for
it with :func:`register_document` — the 报告 section gathers every ledger, bulletin and
export the modules produce, so an office finds them in one place."""

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
# What a section will hold before its modules land: [(what, for whom / what it does)].
COMING: dict[str, list[tuple[str, str]]] = {}


def coming(section, what, detail):
    """Declare something a section will hold; shown while the user has nothing there."""
    COMING.setdefault(section, []).append((what, detail))


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


@dataclass(frozen=True)
class Document:
    """A document a module produces (a Word ledger, a bulletin, an .xlsx export), listed on
    its section's page under ``group``; ``query`` is added to the URL (``export=xlsx``)."""

    section: str
    label: str
    url_name: str
    roles: frozenset | None = None  # None: every domain role
    query: str = ""
    note: str = ""
    group: str = ""
    order: int = 50  # groups are listed by their smallest order, then as declared

    def allowed(self, user):
        return self.roles is None or user.role in self.roles

    @property
    def url(self):
        return reverse(self.url_name) + (f"?{self.query}" if self.query else "")


DOCUMENTS: list[Document] = []


def register_document(section, label, url_name, roles=None, *, query="", note="", group="",
                      order=50):
    assert section in SECTION_LABELS, section
    doc = Document(section, label, url_name, frozenset(roles) if roles else None, query, note,
                   group, order)
    if doc not in DOCUMENTS:
        DOCUMENTS.append(doc)


def documents_for(user, section) -> list[tuple[str, list[Document]]]:
    """[(group, [document])] of ``section`` that ``user`` may open, groups by their
    smallest ``order`` (then as first declared)."""
    if user.role not in DOMAIN_ROLES:
        return []
    groups: dict[str, list[Document]] = {}
    for doc in DOCUMENTS:
        if doc.section == section and doc.allowed(user):
            groups.setdefault(doc.group, []).append(doc)
    return sorted(groups.items(), key=lambda g: min(d.order for d in g[1]))


def menu_for(user):
    """[(section_key, label, [(label, url)])] for the sections this user has anything in.
    A section with documents for the user ends with a link to its page (``…一览``)."""
    menu = []
    for key, (_, label) in sorted(SECTIONS.items(), key=lambda kv: kv[1][0]):
        if key == "home":
            continue
        items = [
            (e.label, reverse(e.url_name))
            for e in ENTRIES
            if e.section == key and e.allowed(user)
        ]
        if documents_for(user, key):
            items.append((f"{label}一览", reverse("core:section", args=[key])))
        if items or (COMING.get(key) and user.role in DOMAIN_ROLES):
            menu.append((key, label, items))
    return menu
