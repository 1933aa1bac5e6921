import time

import segno
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from mofan.audit.middleware import client_ip
from mofan.audit.services import record, snapshot
from mofan.core.scoping import SECADMIN, SYSADMIN
from mofan.core.screens import bootstrapify

from .forms import AccountForm, LoginForm, OTPForm, PasswordChangeForm, RoleForm
from .models import User
from .passwords import generate_password
from .services import (
    locked_until,
    note_login_attempt,
    set_password,
    totp_for,
    verify_second_factor,
)

PENDING_KEY = "mofan_otp_pending"
PENDING_SECONDS = 300


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


def _finish_login(request, user, target):
    note_login_attempt(user.username, client_ip(request), True, user=user)
    login(request, user)
    return redirect(target)


def login_view(request):
    form = LoginForm(request, request.POST or None)
    bootstrapify(form.fields)
    if request.method == "POST" and form.is_valid():
        if form.user.needs_second_factor:
            # Password is right; the session is not logged in until the code is.
            request.session[PENDING_KEY] = {"user": form.user.pk, "next": _safe_next(request),
                                            "at": time.time()}
            return redirect("accounts:otp")
        return _finish_login(request, form.user, _safe_next(request))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")},
                  status=422 if form.errors else 200)


def otp_view(request):
    """Second step for administrator roles when MOFAN_ADMIN_TOTP is on (等保 level 3)."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, "请先输入用户名和密码。")
        return redirect("accounts:login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    form = OTPForm(request.POST or None)
    bootstrapify(form.fields)
    if request.method == "POST" and form.is_valid():
        if verify_second_factor(user, form.cleaned_data["code"]):
            del request.session[PENDING_KEY]
            return _finish_login(request, user, pending["next"])
        note_login_attempt(user.username, client_ip(request), False, user=user, reason="otp")
        if locked_until(user.username):
            del request.session[PENDING_KEY]
            messages.error(request, "登录失败次数过多，该账号已锁定，请 15 分钟后再试。")
            return redirect("accounts:login")
        form.add_error("code", "验证码不正确或已过期。")
    enrol = None
    if user.totp_confirmed_at is None:
        totp = totp_for(user)
        enrol = {"secret": totp.secret,
                 "qr": segno.make(totp.provisioning_uri(), error="m").svg_data_uri(scale=4)}
    return render(request, "accounts/otp.html", {"form": form, "enrol": enrol},
                  status=422 if form.errors else 200)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        record("logout", request.user, user=request.user)
    logout(request)
    messages.info(request, "已安全退出。")
    return redirect("accounts:login")


def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    bootstrapify(form.fields)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改。")
        return redirect("core:home")
    reason = ""
    if request.user.must_change_password:
        reason = "首次登录或密码被重置，请先设置自己的密码。"
    elif request.user.password_expired:
        reason = "密码已使用超过 90 天，请修改后继续。"
    return render(request, "accounts/password_change.html", {"form": form, "reason": reason})


def _require(user, *roles):
    if user.role not in roles:
        raise PermissionDenied("仅系统管理员或安全管理员可以管理账号")


def user_list(request):
    _require(request.user, SYSADMIN, SECADMIN)
    users = User.objects.visible_to(request.user).select_related("org", "person")
    return render(request, "accounts/user_list.html", {"users": users, "title": "账号管理"})


def user_create(request):
    _require(request.user, SYSADMIN)
    form = AccountForm(request.POST or None, actor=request.user)
    bootstrapify(form.fields)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user.org = request.user.org
        user.set_unusable_password()
        user.save()
        password = generate_password()
        set_password(user, password, by=request.user, temporary=True)
        record("create", user, after=snapshot(user))
        return render(request, "accounts/password_shown.html",
                      {"account": user, "password": password})
    return render(request, "accounts/user_form.html", {"form": form, "title": "新建账号"})


def _scoped_user(request, pk):
    return get_object_or_404(User.objects.visible_to(request.user), pk=pk)


def user_edit(request, pk):
    _require(request.user, SYSADMIN)
    account = _scoped_user(request, pk)
    before = snapshot(account)
    form = AccountForm(request.POST or None, instance=account, actor=request.user)
    bootstrapify(form.fields)
    if request.method == "POST" and form.is_valid():
        form.save()
        record("update", account, before=before, after=snapshot(account))
        messages.success(request, "账号已保存。")
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": f"编辑账号 {account}"})


def user_role(request, pk):
    _require(request.user, SECADMIN)
    account = _scoped_user(request, pk)
    before = snapshot(account)
    form = RoleForm(request.POST or None, instance=account, actor=request.user)
    bootstrapify(form.fields)
    if request.method == "POST" and form.is_valid():
        form.save()
        record("role_change", account, before=before, after=snapshot(account))
        messages.success(request, "角色已修改。")
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": f"设置角色 {account}"})


@require_POST
def user_reset_password(request, pk):
    _require(request.user, SYSADMIN)
    account = _scoped_user(request, pk)
    password = generate_password()
    set_password(account, password, by=request.user, temporary=True)
    return render(request, "accounts/password_shown.html", {"account": account, "password": password})
