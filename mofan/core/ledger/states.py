"""States of a ledger item, the error every refused action raises, the system actor."""

REGISTERED = "registered"
ASSIGNED = "assigned"
IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
CLOSED = "closed"
STATE_CHOICES = [
    (REGISTERED, "登记"),
    (ASSIGNED, "交办"),
    (IN_PROGRESS, "办理中"),
    (SUBMITTED, "申请销号"),
    (CLOSED, "已销号"),
]
STATE_LABELS = dict(STATE_CHOICES)
OPEN_STATES = (REGISTERED, ASSIGNED, IN_PROGRESS, SUBMITTED)
RUNNING_STATES = (ASSIGNED, IN_PROGRESS)  # the owner's clock is running

OVERDUE_FLAG_DAYS = 5  # overdue by more than this many working days: flagged for 通报


class LedgerError(Exception):
    """An action that may not happen; the message is shown to the user as is."""


class SystemActor:
    """The actor of the demo loader and of code paths with no person behind them
    (the recomputation of provisional deadlines)."""

    pk = None
    person_id = None
    role = "system"
    is_active = True
    username = "system"

    def __init__(self, name="系统"):
        self.display_name = name


SYSTEM = SystemActor()


def system_actor(name: str) -> SystemActor:
    """A named system actor (the demo acts "as" staff who have no account)."""
    return SystemActor(name)


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def actor_name(actor) -> str:
    if is_system(actor):
        return actor.display_name
    return f"{actor.display_name}（{actor.username}）"
