"""Screens shared by every ledger: list (filters, 台账 export), detail (timeline and the
actions the user may take), the action endpoint, 我的待办 with reminders, evidence
download, and the 工作日历 / 办理时限 tables."""

import contextlib
import datetime as dt

import django_filters
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mofan.audit.services import record

from . import ledger
from .excel import xlsx_bytes, xlsx_response
from .files import file_response
from .ledger import LedgerError
from .models import CalendarOverride, DeadlineRule, LedgerFile, calendar_overrides
from .scoping import HEAD, ORG_ADMIN
from .screens import Col, ListScreen, Screens, _cell, _cols
from .workcalendar import CalendarUnknown, add_working_days, working_days_between

OVERDUE_CHOICES = [("1", "逾期"), ("0", "未逾期")]


class LedgerFilterBase(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ledger.STATE_CHOICES, label="状态")
    overdue = django_filters.ChoiceFilter(choices=OVERDUE_CHOICES, label="逾期",
                                          method="filter_overdue")
    start = django_filters.DateFilter(
        field_name="registered_on", lookup_expr="gte", label="登记日期起",
        widget=forms.DateInput(attrs={"type": "date"}))
    end = django_filters.DateFilter(
        field_name="registered_on", lookup_expr="lte", label="登记日期止",
        widget=forms.DateInput(attrs={"type": "date"}))

    def filter_overdue(self, qs, name, value):
        return qs.filter(is_overdue=value == "1")


class LedgerListScreen(ListScreen):
    def export(self, qs):
        """台账 layout: a title line naming the organ and the period, 序号 first."""
        s, user = self.screens, self.request.user
        cols = _cols(s.export_columns or s.columns)
        rows = [[i, *[_cell(c.value(obj)) for c in cols]] for i, obj in enumerate(qs, 1)]
        start, end = self.request.GET.get("start", ""), self.request.GET.get("end", "")
        organ = user.org.organ if user.org_id and user.org.organ_id else user.org
        span = f"（{start or '…'} 至 {end or '…'}）" if start or end else ""
        title = f"{organ.name if organ else ''}{s.label()}{span}"
        record("export", object_type=s.model._meta.label_lower,
               label=f"导出{s.label()} {len(rows)} 条", after={"count": len(rows)})
        headers = ["序号", *[c.header(s.model) for c in cols]]
        return xlsx_response(f"{title}.xlsx", xlsx_bytes(s.label(), headers, rows, title=title))


class LedgerScreens(Screens):
    """Base for a ledger's screens; subclasses set model, columns, form_fields ..."""

    list_template = "ledger/list.html"
    detail_template = "ledger/detail.html"
    owned_by_user_org = True
    create_refusal = "只有单位管理员或负责人可以登记台账事项"
    extra_filters: list = []  # model fields filtered besides state/owner/unit/period/overdue
    select_related = ["org", "owner", "owner_unit"]
    sortable = ["registered_on", "deadline", "title"]
    common_columns = [Col("state", "状态"), "owner", "owner_unit", "deadline",
                      Col("overdue_label", "逾期")]

    @classmethod
    def urls(cls, prefix):
        n = cls.name()
        patterns = super().urls(prefix)
        patterns[0] = path(f"{prefix}/", LedgerListScreen.as_view(screens=cls), name=f"{n}_list")
        patterns.append(path(f"{prefix}/<int:pk>/act/", act, {"screens": cls}, name=f"{n}_act"))
        return patterns

    @classmethod
    def base_queryset(cls):
        return super().base_queryset().with_overdue()

    @classmethod
    def editable(cls, user):
        """Registration details are edited (or the item deleted) before 交办 only."""
        return super().editable(user).filter(state=ledger.REGISTERED)

    @classmethod
    def filterset_class(cls):
        from mofan.orgs.models import Org, Person

        attrs = {
            "owner": django_filters.ModelChoiceFilter(queryset=Person.objects.all(),
                                                      label="责任人"),
            "owner_unit": django_filters.ModelChoiceFilter(queryset=Org.objects.all(),
                                                           label="责任单位"),
            "Meta": type("Meta", (), {"model": cls.model, "fields": cls.extra_filters}),
        }
        return type(f"{cls.model.__name__}Filter", (LedgerFilterBase,), attrs)

    @classmethod
    def form_class(cls, user):
        base = super().form_class(user)

        def save(form, commit=True):
            obj = form.instance
            if obj.pk is None:
                ledger.register_item(obj, actor=user)
                form._save_m2m()
                return obj
            return forms.ModelForm.save(form, commit)

        return type(base.__name__, (base,), {"save": save})

    # --- detail
    @classmethod
    def extra_actions(cls, obj, user) -> list[tuple[str, str]]:
        """Ledger-specific steps (回访, 评定 ...) the user may take now."""
        return []

    @classmethod
    def handle_extra(cls, request, obj, action):
        raise LedgerError("未知的操作")

    @classmethod
    def detail_extra(cls, obj, request) -> dict:
        return {}

    @classmethod
    def detail_context(cls, obj, request):
        from mofan.orgs.models import Org, Person

        user = request.user
        actions = ledger.allowed_actions(obj, user) + cls.extra_actions(obj, user)
        ctx = {
            "item": obj,
            "actions": actions,
            "action_keys": {a for a, _ in actions},
            "events": ledger.timeline(obj),
            "files": ledger.files_of(obj),
            "url_act": reverse(f"{request.resolver_match.namespace}:{cls.name()}_act",
                               args=[obj.pk]),
            "today": timezone.localdate(),
        }
        if "assign" in ctx["action_keys"]:
            organ = obj.org.organ_id or obj.org_id
            ctx["people"] = Person.objects.filter(org__organ_id=organ,
                                                  left_on__isnull=True).select_related("org")
            ctx["units"] = Org.objects.filter(organ_id=organ)
            try:
                ctx["default_deadline"] = ledger.due_date(obj, timezone.localdate())
            except LedgerError as exc:
                ctx["calendar_error"] = str(exc)
        ctx.update(cls.detail_extra(obj, request))
        return ctx


def _date(value, what):
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise LedgerError(f"{what}不是有效日期") from exc


def _person(request, obj, key="owner"):
    from mofan.orgs.models import Person

    pk = request.POST.get(key)
    if not pk:
        return None
    try:
        return Person.objects.select_related("org").get(pk=int(pk))
    except (ValueError, Person.DoesNotExist) as exc:
        raise LedgerError("请选择责任人") from exc


def _unit(request):
    from mofan.orgs.models import Org

    pk = request.POST.get("owner_unit")
    if not pk:
        return None
    try:
        return Org.objects.get(pk=int(pk))
    except (ValueError, Org.DoesNotExist) as exc:
        raise LedgerError("请选择责任单位") from exc


@require_POST
def act(request, pk, screens):
    """One endpoint per ledger for every action; the engine decides what is allowed."""
    try:
        obj = screens.visible(request.user).get(pk=pk)
    except screens.model.DoesNotExist as exc:
        raise Http404("记录不存在或不在您的管理范围内") from exc
    action = request.POST.get("action", "")
    with contextlib.suppress(ValueError):  # the version the user saw: compare-and-swap
        obj.version = int(request.POST.get("version", obj.version))
    user, post = request.user, request.POST
    note = post.get("note", "")
    try:
        if action == "assign":
            ledger.do_assign(obj, actor=user, owner=_person(request, obj),
                             owner_unit=_unit(request),
                             deadline=_date(post.get("deadline"), "办理时限"), note=note)
        elif action == "accept":
            ledger.do_accept(obj, actor=user, note=note)
        elif action == "note":
            ledger.do_note(obj, actor=user, note=note)
        elif action == "request_extension":
            new = _date(post.get("new_deadline"), "新时限")
            if new is None:
                raise LedgerError("请填写申请延期至的日期")
            ledger.do_request_extension(obj, actor=user, new_deadline=new, reason=note)
        elif action == "approve_extension":
            ledger.do_approve_extension(obj, actor=user, approve=post.get("approve") != "0",
                                        note=note)
        elif action == "submit":
            ledger.do_submit(obj, actor=user, result=post.get("result", ""),
                             files=request.FILES.getlist("files"))
        elif action == "return":
            ledger.do_return(obj, actor=user, reason=note)
        elif action == "close":
            ledger.do_close(obj, actor=user, note=note)
        elif action == "reopen":
            ledger.do_reopen(obj, actor=user, reason=note)
        elif action == "urge":
            ledger.do_urge(obj, actor=user, note=note)
        else:
            screens.handle_extra(request, obj, action)
    except LedgerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已{ledger.ACTION_LABELS.get(action, '办理')}：{obj}")
    return redirect(f"{request.resolver_match.namespace}:{screens.name()}_detail", pk=obj.pk)


# ------------------------------------------------------------------ 我的待办


def _soon_day(user):
    """The last day that counts as "due within 1 working day" (None: calendar unknown)."""
    today = timezone.localdate()
    organ = user.org.organ_id if user.org_id and user.org.organ_id else None
    try:
        return add_working_days(today, 1, calendar_overrides(organ) if organ else None), ""
    except CalendarUnknown as exc:
        return None, str(exc)


def reminders_for(item, today, soon):
    notes = []
    if item.state in ledger.RUNNING_STATES and item.deadline:
        if item.deadline < today:
            notes.append(("danger", f"已逾期（时限 {item.deadline:%Y-%m-%d}）"))
            try:
                if working_days_between(item.deadline, today) > ledger.OVERDUE_FLAG_DAYS:
                    notes.append(("danger", "超期 5 个工作日以上，纳入通报"))
            except CalendarUnknown:
                pass
        elif soon and item.deadline <= soon:
            notes.append(("warning", f"1 个工作日内到期（{item.deadline:%Y-%m-%d}）"))
    if item.returned:
        notes.append(("warning", f"已被退回 {item.return_count} 次，请按意见重新办理"))
    if item.urged_at and item.state in ledger.RUNNING_STATES:
        notes.append(("info", f"{timezone.localtime(item.urged_at):%m-%d} 被催办"))
    return notes


def todo_rows(user):
    """(ledger model, [(item, role, reminders)]) for every registered ledger."""
    today = timezone.localdate()
    soon, calendar_error = _soon_day(user)
    groups = []
    for key, model in ledger.LEDGERS.items():
        items = []
        if user.person_id:
            mine = (model.objects.filter(owner_id=user.person_id,
                                         state__in=ledger.RUNNING_STATES)
                    .with_overdue(today).select_related("org", "owner", "owner_unit")
                    .order_by("deadline", "pk"))
            items += [(i, "承办", reminders_for(i, today, soon)) for i in mine]
        if user.role in (ORG_ADMIN, HEAD) and user.org_id:
            from django.db.models import Q

            review = (model.objects.filter(org__path__startswith=user.org.path)
                      .filter(Q(state__in=(ledger.REGISTERED, ledger.SUBMITTED))
                              | Q(ext_deadline__isnull=False))
                      .with_overdue(today).select_related("org", "owner", "owner_unit")
                      .order_by("registered_on", "pk"))
            for i in review:
                what = {ledger.REGISTERED: "待交办", ledger.SUBMITTED: "待审核销号"}.get(
                    i.state, "待审批延期")
                items.append((i, what, []))
        if items:
            groups.append((key, model, items))
    return groups, calendar_error


@require_GET
def todo(request):
    groups, calendar_error = todo_rows(request.user)
    total = sum(len(items) for _, _, items in groups)
    overdue = sum(1 for _, _, items in groups for i, _, _ in items if i.is_overdue)
    return render(request, "ledger/todo.html", {
        "title": "我的待办", "groups": groups, "total": total, "overdue": overdue,
        "calendar_error": calendar_error,
    })


@require_GET
def evidence(request, pk):
    """Download one evidence file, only for users who may see its item."""
    try:
        f = LedgerFile.objects.select_related("content_type").get(pk=pk)
    except LedgerFile.DoesNotExist as exc:
        raise Http404 from exc
    model = f.content_type.model_class()
    if model is None or not model.objects.visible_to(request.user).filter(
            pk=f.object_id).exists():
        raise Http404("记录不存在或不在您的管理范围内")
    return file_response(f.file, f.original_name)


# ------------------------------------------------------------------ calendar, limits


class CalendarOverrideScreens(Screens):
    model = CalendarOverride
    title = "工作日历"
    columns = ["date", "kind", "note", "org"]
    filters = ["kind"]
    search = ["note"]
    sortable = ["date"]
    form_fields = ["org", "date", "kind", "note"]
    select_related = ["org"]


class DeadlineRuleScreens(Screens):
    model = DeadlineRule
    title = "办理时限"
    columns = ["ledger", "kind", "days", "org"]
    filters = ["ledger"]
    form_fields = ["org", "ledger", "kind", "days"]
    select_related = ["org"]


def register_nav():
    from . import nav
    from .scoping import COMMITTEE, DOMAIN_ROLES

    nav.register("ledgers", "我的待办", "ledger:todo", roles=DOMAIN_ROLES)
    nav.register("system", "工作日历", "ledger:calendaroverride_list",
                 roles=[COMMITTEE, ORG_ADMIN])
    nav.register("system", "办理时限", "ledger:deadlinerule_list", roles=[COMMITTEE, ORG_ADMIN])



# ------------------------------------------------------------------ import


def _closing_time(value):
    from .excel import parse_date

    day = parse_date(value)
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(17, 30)))


def ledger_columns(before=(), after=()):
    """The common 台账 columns of an import template around a ledger's own ones."""
    from .excel import Column

    return [
        Column("事项", "title", required=True, example="县图书馆周末开放时间咨询"),
        *before,
        Column("登记日期", "registered_on", required=True, example="2025-03-05"),
        Column("状态", "state", required=True, example="已销号"),
        Column("责任人", "owner", example="张三"),
        Column("责任单位", "owner_unit", example="办公室"),
        Column("交办日期", "assigned_on", example="2025-03-05"),
        Column("办理时限", "deadline", example="2025-03-10"),
        Column("办结日期", "closed_at", parse=_closing_time, example="2025-03-08"),
        Column("办理结果", "result", example="已答复，群众表示理解"),
        *after,
    ]


class LedgerImporter:
    """Mixin for an ``excel.Importer`` of a ledger: existing ledgers keep their state and
    dates (a closed item keeps its 办结日期); each row gets an "导入" timeline event."""

    def related_queryset(self, model_field):
        from mofan.orgs.models import Org, Person

        organ = self.user.org.organ_id if self.user.org_id else None
        if model_field.related_model is Person:
            return Person.objects.filter(org__organ_id=organ)
        if model_field.related_model is Org:
            return Org.objects.filter(organ_id=organ)
        return super().related_queryset(model_field)

    def prepare(self, obj):
        from .excel import CellError

        user = self.user
        if user.role not in (ORG_ADMIN, HEAD) or not user.org_id:
            raise CellError("只有单位管理员或负责人可以导入台账")
        obj.org = user.org
        self.prepare_ledger(obj)
        if obj.state == ledger.REGISTERED:
            obj.owner = obj.owner_unit = obj.assigned_on = obj.deadline = None
            obj.closed_at = None
            return
        if obj.owner_id is None:
            raise CellError("已交办的事项须填写责任人", "责任人")
        if obj.owner_unit_id is None:
            obj.owner_unit = obj.owner.org
        obj.assigned_on = obj.assigned_on or obj.registered_on
        if obj.assigned_on < obj.registered_on:
            raise CellError("交办日期不能早于登记日期", "交办日期")
        if obj.deadline is None:
            try:
                obj.deadline = ledger.due_date(obj, obj.assigned_on)
            except LedgerError as exc:
                raise CellError(str(exc), "办理时限") from exc
        start = timezone.make_aware(dt.datetime.combine(obj.assigned_on, dt.time(9)))
        if obj.state in (ledger.IN_PROGRESS, ledger.SUBMITTED, ledger.CLOSED):
            obj.accepted_at = start
        if obj.state in (ledger.SUBMITTED, ledger.CLOSED) and not obj.result:
            raise CellError("申请销号或已销号的事项须填写办理结果", "办理结果")
        if obj.state == ledger.CLOSED:
            if obj.closed_at is None:
                raise CellError("已销号的事项须填写办结日期", "办结日期")
            done = timezone.localdate(obj.closed_at)
            if done < obj.assigned_on:
                raise CellError("办结日期不能早于交办日期", "办结日期")
            obj.submitted_at = obj.closed_at
            obj.closed_on_time = done <= obj.deadline
            obj.days_to_close = (done - obj.assigned_on).days
        else:
            if obj.closed_at is not None:
                raise CellError("未销号的事项不应填写办结日期", "办结日期")
            if obj.state == ledger.SUBMITTED:
                obj.submitted_at = timezone.now()

    def prepare_ledger(self, obj):
        """Hook: the ledger's own fields the sheet does not carry."""

    def save_object(self, obj):
        from django.contrib.contenttypes.models import ContentType

        from .models import LedgerEvent

        obj.last_action = "import"
        obj.save()
        LedgerEvent.objects.create(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk,
            org_id=obj.org_id, action="import", to_state=obj.state, actor=self.user,
            actor_name=f"{self.user.display_name}（{self.user.username}）"[:100],
            at=timezone.now(), note=f"从 Excel 导入，导入时状态为“{obj.state_label}”")
