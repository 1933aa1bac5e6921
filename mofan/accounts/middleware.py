import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from mofan.audit.services import record

# Paths reachable without a session (or with one that must first change its password).
PUBLIC_PREFIXES = ("/accounts/login/", "/accounts/otp/", "/static/", "/favicon.ico", "/healthz")
PASSWORD_CHANGE_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/static/")
SESSION_KEY = "mofan_last_seen"
# Activity is written to the session at most this often (a write per page view would be a
# database transaction per GET): a session may so end up to a minute before the full
# timeout after its last request, never after it.
MARK_SECONDS = 60


def mark_login(sender, request, user, **kwargs):
    """``user_logged_in`` receiver: logging in is activity (saved with the new session), so
    the first page after it writes nothing."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = time.time()


class IdleTimeoutMiddleware:
    """Log out after MOFAN_IDLE_TIMEOUT of inactivity (sliding), and audit it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(SESSION_KEY, now)
            if now - last > settings.MOFAN_IDLE_TIMEOUT.total_seconds():
                record("session_timeout", request.user, user=request.user)
                logout(request)
                messages.info(request, "长时间未操作，已自动退出，请重新登录。")
                return redirect_to_login(request.get_full_path())
            if now - last >= MARK_SECONDS or SESSION_KEY not in request.session:
                request.session[SESSION_KEY] = now
        return self.get_response(request)


class LoginRequiredMiddleware:
    """Everything but the login page and static assets needs a session.

    Disabled, expired and role-less accounts are turned away even with a live session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.is_expired:
            logout(request)
            messages.error(request, "账号已过有效期，请联系系统管理员。")
            return redirect_to_login(request.get_full_path())
        if not user.role:
            logout(request)
            messages.error(request, "账号尚未分配角色，请联系安全管理员。")
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """First login and every 90 days: nothing else until the password is changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and (user.must_change_password or user.password_expired)
            and not request.path.startswith(PASSWORD_CHANGE_PREFIXES)
        ):
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)
