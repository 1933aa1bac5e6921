"""三员分立 for accounts: who may do what to which account, asked in one place.

Buttons are shown by the same rule that the actions enforce (``refusal``).

- An *administrator account* is one whose role is in ``ADMIN_ROLES``: the three
  administrators (系统管理员, 安全管理员, 审计员) and the two business administrators
  (工委管理员, 单位管理员) — the same set that needs a second factor. They hold the widest
  reach, so the system administrator never touches them.
- The 系统管理员 creates accounts (with no role and no person), edits, disables and resets
  the others — ordinary accounts (负责人, 干部/党员, not yet given a role) — and never sees
  a password: a reset leaves the account waiting for a one-time password that the
  account's own 单位管理员 issues (the 工委管理员 when its organ has none).
- The 安全管理员 gives roles and binds accounts to people (any account but his own), and
  edits, disables and resets administrator accounts, the 审计员's among them; for those he
  issues the one-time password himself and hands it over in person.
- Nobody manages his own account here (his own password is changed on 修改密码).
"""

from mofan.core.scoping import ADMIN_ROLES, COMMITTEE, ORG_ADMIN, SECADMIN, SYSADMIN

CREATE = "create"
EDIT = "edit"  # username, name, validity — and enabling/disabling the account
RESET = "reset"
ROLE = "role"  # role, scope and person: the security administrator's
ISSUE = "issue"  # hand a waiting account its one-time password
ACTIONS = (CREATE, EDIT, RESET, ROLE, ISSUE)
ACTION_LABELS = {CREATE: "新建账号", EDIT: "编辑或停用账号", RESET: "重置密码",
                 ROLE: "设置角色与对应人员", ISSUE: "发放密码"}

ACCOUNT_MANAGERS = {SYSADMIN, SECADMIN}  # may open the account list
DELIVERERS = {COMMITTEE, ORG_ADMIN, SECADMIN}  # may open the 密码发放 page


def is_admin_account(account) -> bool:
    return account.role in ADMIN_ROLES


def lifecycle_manager_role(account) -> str:
    """Whose job it is to edit, disable and reset this account."""
    return SECADMIN if is_admin_account(account) else SYSADMIN


def _in_scope(actor, account) -> bool:
    return bool(actor.org_id and account.org_id
                and account.org.path.startswith(actor.org.path))


ROLE_GATE = {
    CREATE: ({SYSADMIN}, "只有系统管理员可以新建账号"),
    EDIT: (ACCOUNT_MANAGERS, "只有系统管理员或安全管理员可以管理账号"),
    RESET: (ACCOUNT_MANAGERS, "只有系统管理员或安全管理员可以重置密码"),
    ROLE: ({SECADMIN}, "只有安全管理员可以设置角色和对应人员"),
    ISSUE: (DELIVERERS, "只有单位管理员、工委管理员或安全管理员可以发放密码"),
}


def role_refusal(actor, action) -> str:
    """Whether this actor's role may do ``action`` at all: asked before any account is
    looked up, so a refused role learns nothing about which accounts exist."""
    if not actor.is_authenticated or not actor.is_active or not actor.role:
        return "请先登录"
    roles, reason = ROLE_GATE[action]
    return "" if actor.role in roles else reason


def refusal(actor, action, account=None) -> str:
    """Why ``actor`` may not do ``action`` to ``account`` ("" when allowed)."""
    if reason := role_refusal(actor, action):
        return reason
    if action == CREATE:
        return ""
    if account is None:
        raise ValueError(f"{action} needs an account")
    if action == ISSUE:
        if account.reset_requested_at is None:
            return "该账号没有待发放的密码"
        if actor.pk not in {u.pk for u in deliverers_of(account)}:
            return "该账号的密码不由您发放"
        return ""
    if actor.pk == account.pk:
        return "不能在此管理自己的账号；修改自己的密码请用“修改密码”"
    if not _in_scope(actor, account):
        return "该账号不在您的管理范围内"
    if action == ROLE:
        return ""
    if lifecycle_manager_role(account) != actor.role:
        if actor.role == SYSADMIN:
            return f"{account.role_label}账号属于管理员账号，只能由安全管理员管理"
        return "普通账号由系统管理员管理"
    return ""


def allowed(actor, action, account=None) -> bool:
    return refusal(actor, action, account) == ""


def deliverers_of(account):
    """The accounts that may issue this account's one-time password.

    Administrator accounts: the security administrators over it. Others: the 单位管理员
    of the account's own organ, or — when the organ has none, or the account sits at the
    committee itself — the 工委管理员 above it. Never the system administrator, never
    the account itself.
    """
    from .models import User

    active = User.objects.filter(is_active=True).exclude(pk=account.pk).select_related("org")
    if account.org_id is None:
        return []
    org = account.org
    ancestors = [int(pk) for pk in org.path.strip("/").split("/") if pk]
    if is_admin_account(account):
        return list(active.filter(role=SECADMIN, org_id__in=ancestors))
    if org.organ_id:
        org_admins = list(active.filter(role=ORG_ADMIN, org_id=org.organ_id))
        if org_admins:
            return org_admins
    return list(active.filter(role=COMMITTEE, org_id__in=ancestors))


def deliverer_label(account) -> str:
    """Who will hand this account its password, in words for the person who reset it."""
    if is_admin_account(account):
        return "安全管理员"
    people = deliverers_of(account)
    if not people:
        return ""
    org = people[0].org
    kind = "单位管理员" if people[0].role == ORG_ADMIN else "工委管理员"
    return f"{org.short_name or org.name}的{kind}"


def actions_for(actor, account) -> set[str]:
    """What to show beside this account in the list."""
    return {a for a in (EDIT, RESET, ROLE) if allowed(actor, a, account)}
