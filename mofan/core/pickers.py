"""Searchable pickers: person and org selects that search as you type.

A county has ~3,000 people and ~360 orgs; a select that writes them all made a ledger
list 141 KB, mostly options. ``SearchSelect`` writes only the chosen option(s) — so a
form posts and re-renders its value with or without JavaScript — and marks the select
for Tom Select (vendored under static/vendor/tom-select), which asks ``pick`` for the
rows matching what the user types. The search answers only rows the user may see; an
account with no scope gets an empty list, never an error that tells what exists.

``bootstrapify`` gives this widget to every model-choice field over a registered model,
so no form has to name it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET

from mofan.orgs.models import Org, Person

from .scoping import DOMAIN_ROLES, NOTHING, SECADMIN, SYSADMIN, WRITER_ROLES

LIMIT = 20  # results per search: enough to choose from, small enough to stay instant
VIEW, EDIT, ORGAN = "view", "edit", "organ"


def is_key(text: str) -> bool:
    """A primary key a database can hold (a hostile 400-digit value is no key)."""
    return text.isdigit() and len(text) < 19


def org_label(org) -> str:
    """An org with its organ in front, so two organs' 办公室 are told apart."""
    organ = org.organ if org.organ_id and org.organ_id != org.pk else None
    return f"{organ.short_name or organ.name} · {org.name}" if organ else org.name


def person_label(person) -> str:
    return f"{person.name}（{org_label(person.org)}）"


@dataclass(frozen=True)
class Picker:
    model: type
    search: tuple[str, ...]
    label: Callable
    related: tuple[str, ...]
    path: str  # lookup of the org path, for the account administrators' tree scope
    in_organ: str  # lookup of the organ id, for the ORGAN scope
    current: Callable = None  # () -> Q of rows still current (people who have not left)


PICKERS = {
    "person": Picker(Person, ("name", "staff_no", "org__name", "org__short_name"), person_label,
                     ("org", "org__organ"), "org__path", "org__organ_id",
                     lambda: Q(left_on__isnull=True) | Q(left_on__gte=timezone.localdate())),
    "org": Picker(Org, ("name", "short_name", "code", "organ__short_name"), org_label,
                  ("organ",), "path", "organ_id"),
}
KINDS = {p.model: kind for kind, p in PICKERS.items()}


def kind_of(field) -> str:
    """The picker kind of a model-choice field ("" for any other field)."""
    qs = getattr(field, "queryset", None)
    return KINDS.get(qs.model, "") if qs is not None else ""


def scoped(picker: Picker, user, scope: str, organ=None):
    """The rows ``user`` may pick from under ``scope``: business users by the rows' own
    scoping; the account administrators (who see no business rows) the org tree under
    their own org, as their account forms offer it. ORGAN: the current people (or the
    orgs) of one organ, as a ledger's 交办 offers them to whoever keeps its items — only
    to an account of that organ or of the committee above it."""
    qs = picker.model.objects.select_related(*picker.related)
    if not user.is_authenticated or not user.is_active or not user.org_id:
        return qs.filter(NOTHING)
    if scope == ORGAN:
        own = user.org.organ_id or user.org_id
        organ = Org.objects.filter(pk=organ, kind=Org.ORGAN).first() if organ else None
        if (organ is None or user.role not in WRITER_ROLES
                or (own != organ.pk and not organ.path.startswith(user.org.path))):
            return qs.filter(NOTHING)
        qs = qs.filter(**{picker.in_organ: organ.pk})
        return qs.filter(picker.current()) if picker.current else qs
    if user.role in (SYSADMIN, SECADMIN):
        return qs.filter(**{f"{picker.path}__startswith": user.org.path})
    if user.role not in DOMAIN_ROLES:
        return qs.filter(NOTHING)
    if scope != EDIT:
        return qs.visible_to(user)  # a list filter may look for someone who has left
    # A form offers what the user may choose, and no one who has left (one already chosen
    # stays: the widget writes a row's current value whatever the search offers).
    qs = qs.editable_by(user)
    return qs.filter(picker.current()) if picker.current else qs


def search(kind: str, user, term: str, scope: str = VIEW, organ=None):
    """[(pk, label)] of at most LIMIT rows matching every word of ``term``."""
    picker = PICKERS[kind]
    qs = scoped(picker, user, scope, organ)
    for word in term.split()[:5]:
        q = Q()
        for f in picker.search:
            q |= Q(**{f"{f}__icontains": word})
        qs = qs.filter(q)
    return [(obj.pk, picker.label(obj)) for obj in qs[:LIMIT]]


@require_GET
def pick(request, kind):
    if kind not in PICKERS:
        raise Http404
    scope = request.GET.get("scope", VIEW)
    if scope not in (VIEW, EDIT, ORGAN):
        scope = VIEW
    organ = request.GET.get("organ", "")
    term = request.GET.get("q", "")[:50]
    rows = search(kind, request.user, term, scope, int(organ) if is_key(organ) else None)
    return JsonResponse({"results": [{"value": str(pk), "text": text} for pk, text in rows]})


class SearchSelect(forms.Select):
    """A person or org select that writes only its chosen option(s); Tom Select searches
    the rest through ``pick``. Without JavaScript the chosen value stays and posts."""

    def __init__(self, kind, scope=VIEW, attrs=None, organ=None):
        super().__init__(attrs)
        self.kind, self.scope, self.organ = kind, scope, organ

    def chosen(self, value):
        values = value if isinstance(value, list | tuple) else [value]
        keys = [str(getattr(v, "pk", v)) for v in values if v not in (None, "")]
        keys = [k for k in keys if is_key(k)]
        if not keys:
            return []
        picker = PICKERS[self.kind]
        # The field's own (scoped) queryset when there is one: a value it would refuse is
        # not shown as chosen.
        qs = getattr(self.choices, "queryset", None)
        qs = picker.model.objects.all() if qs is None else qs
        rows = {str(o.pk): o for o in qs.filter(pk__in=keys).select_related(*picker.related)}
        return [(k, picker.label(rows[k])) for k in keys if k in rows]

    def empty_label(self):
        field = getattr(self.choices, "field", None)
        if field is not None:
            return getattr(field, "empty_label", None)
        return next((label for v, label in self.choices if v in ("", None)), None)

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        final["data-picker"] = self.kind
        final["data-url"] = f"{reverse('core:pick', args=[self.kind])}?scope={self.scope}" + (
            f"&organ={self.organ}" if self.organ else "")
        if self.allow_multiple_selected:
            final["multiple"] = True
        chosen = self.chosen(value)
        blank = "" if self.allow_multiple_selected else self.empty_label()
        options = format_html_join("", "<option value=\"{}\" selected>{}</option>", chosen)
        if blank is not None and not self.allow_multiple_selected:
            final["data-blank"] = blank
            options = format_html("<option value=\"\">{}</option>{}", blank, options)
        return format_html("<select{}>{}</select>", flatatt(final), options)


class SearchSelectMultiple(SearchSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # an empty multi-select posts nothing
