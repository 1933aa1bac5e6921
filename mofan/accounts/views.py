from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from mofan.audit.services import record, snapshot
from mofan.core.scoping import SECADMIN, SYSADMIN
from mofan.core.screens import bootstrapify

from .forms import AccountForm, LoginForm, PasswordChangeForm, RoleForm
from .models import User
from .passwords import generate_password
from .services import set_password


def login_view(request):
    form = LoginForm(request, request.POST or None)
    bootstrapify(form.fields)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        target = request.POST.get("next") or request.GET.get("next") or "/"
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
            target = "/"
        return redirect(target)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")},
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
