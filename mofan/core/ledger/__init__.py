"""Ledger workflow (定向销号, DESIGN.md mechanism 2; docs/ledgers.md).

One abstract model, ``LedgerItem`` (``models``), carries the workflow fields; each ledger
is a concrete subclass in its own app that declares itself with
``registry.register`` — its label, time limits per category, deadline kinds and extra
steps. The package is split by concern, lowest first:

``states``     states, the error type, the system actor
``models``     ``LedgerItem`` and its queryset, the shared timeline, evidence and 办理时限
``rules``      who may take which workflow action from which state
``deadlines``  time limits in working days through the organ's work calendar
``engine``     ``transition`` and the ``do_*`` functions (locking, event, audit)
``evidence``   optional evidence files
``actions``    ``Step``: one action as the screens know it (label, rule, form, fragment)
``registry``   the ledgers and their action tables
``views``, ``importer``, ``indicators``, ``reschedule``, ``demo`` build on those.

Nothing here names a ledger: a new ledger touches only its own app, settings and urls.
"""

# The public API other apps and tests use (``from mofan.core import ledger``).
from .actions import WORKFLOW, allowed_steps  # fills the shared steps
from .deadlines import deadline_days, due_date
from .engine import (
    do_accept,
    do_approve_extension,
    do_assign,
    do_close,
    do_note,
    do_reopen,
    do_request_extension,
    do_return,
    do_submit,
    do_urge,
    record_step,
    register_item,
    transition,
)
from .evidence import attach, check_evidence, files_of, timeline
from .models import LedgerItem, LedgerQuerySet
from .registry import LEDGERS, Ledger, Step, ledger_of, register
from .rules import RULES, is_keeper, is_owner, refusal
from .states import (
    ASSIGNED,
    CLOSED,
    IN_PROGRESS,
    OPEN_STATES,
    REGISTERED,
    RUNNING_STATES,
    STATE_CHOICES,
    STATE_LABELS,
    SUBMITTED,
    SYSTEM,
    LedgerError,
    system_actor,
)


def allowed_actions(item, user) -> list[tuple[str, str]]:
    """(key, label) of every step ``user`` may take on ``item`` now."""
    return [(s.key, s.label) for s in allowed_steps(item, user)]
