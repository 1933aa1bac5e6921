import datetime as dt
import ipaddress
import json

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mofan.core.excel import CellError, parse_date, xlsx_bytes, xlsx_response
from mofan.core.scoping import AUDITOR

from .anchors import read_anchors, write_anchor
from .models import AuditLog
from .services import check_anchors, purge_before, record, redact

ACTION_LABELS = {
    "login": "登录", "login_failed": "登录失败", "lockout": "账号锁定", "logout": "退出",
    "session_timeout": "超时退出", "create": "新增", "update": "修改", "delete": "删除",
    "import": "导入", "export": "导出", "role_change": "角色变更",
    "password_change": "修改密码", "password_reset": "重置密码",
    "password_reset_requested": "申请重置密码", "password_issued": "发放密码",
    "totp_enrolled": "绑定动态验证码", "transition": "状态变更", "view_phone": "查看手机号",
    "audit_purge": "清理审计日志", "backup": "备份", "restore": "恢复",
    "audit_rekey": "启用密钥哈希",
}
# Object types that are not a model ("app.model" labels name their model's verbose_name).
OBJECT_LABELS = {"core.backup": "备份", "": "—"}


def action_label(action):
    return ACTION_LABELS.get(action, "其他操作")


def object_type_label(object_type):
    """"accounts.user" → 账号: the model's Chinese name, never its label."""
    if object_type in OBJECT_LABELS:
        return OBJECT_LABELS[object_type]
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return "其他"
LATEST_ANCHORS = 10


def _search(request):
    qs = AuditLog.objects.all()
    g = request.GET
    if term := g.get("q", "").strip():
        match = Q(user_name__icontains=term) | Q(object_label__icontains=term)
        if _looks_like_ip(term):
            match |= Q(ip=term)
        qs = qs.filter(match)
    if action := g.get("action"):
        qs = qs.filter(action=action)
    if object_type := g.get("object_type"):
        qs = qs.filter(object_type=object_type)
    if g.get("success") in ("0", "1"):
        qs = qs.filter(success=g["success"] == "1")
    for key, lookup in (("start", "at__date__gte"), ("end", "at__date__lte")):
        try:
            day = parse_date(g.get(key) or None)
        except CellError:
            day = None  # a malformed date filter is ignored; the form shows it back
        if day:
            qs = qs.filter(**{lookup: day})
    return qs


def _looks_like_ip(term):
    """A whole address only: PostgreSQL's inet type refuses a partial one like "1.5"."""
    try:
        ipaddress.ip_address(term)
    except ValueError:
        return False
    return True


def audit_log(request):
    if request.user.role != AUDITOR:
        raise PermissionDenied("审计日志仅审计员可以查看")
    try:
        # The auditor's visit anchors the head outside the table (specs/security.md).
        write_anchor("page", only_if_changed=True)
    except OSError as exc:
        messages.warning(request, f"无法写入审计锚点文件：{exc}")
    qs = _search(request)
    if request.GET.get("export") == "xlsx":
        rows = [
            [r.pk, r.at.astimezone().replace(tzinfo=None), r.user_name, r.ip,
             action_label(r.action), object_type_label(r.object_type), r.object_id,
             r.object_label,
             "成功" if r.success else "失败", _json(r.before), _json(r.after)]
            for r in qs[:50000]
        ]
        record("export", object_type="audit.auditlog", label=f"导出审计日志 {len(rows)} 条")
        headers = ["序号", "时间", "用户", "来源IP", "操作", "对象类型", "对象ID", "对象",
                   "结果", "变更前", "变更后"]
        stamp = dt.date.today().strftime("%Y%m%d")
        return xlsx_response(f"审计日志{stamp}.xlsx", xlsx_bytes("审计日志", headers, rows))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for r in page.object_list:
        r.action_label, r.object_type_label = action_label(r.action), object_type_label(r.object_type)
    params = request.GET.copy()
    params.pop("page", None)
    kinds = sorted({(object_type_label(t), t) for t in
                    AuditLog.objects.order_by().values_list("object_type", flat=True).distinct()})
    return render(request, "audit/log.html", {
        "page": page, "actions": ACTION_LABELS, "object_types": [(t, label) for label, t in kinds],
        "g": request.GET, "querystring": params.urlencode(),
        "title": "审计日志", "retention_days": settings.MOFAN_AUDIT_RETENTION_DAYS,
        "anchors": read_anchors()[::-1][:LATEST_ANCHORS], "anchor_check": check_anchors(),
    })


def _json(value):
    # Rows written before secrets were stripped at the source still hold them: never hand
    # them out (the stored row stays as written, so the chain still verifies).
    return "" if value is None else json.dumps(redact(value), ensure_ascii=False)


@require_POST
def purge(request):
    if request.user.role != AUDITOR:
        raise PermissionDenied("只有审计员可以清理审计日志")
    try:
        day = parse_date(request.POST.get("before") or None)
        if day is None:
            raise CellError("请选择日期")
        count = purge_before(day, user=request.user)
    except (CellError, ValueError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已清理 {count} 条审计日志（本次清理已记入审计日志）。")
    return redirect("audit:log")
