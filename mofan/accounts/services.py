"""Login security: lockout, password changes, account lifecycle — each audited."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import transaction
from django.utils import timezone

from mofan.audit.services import record

from .models import LoginAttempt, PasswordHistory, User


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


@transaction.atomic
def set_password(user: User, raw: str, *, by=None, temporary=False):
    """Change a password keeping history; ``temporary`` forces a change at next login."""
    password_validation.validate_password(raw, user)
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(raw)
    user.password_changed_at = timezone.now()
    user.must_change_password = temporary
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
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
