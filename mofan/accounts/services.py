"""Login security: lockout, password changes, account lifecycle — each audited.

Account administration is a set of ``do_*`` actions: each re-reads the account inside a
transaction, asks ``rules.refusal`` (the same rule that shows the buttons), changes it
and writes one audit row whose before/after hold only ``account_snapshot`` fields —
never a password hash, a TOTP secret or a session key.
"""

import re

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from mofan.audit.services import record
from mofan.core.scoping import ADMIN_ROLES, HEAD, MEMBER, ROLE_LABELS
from mofan.orgs.models import Person

from . import rules
from .models import LoginAttempt, PasswordHistory, User
from .passwords import generate_password


def locked_until(username: str):
    """When the account's lock ends, or None. Counts failures since the last success."""
    now = timezone.now()
    window_start = now - settings.MOFAN_LOCKOUT_WINDOW - settings.MOFAN_LOCKOUT_DURATION
    attempts = list(
        LoginAttempt.objects.filter(username__iexact=username, at__gte=window_start)
        .order_by("-at", "-id")
        .values_list("success", "at")
    )
    failures = []
    for success, at in attempts:
        if success:
            break
        failures.append(at)
    # Look for N failures inside one window whose lock has not yet run out.
    n = settings.MOFAN_LOCKOUT_FAILURES
    for i in range(len(failures) - n + 1):
        newest, oldest = failures[i], failures[i + n - 1]
        if newest - oldest <= settings.MOFAN_LOCKOUT_WINDOW:
            until = newest + settings.MOFAN_LOCKOUT_DURATION
            if until > now:
                return until
    return None


def note_login_attempt(username: str, ip, success: bool, user=None, reason: str = ""):
    was_locked = locked_until(username)
    # Tries made while locked are audited but do not extend the lock.
    if not was_locked:
        LoginAttempt.objects.create(username=username[:150], ip=ip, success=success)
    if success:
        record("login", user, user=user)
        return
    record("login_failed", user, label=username[:200], success=False,
           after={"reason": reason} if reason else None, object_type="accounts.user")
    if not was_locked and locked_until(username):
        record("lockout", user, label=username[:200], success=False,
               object_type="accounts.user")


def _keep_in_history(user: User):
    if user.password and user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)


def _store_password(user: User, raw: str, *, temporary: bool):
    password_validation.validate_password(raw, user)
    _keep_in_history(user)
    user.set_password(raw)
    user.password_changed_at = timezone.now()
    user.must_change_password = temporary
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])


@transaction.atomic
def set_password(user: User, raw: str, *, by=None, temporary=False):
    """Change a password keeping history; ``temporary`` forces a change at next login."""
    _store_password(user, raw, temporary=temporary)
    record("password_reset" if temporary else "password_change", user, user=by)


def totp_for(user: User):
    import pyotp

    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
    return pyotp.TOTP(user.totp_secret, issuer=settings.MOFAN_TOTP_ISSUER, name=user.username)


def verify_second_factor(user: User, code: str) -> bool:
    ok = totp_for(user).verify(code.strip(), valid_window=1)
    if ok and user.totp_confirmed_at is None:
        user.totp_confirmed_at = timezone.now()
        user.save(update_fields=["totp_confirmed_at"])
        record("totp_enrolled", user, user=user)
    return ok


# --- Account administration (三员分立, see rules.py) -----------------------------------

def account_snapshot(user: User) -> dict:
    """What an audit row may keep of an account: explicit fields, no secret among them."""
    return {
        "username": user.username,
        "name": user.first_name,
        "role": user.role,
        "org": user.org_id,
        "person": user.person_id,
        "is_active": user.is_active,
        "expires_on": user.expires_on.isoformat() if user.expires_on else None,
        "must_change_password": user.must_change_password,
        "password_pending": user.reset_requested_at is not None,
    }


def _name(actor) -> str:
    return f"{ROLE_LABELS.get(actor.role, '')}{actor.display_name}（{actor.username}）"[:200]


def _check(actor, action, account=None):
    if reason := rules.refusal(actor, action, account):
        raise PermissionDenied(reason)


def _fresh(account: User) -> User:
    """The account as stored, locked for this transaction (forms may have changed the
    instance they were given)."""
    return User.objects.select_for_update(of=("self",)).select_related("org").get(pk=account.pk)


def _revoke_password(account: User, actor):
    """The old password stops working at once (and with it every session of the account);
    the account waits for a one-time password from its deliverer."""
    _keep_in_history(account)
    account.set_unusable_password()
    account.must_change_password = True
    account.reset_requested_at = timezone.now()
    account.reset_requested_by = _name(actor)


@transaction.atomic
def do_create_account(*, actor, username: str, org, name: str = "", expires_on=None) -> User:
    """The system administrator's new account: no role, no person, no usable password.

    It cannot log in until the security administrator gives it a role, and its first
    password is issued by its deliverer — never shown to the system administrator.
    """
    _check(actor, rules.CREATE)
    if org is None or not actor.org_id or not org.path.startswith(actor.org.path):
        raise PermissionDenied("所属单位不在您的管理范围内")
    account = User(username=username, first_name=name, org=org, expires_on=expires_on,
                   role="", person=None, must_change_password=True)
    _revoke_password(account, actor)
    account.save()
    record("create", account, after=account_snapshot(account), user=actor)
    return account


EDITABLE_FIELDS = ("username", "first_name", "is_active", "expires_on")


@transaction.atomic
def do_update_account(account: User, *, actor, **changes) -> User:
    """Username, name, validity and enabled/disabled — by the account's lifecycle manager."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    account = _fresh(account)
    _check(actor, rules.EDIT, account)
    before = account_snapshot(account)
    for field, value in changes.items():
        setattr(account, field, value)
    account.save(update_fields=list(changes))
    after = account_snapshot(account)
    if before["is_active"] != after["is_active"]:
        action = "account_enable" if after["is_active"] else "account_disable"
    else:
        action = "update"
    record(action, account, before=before, after=after, user=actor)
    return account


@transaction.atomic
def do_request_reset(account: User, *, actor) -> User:
    """Reset a password: the old one stops working, nobody sees a new one yet."""
    account = _fresh(account)
    _check(actor, rules.RESET, account)
    before = account_snapshot(account)
    _revoke_password(account, actor)
    account.save()
    record("password_reset_requested", account, before=before, user=actor,
           after={**account_snapshot(account), "deliverer": rules.deliverer_label(account)})
    return account


@transaction.atomic
def do_issue_password(account: User, *, actor) -> str:
    """Generate the one-time password of a waiting account, for its deliverer only.

    The caller shows it once (to be handed over in person or printed); the account must
    change it at first login and is told there who reset it and who issued it.
    """
    account = _fresh(account)
    _check(actor, rules.ISSUE, account)
    raw = generate_password()
    _store_password(account, raw, temporary=True)
    account.reset_requested_at = None
    account.password_issued_at = timezone.now()
    account.password_issued_by = _name(actor)
    account.save(update_fields=["reset_requested_at", "password_issued_at", "password_issued_by"])
    record("password_issued", account, user=actor,
           after={"reset_by": account.reset_requested_by, "issued_by": account.password_issued_by})
    return raw


@transaction.atomic
def do_change_role(account: User, *, actor, role: str, org, person=None) -> User:
    """Role, scope and person: the security administrator's alone.

    Raising an account to an administrator role while it still runs on a password
    someone else handed it (or has none) voids that password: the security
    administrator issues the new one, so nobody who saw the old one inherits the role.
    """
    account = _fresh(account)
    _check(actor, rules.ROLE, account)
    if role not in ROLE_LABELS:
        raise PermissionDenied("没有这个角色")
    if org is None or not org.path.startswith(actor.org.path):
        raise PermissionDenied("管理范围不在您的管理范围内")
    if person is not None and not person.org.path.startswith(org.path):
        raise PermissionDenied("对应人员须属于所选管理范围内的单位")
    before = account_snapshot(account)
    raised = role in ADMIN_ROLES and account.role not in ADMIN_ROLES
    on_borrowed_password = account.must_change_password or not account.has_usable_password()
    account.role, account.org, account.person = role, org, person
    if raised and on_borrowed_password:
        _revoke_password(account, actor)
    account.save()
    record("role_change", account, before=before, after=account_snapshot(account), user=actor)
    return account


def reset_notice(user: User) -> str:
    """The line shown at the first login after a password was issued by someone else."""
    if user.password_issued_at is None:
        return ""
    if user.last_login and user.last_login >= user.password_issued_at:
        return ""
    at = timezone.localtime(user.password_issued_at).strftime("%Y-%m-%d %H:%M")
    by = user.reset_requested_by or user.password_issued_by
    text = f"您的密码于 {at} 由{by}重置"
    if user.password_issued_by and user.password_issued_by != by:
        text += f"，新密码由{user.password_issued_by}发放"
    return text + "。如非本人申请，请立即向安全管理员报告。"


CONSOLE = "服务器控制台"


@transaction.atomic
def issue_from_console(username: str, *, role: str = "", org=None) -> tuple[User, str, bool]:
    """The server operator's way in: the first administrators, or an administrator locked
    out with nobody above to reset him. Returns (account, one-time password, created)."""
    from mofan.audit.context import Actor

    console = Actor(user_name=CONSOLE)
    account = User.objects.select_for_update(of=("self",)).filter(username=username).first()
    created = account is None
    if created:
        if role not in ROLE_LABELS or org is None:
            raise ValueError("新建账号须给出角色和所属单位")
        account = User(username=username, role=role, org=org)
        account.set_unusable_password()
        account.save()
        record("create", account, after=account_snapshot(account), actor=console)
    raw = generate_password()
    _store_password(account, raw, temporary=True)
    account.reset_requested_at = None
    account.reset_requested_by = CONSOLE
    account.password_issued_at = timezone.now()
    account.password_issued_by = CONSOLE
    account.save(update_fields=["reset_requested_at", "reset_requested_by",
                                "password_issued_at", "password_issued_by"])
    record("password_issued", account, actor=console,
           after={"reset_by": CONSOLE, "issued_by": CONSOLE})
    return account, raw, created


# --- Bulk: accounts for people of the roster (三员分立 kept: each step by its own role) ---

BULK_ROLES = (HEAD, MEMBER)  # a bulk role is never an administrator's


def _current_people(actor):
    today = timezone.localdate()
    return (Person.objects.filter(org__path__startswith=actor.org.path, user__isnull=True)
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=today))
            .select_related("org", "org__organ"))


def people_without_account(actor):
    """The roster people under the system administrator's org who have no account yet —
    neither one bound to them nor one made for them that still waits for its binding."""
    if rules.role_refusal(actor, rules.CREATE) or not actor.org_id:
        return Person.objects.none()
    waiting = User.objects.filter(person__isnull=True, first_name=OuterRef("name"),
                                  org_id=OuterRef("org_id"))
    return _current_people(actor).filter(~Exists(waiting))


def username_for(person, taken: set[str]) -> str:
    """The person's 办公平台用户ID when it is a free, plain login name; else p<id>."""
    wanted = person.app_user_id.strip().lower()
    if re.fullmatch(r"[a-z0-9_.@+-]{2,150}", wanted) and wanted not in taken:
        return wanted
    name, n = f"p{person.pk}", 1
    while name in taken:
        n += 1
        name = f"p{person.pk}-{n}"
    return name


@transaction.atomic
def do_create_accounts(*, actor, people, expires_on=None) -> list[User]:
    """The system administrator's accounts for the chosen roster people: each as
    ``do_create_account`` makes one — named after the person, in the person's org, with
    no role, no person and no usable password (one audit row each). Binding it to the
    person and giving the role stay the security administrator's; the first password is
    issued by its deliverer. People outside his org, or with an account, are skipped."""
    _check(actor, rules.CREATE)
    allowed = {p.pk: p for p in people_without_account(actor).filter(
        pk__in=[p.pk for p in people])}
    taken = set(User.objects.values_list("username", flat=True))
    created = []
    for person in people:
        if person.pk not in allowed:
            continue
        username = username_for(person, taken)
        taken.add(username)
        created.append(do_create_account(actor=actor, username=username, org=person.org,
                                         name=person.name, expires_on=expires_on))
        allowed.pop(person.pk)
    return created


def roster_match(account, people_by_key):
    """The one person without an account whose name and org are this account's (None when
    there is none, or more than one)."""
    found = people_by_key.get((account.first_name, account.org_id), [])
    return found[0] if len(found) == 1 else None


def accounts_awaiting_role(actor):
    """[(account, person or None)]: accounts with no role yet in the security
    administrator's scope, each with the roster person it was made for."""
    if rules.role_refusal(actor, rules.ROLE) or not actor.org_id:
        return []
    accounts = [a for a in User.objects.visible_to(actor).filter(role="", is_active=True)
                .select_related("org").order_by("org__path", "id")
                if rules.allowed(actor, rules.ROLE, a)]
    people_by_key = {}
    for p in _current_people(actor).filter(name__in={a.first_name for a in accounts}):
        people_by_key.setdefault((p.name, p.org_id), []).append(p)
    return [(a, roster_match(a, people_by_key)) for a in accounts]


@transaction.atomic
def do_bind_accounts(*, actor, accounts, role: str) -> list[User]:
    """The security administrator binds each chosen account to its roster person and gives
    it one ordinary role (负责人 or 干部/党员): ``do_change_role`` for each, audited each."""
    if role not in BULK_ROLES:
        raise PermissionDenied("批量设置只能授予负责人或干部/党员角色；管理员角色请逐个设置")
    chosen = {a.pk for a in accounts}
    done = []
    for account, person in accounts_awaiting_role(actor):
        if account.pk in chosen and person is not None:
            done.append(do_change_role(account, actor=actor, role=role, org=person.org,
                                       person=person))
    return done


@transaction.atomic
def do_issue_passwords(*, actor, accounts) -> list[tuple[User, str]]:
    """The deliverer's one-time passwords for several waiting accounts at once (each by
    ``do_issue_password``: refused unless he is its deliverer, audited each)."""
    return [(account, do_issue_password(account, actor=actor)) for account in accounts]
