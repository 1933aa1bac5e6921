import time

import segno
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from mofan.audit.middleware import client_ip
from mofan.audit.services import record
from mofan.core.excel import xlsx_bytes, xlsx_response
from mofan.core.pickers import SearchSelect
from mofan.core.scoping import ROLE_LABELS
from mofan.core.screens import bootstrapify
from mofan.orgs.models import Org

from . import rules
from .forms import AccountCreateForm, AccountForm, LoginForm, OTPForm, PasswordChangeForm, RoleForm
from .models import User
from .services import (
    BULK_ROLES,
    accounts_awaiting_role,
    do_bind_accounts,
    do_change_role,
    do_create_account,
    do_create_accounts,
    do_issue_password,
    do_issue_passwords,
    do_request_reset,
    do_update_account,
    locked_until,
    note_login_attempt,
    people_without_account,
    reset_notice,
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
    notice = reset_notice(user)  # asked before login() moves last_login
    login(request, user)
    if notice:
        messages.warning(request, notice)
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
        if request.user.password_issued_at:
            at = timezone.localtime(request.user.password_issued_at).strftime("%Y-%m-%d %H:%M")
            reason += f"（本次密码于 {at} 由{request.user.password_issued_by}发放）"
    elif request.user.password_expired:
        reason = "密码已使用超过 90 天，请修改后继续。"
    return render(request, "accounts/password_change.html", {"form": form, "reason": reason})


def _refuse_unless(actor, action, account=None):
    reason = (rules.refusal(actor, action, account) if account is not None
              else rules.role_refusal(actor, action))
    if reason:
        raise PermissionDenied(reason)


def user_list(request):
    _refuse_unless(request.user, rules.EDIT)
    users = list(User.objects.visible_to(request.user).select_related("org", "person"))
    rows = [(u, rules.actions_for(request.user, u)) for u in users]
    return render(request, "accounts/user_list.html", {
        "rows": rows, "title": "账号管理",
        "can_create": rules.allowed(request.user, rules.CREATE),
        "can_bind": not rules.role_refusal(request.user, rules.ROLE),
    })


def user_create(request):
    _refuse_unless(request.user, rules.CREATE)
    form = AccountCreateForm(request.POST or None, actor=request.user)
    bootstrapify(form.fields)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = do_create_account(actor=request.user, username=data["username"],
                                    name=data["first_name"], org=data["org"],
                                    expires_on=data["expires_on"])
        messages.success(request, f"账号 {account.username} 已建立。安全管理员分配角色后才能登录；"
                                  f"{_handover_words(account, '初始密码')}")
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": "新建账号"},
                  status=422 if form.errors else 200)


def _handover_words(account, what):
    deliverer = rules.deliverer_label(account)
    if not deliverer:
        return f"{what}暂时无人可以发放：该账号所在单位尚无单位管理员，上级也没有工委管理员。"
    return f"{what}由{deliverer}在“密码发放”中生成并交给本人，本人首次登录须修改。"


def _scoped_user(request, pk, action):
    """The account, asked in this order: may the role do this at all (403), is the
    account in the actor's scope (404), may he do it to this account (403)."""
    _refuse_unless(request.user, action)
    account = get_object_or_404(User.objects.visible_to(request.user).select_related("org"),
                                pk=pk)
    _refuse_unless(request.user, action, account)
    return account


def user_edit(request, pk):
    account = _scoped_user(request, pk, rules.EDIT)
    form = AccountForm(request.POST or None, instance=account, actor=request.user)
    bootstrapify(form.fields)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form.changed_data}
        if changes:
            do_update_account(account, actor=request.user, **changes)
        messages.success(request, "账号已保存。")
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html",
                  {"form": form, "title": f"编辑账号 {account}"},
                  status=422 if form.errors else 200)


def user_role(request, pk):
    account = _scoped_user(request, pk, rules.ROLE)
    form = RoleForm(request.POST or None, instance=account, actor=request.user)
    bootstrapify(form.fields)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = do_change_role(account, actor=request.user, role=data["role"],
                                 org=data["org"], person=data["person"])
        messages.success(request, "角色已修改。")
        if account.password_pending and rules.allowed(request.user, rules.ISSUE, account):
            messages.warning(request, "授予管理员角色后，该账号原来的一次性密码已作废；"
                                      "请在“密码发放”中生成新密码，当面交给本人。")
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html",
                  {"form": form, "title": f"设置角色 {account}"},
                  status=422 if form.errors else 200)


@require_POST
def user_reset_password(request, pk):
    account = _scoped_user(request, pk, rules.RESET)
    account = do_request_reset(account, actor=request.user)
    if rules.allowed(request.user, rules.ISSUE, account):
        # The security administrator resetting an administrator: he is its deliverer.
        return _slip(request, account, do_issue_password(account, actor=request.user))
    messages.success(request, f"已重置 {account.username} 的密码，原密码立即失效。"
                              f"{_handover_words(account, '新密码')}")
    return redirect("accounts:user_list")


def handover(request):
    """密码发放: the accounts waiting for a one-time password that this user hands over."""
    if reason := rules.role_refusal(request.user, rules.ISSUE):
        raise PermissionDenied(reason)
    waiting = []
    if request.user.org_id:
        waiting = [
            u for u in User.objects.filter(reset_requested_at__isnull=False,
                                           org__path__startswith=request.user.org.path)
            .select_related("org", "person").order_by("reset_requested_at", "id")
            if rules.allowed(request.user, rules.ISSUE, u)
        ]
    if request.method == "POST" and "accounts" in request.POST:
        chosen = set(request.POST.getlist("accounts"))
        accounts = [u for u in waiting if str(u.pk) in chosen]
        if not accounts:
            messages.error(request, "请勾选要发放密码的账号。")
            return redirect("accounts:handover")
        issued = do_issue_passwords(actor=request.user, accounts=accounts)
        if request.POST.get("format") == "xlsx":
            return _slips_xlsx(request, issued)
        response = render(request, "accounts/password_slips.html",
                          {"issued": issued, "title": "一次性密码"})
        add_never_cache_headers(response)
        return response
    if request.method == "POST":
        chosen = request.POST.get("account", "")
        account = next((u for u in waiting if str(u.pk) == chosen), None)
        if account is None:
            raise Http404("没有这个待发放密码的账号")
        return _slip(request, account, do_issue_password(account, actor=request.user))
    return render(request, "accounts/handover.html", {"waiting": waiting, "title": "密码发放"})


def _slips_xlsx(request, issued):
    """The one-time passwords of a batch as a sheet to print and cut into slips: generated
    once, in this response only (every cell through excel.write_cell, so no name or
    password is ever a formula)."""
    rows = [[a.username, a.display_name, str(a.org or ""), password,
             timezone.localtime(timezone.now()).strftime("%Y-%m-%d %H:%M")]
            for a, password in issued]
    record("export", object_type="accounts.user",
           label=f"导出一次性密码 {len(rows)} 个（仅此一次）",
           after={"count": len(rows), "usernames": [a.username for a, _ in issued]})
    response = xlsx_response("一次性密码.xlsx", xlsx_bytes(
        "一次性密码", ["用户名", "姓名", "所属单位", "一次性密码", "发放时间"], rows,
        title="一次性密码（首次登录须修改；请当面交给本人）"))
    add_never_cache_headers(response)
    return response


def bulk_create(request):
    """系统管理员: accounts for the chosen people of the roster, no password shown."""
    _refuse_unless(request.user, rules.CREATE)
    people = people_without_account(request.user)
    org = None
    org_pk = request.GET.get("org", "")
    if org_pk.isdigit() and len(org_pk) < 19:
        org = Org.objects.filter(pk=int(org_pk), path__startswith=request.user.org.path).first()
        if org is not None:
            people = people.filter(org__path__startswith=org.path)
    if request.method == "POST":
        chosen = [int(v) for v in request.POST.getlist("people") if v.isdigit() and len(v) < 19]
        created = do_create_accounts(actor=request.user,
                                     people=list(people.filter(pk__in=chosen)))
        if not created:
            messages.error(request, "请勾选要建立账号的人员。")
            return redirect(request.get_full_path())
        messages.success(request, f"已为 {len(created)} 人建立账号（无密码、待分配角色）。"
                                  "请安全管理员在“批量设置角色”中对应人员并授予角色；"
                                  "一次性密码由各机关的单位管理员在“密码发放”中生成。")
        return redirect("accounts:user_list")
    limit = 300
    rows = list(people.order_by("org__path", "sort", "id")[:limit + 1])
    picker = SearchSelect("org", attrs={"class": "form-select form-select-sm", "id": "id_org"})
    picker.choices = [("", "全部单位")]
    return render(request, "accounts/bulk_create.html", {
        "title": "批量建立账号", "rows": rows[:limit], "more": len(rows) > limit,
        "limit": limit, "org_picker": picker.render("org", org.pk if org else None),
    })


def bulk_role(request):
    """安全管理员: bind the new accounts to their roster people and give an ordinary role."""
    _refuse_unless(request.user, rules.ROLE)
    if request.method == "POST":
        chosen = set(request.POST.getlist("accounts"))
        pairs = accounts_awaiting_role(request.user)
        accounts = [a for a, _ in pairs if str(a.pk) in chosen]
        try:
            done = do_bind_accounts(actor=request.user, accounts=accounts,
                                    role=request.POST.get("role", ""))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("accounts:bulk_role")
        messages.success(request, f"已为 {len(done)} 个账号对应人员并设置角色。")
        return redirect("accounts:user_list")
    return render(request, "accounts/bulk_role.html", {
        "title": "批量设置角色", "pairs": accounts_awaiting_role(request.user),
        "roles": [(r, ROLE_LABELS[r]) for r in BULK_ROLES],
    })


def _slip(request, account, password):
    account.refresh_from_db()
    response = render(request, "accounts/password_slip.html",
                      {"account": account, "password": password, "title": "一次性密码"})
    add_never_cache_headers(response)
    return response
