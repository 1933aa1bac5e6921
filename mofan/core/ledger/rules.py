"""Who may take which workflow action, from which state — asked in one place, both to
show a button and to allow the action.

* **keeper** (台账管理员): a 单位管理员 or 负责人 whose org is the item's registering org
  or above it. Keepers register, assign (交办/改派), approve extensions, return, close,
  reopen and send 催办. A keeper never closes, returns or approves an extension of an
  item he owns himself (审核与办理分离).
* **owner** (责任人): the person the item is assigned to, through his account. Owners
  accept, note progress, request an extension and submit the result.
* 工委管理员 see the items of the organs under them but do not act on them.
"""

from dataclasses import dataclass

from mofan.core.scoping import HEAD, ORG_ADMIN

from .states import ASSIGNED, CLOSED, IN_PROGRESS, REGISTERED, STATE_LABELS, SUBMITTED, is_system

KEEPER, OWNER, EITHER = "keeper", "owner", "either"
WHO_LABELS = {KEEPER: "台账管理员（交办单位的单位管理员或负责人）",
              OWNER: "责任人本人", EITHER: "责任人或台账管理员"}


@dataclass(frozen=True)
class Rule:
    label: str
    states: tuple[str, ...]
    who: str
    separated: bool = False  # a keeper may not review an item he owns himself


RULES = {
    "assign": Rule("交办", (REGISTERED, ASSIGNED), KEEPER),
    "accept": Rule("签收", (ASSIGNED,), OWNER),
    "note": Rule("进展", (ASSIGNED, IN_PROGRESS, SUBMITTED), EITHER),
    "request_extension": Rule("申请延期", (ASSIGNED, IN_PROGRESS), OWNER),
    "approve_extension": Rule("审批延期", (ASSIGNED, IN_PROGRESS), KEEPER, separated=True),
    "submit": Rule("申请销号", (IN_PROGRESS,), OWNER),
    "return": Rule("退回", (SUBMITTED,), KEEPER, separated=True),
    "close": Rule("销号", (SUBMITTED,), KEEPER, separated=True),
    "reopen": Rule("重办", (CLOSED,), KEEPER),
    "urge": Rule("催办", (ASSIGNED, IN_PROGRESS), KEEPER),
}
# Timeline entries that are not actions a user chooses.
EVENT_LABELS = {"register": "登记", "import": "导入", "approve_extension": "同意延期",
                "reject_extension": "不同意延期", "reschedule": "时限调整"}


def is_keeper(user, item) -> bool:
    if is_system(user):
        return True
    return bool(
        getattr(user, "is_active", False) and user.role in (ORG_ADMIN, HEAD) and user.org_id
        and item.org.path.startswith(user.org.path)
    )


def is_owner(user, item) -> bool:
    if is_system(user):
        return True
    return bool(getattr(user, "is_active", False) and user.person_id
                and item.owner_id == user.person_id)


def refusal(item, user, action) -> str:
    """Why ``user`` may not take the workflow ``action`` on ``item`` now ("" when he may)."""
    rule = RULES[action]
    keeper, owner = is_keeper(user, item), is_owner(user, item)
    allowed = {KEEPER: keeper, OWNER: owner, EITHER: keeper or owner}[rule.who]
    if not allowed:
        return f"只有{WHO_LABELS[rule.who]}可以{rule.label}"
    if item.state not in rule.states:
        return f"事项当前为“{STATE_LABELS.get(item.state, item.state)}”，不能{rule.label}"
    if (rule.separated and not is_system(user) and user.person_id
            and item.owner_id == user.person_id):
        return f"本人承办的事项不能由本人{rule.label}，请由其他管理员审核"
    if action == "request_extension" and item.ext_deadline:
        return "已有一项延期申请等待审批"
    if action == "approve_extension" and not item.ext_deadline:
        return "没有待审批的延期申请"
    return ""


def refuser(action):
    """``refusal`` for one action, in the ``(item, user) -> str`` shape of every step."""
    return lambda item, user: refusal(item, user, action)
