"""The ledgers and what each declares about itself.

A ledger app calls :func:`register` from its ``AppConfig.ready``::

    register(Errand, namespace="errands", days={"": 2, "express": 0},
             kinds={"express": "加急"}, steps=[INSPECT])

``days`` are the default 办理时限 in working days per deadline kind ("" = the ledger's
default; organs override them in the 办理时限 table), ``kinds`` label those kinds, and
``steps`` are the ledger's extra actions (a follow-up visit, a rating …) beside the shared workflow.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from mofan.core import nav
from mofan.core.scoping import COMMITTEE, HEAD, ORG_ADMIN

from .rules import EVENT_LABELS, RULES

DEFAULT_DAYS = 10  # a ledger that declares no time limit


def no_fields(request) -> dict:
    return {}


def no_context(item) -> dict:
    return {}


@dataclass(frozen=True)
class Step:
    """One action a user can take on an item: its label, the rule that says whether he
    may (``refusal(item, user) -> "" | why not``), the ``do_*`` function, the form
    fields it reads (``form(request) -> kwargs``) and the template fragment that shows
    them (``""``: a note only), with what that fragment needs (``context(item)``)."""

    key: str
    label: str
    do: Callable
    refusal: Callable
    form: Callable = no_fields
    template: str = ""
    note_label: str | None = "说明"  # the label of the note field; None: no note
    note_arg: str = "note"  # the ``do`` argument the note is passed as
    quick: bool = False  # one click with an optional note, shown open (签收, 销号)
    # Asked on a page of its own before the step happens (销号 cannot be undone but by
    # 重办): a plain form, so it works without JavaScript too.
    confirm: str = ""
    context: Callable = no_context

    def run(self, item, request, actor):
        kwargs = self.form(request)
        if self.note_label is not None:
            kwargs[self.note_arg] = request.POST.get("note", "")
        return self.do(item, actor=actor, **kwargs)


WORKFLOW: dict[str, Step] = {}  # filled by ``actions`` (the shared steps)


@dataclass
class Ledger:
    model: type
    namespace: str
    days: dict[str, int]
    kinds: dict[str, str]
    steps: dict[str, Step] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.model._meta.app_label

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def actions(self) -> dict[str, Step]:
        """The one table that dispatches every action on this ledger's items."""
        return {**WORKFLOW, **self.steps}

    def url(self, screen: str) -> str:
        return f"{self.namespace}:{self.model._meta.model_name}_{screen}"

    @property
    def urls(self) -> dict[str, str]:
        return {screen: self.url(screen) for screen in ("list", "detail", "act")}

    def default_days(self, kind: str) -> int:
        return self.days.get(kind, self.days.get("", DEFAULT_DAYS))


LEDGERS: dict[str, Ledger] = {}


def register(model, *, namespace: str, days: dict[str, int] | None = None,
             kinds: dict[str, str] | None = None, steps=()) -> Ledger:
    clash = {s.key for s in steps} & set(RULES)
    if clash:
        raise ValueError(f"{model.__name__}: steps {clash} would hide the shared workflow")
    ledger = Ledger(model, namespace, dict(days or {}), dict(kinds or {}),
                    {s.key: s for s in steps})
    LEDGERS[ledger.key] = ledger
    # Every ledger's export is one of the documents gathered under 报告.
    name = ledger.label if ledger.label.endswith("台账") else f"{ledger.label}台账"
    nav.register_document("reports", f"{name}（Excel）", ledger.url("list"),
                          roles=[COMMITTEE, ORG_ADMIN, HEAD], query="export=xlsx", group="台账",
                          note="您管理范围内的全部事项；在台账列表页可先筛选再导出")
    return ledger


def ledger_of(model_or_item) -> Ledger:
    model = model_or_item if isinstance(model_or_item, type) else type(model_or_item)
    return LEDGERS[model._meta.app_label]


def label_of(model, action: str) -> str:
    """The timeline's label for ``action`` on an item of ``model``."""
    ledger = LEDGERS.get(model._meta.app_label) if model else None
    if ledger and action in ledger.steps:
        return ledger.steps[action].label
    if action in EVENT_LABELS:
        return EVENT_LABELS[action]
    return RULES[action].label if action in RULES else action


def ledger_choices() -> list[tuple[str, str]]:
    return [(key, ledger.label) for key, ledger in LEDGERS.items()]


def kind_choices() -> list[tuple[str, str]]:
    """Every ledger's deadline kinds ("" first), for the 办理时限 table."""
    found = {"": "默认"}
    for ledger in LEDGERS.values():
        found.update(ledger.kinds)
    return list(found.items())
