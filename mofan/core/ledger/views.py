"""Screens shared by every ledger: list (filters, 台账 export), detail (timeline and the
steps the user may take), the one action endpoint, 我的待办, evidence download and the
办理时限 table. Nothing here branches on a ledger or an action name."""

import contextlib

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_filters.filterset import filterset_factory

from mofan.audit.services import record
from mofan.core import nav
from mofan.core.calendar.services import calendar_for
from mofan.core.calendar.views import schedule_reminder
from mofan.core.excel import xlsx_bytes, xlsx_response
from mofan.core.files import file_response
from mofan.core.pickers import ORGAN, SearchSelect
from mofan.core.scoping import COMMITTEE, DOMAIN_ROLES, HEAD, ORG_ADMIN, WriteRefused
from mofan.core.screens import Col, ListScreen, Screens, _cell, visible_or_404
from mofan.core.workcalendar import WorkCalendar
from mofan.orgs.models import Org, Person

from . import registry
from .actions import allowed_steps
from .engine import do_assign, register_item
from .evidence import files_of, timeline
from .models import DeadlineRule, LedgerFile
from .states import (
    OVERDUE_FLAG_DAYS,
    REGISTERED,
    RUNNING_STATES,
    STATE_CHOICES,
    SUBMITTED,
    LedgerError,
)

OVERDUE_CHOICES = [("1", "逾期"), ("0", "未逾期")]


class LedgerFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=STATE_CHOICES, label="状态")
    overdue = django_filters.ChoiceFilter(choices=OVERDUE_CHOICES, label="逾期",
                                          method="filter_overdue")
    owner = django_filters.ModelChoiceFilter(queryset=Person.objects.all(), label="责任人")
    owner_unit = django_filters.ModelChoiceFilter(queryset=Org.objects.all(), label="责任单位")
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
        cols = self.columns(s.export_columns or s.columns)
        rows = [[i, *[_cell(c.value(obj)) for c in cols]] for i, obj in enumerate(qs, 1)]
        start, end = self.request.GET.get("start", ""), self.request.GET.get("end", "")
        organ = user.org.organ if user.org_id and user.org.organ_id else user.org
        span = f"（{start or '…'} 至 {end or '…'}）" if start or end else ""
        title = f"{organ.name if organ else ''}{s.label()}{span}"
        record("export", object_type=s.model._meta.label_lower,
               label=f"导出{s.label()} {len(rows)} 条", after={"count": len(rows)})
        headers = ["序号", *[c.header(s.model) for c in cols]]
        return xlsx_response(f"{title}.xlsx", xlsx_bytes(s.label(), headers, rows, title=title))


# The date, and 暂定 while provisional; sorts by the date.
DEADLINE = Col("deadline_label", "办理时限", sort="deadline")


class LedgerScreens(Screens):
    """Base for a ledger's screens; subclasses set model, columns, form_fields ...
    ``detail_extra_template`` (optional) shows the ledger's own related records."""

    list_template = "ledger/list.html"
    detail_template = "ledger/detail.html"
    detail_extra_template = ""
    owned_by_user_org = True
    create_refusal = "只有单位管理员或负责人可以登记台账事项"
    extra_filters: list = []  # model fields filtered besides state/owner/unit/period/overdue
    select_related = ["org", "owner", "owner_unit"]
    sortable = ["registered_on", "deadline", "title"]
    common_columns = [Col("state", "状态"), "owner", "owner_unit", DEADLINE,
                      Col("overdue_label", "逾期")]
    card_columns = ["state", DEADLINE, "overdue_label"]
    card_action = "查看 / 办理"

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
        return super().editable(user).filter(state=REGISTERED)

    @classmethod
    def filterset_class(cls):
        return filterset_factory(cls.model, filterset=LedgerFilter, fields=cls.extra_filters)

    @classmethod
    def form_class(cls, user):
        """For the organ's office (单位管理员, 负责人) a new item may be assigned on the same
        form it is registered on: 责任人, 责任单位 and 办理时限 are optional extra fields."""
        base = super().form_class(user)
        if user.role not in (ORG_ADMIN, HEAD) or not user.org_id:
            return base
        organ = user.org.organ_id or user.org_id

        class RegisterForm(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if self.instance.pk is not None:
                    return
                owner = forms.ModelChoiceField(
                    Person.objects.filter(org__organ_id=organ, left_on__isnull=True),
                    label="交办给（责任人）", required=False,
                    help_text="可留空，登记后再交办；选定则登记即交办")
                unit = forms.ModelChoiceField(Org.objects.filter(organ_id=organ),
                                              label="责任单位", required=False,
                                              help_text="不选则为责任人所在股室/单位")
                owner.widget = SearchSelect("person", ORGAN, organ=organ)
                unit.widget = SearchSelect("org", ORGAN, organ=organ)
                for field in (owner, unit):
                    field.widget.choices = field.choices
                self.fields["assign_owner"] = owner
                self.fields["assign_unit"] = unit
                self.fields["assign_deadline"] = forms.DateField(
                    label="办理时限", required=False,
                    help_text="不填则按规定工作日自动计算",
                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

        return RegisterForm

    @classmethod
    def save_form(cls, form, user, new):
        """A new item enters the workflow (登记, with its timeline's first event) — and,
        when the form names a 责任人, is assigned at once (交办, its own event and audit
        row), or nothing of it is kept."""
        if not new:
            return form.save()
        register_item(form.instance, actor=user)
        form._save_m2m()  # what ModelForm.save would have done after saving the row
        owner = form.cleaned_data.get("assign_owner")
        if owner is None:
            return form.instance
        try:
            return do_assign(form.instance, actor=user, owner=owner,
                             owner_unit=form.cleaned_data.get("assign_unit"),
                             deadline=form.cleaned_data.get("assign_deadline"))
        except LedgerError as exc:
            raise WriteRefused(f"交办未成功：{exc}") from exc

    # --- detail
    @classmethod
    def detail_extra(cls, obj, request) -> dict:
        """Hook: context for ``detail_extra_template``."""
        return {}

    @classmethod
    def detail_context(cls, obj, request):
        user = request.user
        steps = allowed_steps(obj, user)
        ctx = {
            "item": obj,
            "steps": steps,
            "events": timeline(obj),
            "files": files_of(obj),
            "url_act": reverse(f"{request.resolver_match.namespace}:{cls.name()}_act",
                               args=[obj.pk]),
            "today": timezone.localdate(),
            "detail_extra_template": cls.detail_extra_template,
        }
        for step in steps:  # what each offered step's form fragment needs
            ctx.update(step.context(obj))
        ctx.update(cls.detail_extra(obj, request))
        return ctx


@require_POST
def act(request, pk, screens):
    """One endpoint per ledger for every action: the ledger's action table finds the step,
    the step reads its form and the engine decides whether it may happen."""
    obj = visible_or_404(screens.base_queryset(), request.user, pk)
    with contextlib.suppress(ValueError):  # the version the user saw: compare-and-swap
        obj.version = int(request.POST.get("version", obj.version))
    step = registry.ledger_of(obj).actions.get(request.POST.get("action", ""))
    if step is not None and step.confirm and request.POST.get("confirmed") != "1" \
            and not step.refusal(obj, request.user):
        return render(request, "ledger/confirm.html", {
            "title": step.label, "item": obj, "step": step, "url_act": request.path,
            "note": request.POST.get("note", ""), "version": obj.version,
            "url_back": reverse(f"{request.resolver_match.namespace}:{screens.name()}_detail",
                                args=[obj.pk])})
    try:
        if step is None:
            raise LedgerError("未知的操作")
        step.run(obj, request, request.user)
    except LedgerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已{step.label}：{obj}")
    return redirect(f"{request.resolver_match.namespace}:{screens.name()}_detail", pk=obj.pk)


# ------------------------------------------------------------------ 我的待办


def reminders_for(item, today, calendar):
    """The notes 我的待办 shows beside an item, for its owner and its keeper."""
    notes = []
    if item.deadline_moved_from:
        notes.append(("info", f"法定节假日安排录入后，时限由 {item.deadline_moved_from:%m-%d} "
                              f"调整为 {item.deadline:%m-%d}"))
    if item.deadline_provisional and item.state in RUNNING_STATES:
        notes.append(("secondary", "时限暂定：下一年节假日安排录入后自动重算"))
    if item.state in RUNNING_STATES and item.deadline:
        if item.deadline < today:
            notes.append(("danger", f"已逾期（时限 {item.deadline:%Y-%m-%d}）"))
            if calendar.working_days_between(item.deadline, today) > OVERDUE_FLAG_DAYS:
                notes.append(("danger", "超期 5 个工作日以上，纳入通报"))
        elif item.deadline <= calendar.due(today, 1).date:
            notes.append(("warning", f"1 个工作日内到期（{item.deadline:%Y-%m-%d}）"))
    if item.returned:
        notes.append(("warning", f"已被退回 {item.return_count} 次，请按意见重新办理"))
    if item.urged_at and item.state in RUNNING_STATES:
        notes.append(("info", f"{timezone.localtime(item.urged_at):%m-%d} 被催办"))
    return notes


def _review_label(item):
    if item.state == REGISTERED:
        return "待交办"
    if item.state == SUBMITTED:
        return "待审核销号"
    return "待审批延期" if item.ext_deadline else "时限已调整"


def todo_rows(user):
    """[(ledger, [(item, role, reminders)])]: what the user owns, and as a keeper what
    waits for him — both through the ledgers' scoped querysets."""
    today = timezone.localdate()
    organ = (user.org.organ_id or user.org_id) if user.org_id else None
    calendar = calendar_for(organ) if organ else WorkCalendar()
    groups = []
    for ledger in registry.LEDGERS.values():
        items = []
        visible = ledger.model.objects.visible_to(user).with_overdue(today).select_related(
            "org", "owner", "owner_unit")
        if user.person_id:
            mine = visible.filter(owner_id=user.person_id, state__in=RUNNING_STATES)
            items += [(i, "承办", reminders_for(i, today, calendar))
                      for i in mine.order_by("deadline", "pk")]
        if user.role in (ORG_ADMIN, HEAD) and user.org_id:
            waiting = (Q(state__in=(REGISTERED, SUBMITTED)) | Q(ext_deadline__isnull=False)
                       | Q(deadline_moved_from__isnull=False))
            review = visible.filter(org__path__startswith=user.org.path).filter(waiting)
            items += [(i, _review_label(i), reminders_for(i, today, calendar)
                       if i.deadline_moved_from else [])
                      for i in review.order_by("registered_on", "pk")]
        if items:
            groups.append((ledger, items))
    return groups


@require_GET
def todo(request):
    groups = todo_rows(request.user)
    total = sum(len(items) for _, items in groups)
    overdue = sum(1 for _, items in groups for i, _, _ in items if i.is_overdue)
    return render(request, "ledger/todo.html", {
        "title": "我的待办", "groups": groups, "total": total, "overdue": overdue,
        "schedule_reminder": schedule_reminder(request.user),
    })


@require_GET
def evidence(request, pk):
    """Download one evidence file, only for users who may see its item."""
    try:
        f = LedgerFile.objects.select_related("content_type").get(pk=pk)
    except LedgerFile.DoesNotExist as exc:
        raise Http404 from exc
    model = f.content_type.model_class()
    if model is None:
        raise Http404
    visible_or_404(model.objects.all(), request.user, f.object_id)
    return file_response(f.file, f.original_name)


# ------------------------------------------------------------------ 办理时限


class DeadlineRuleForm(forms.ModelForm):
    """Ledgers and kinds are offered from the registry (no choices frozen in a migration)."""

    class Meta:
        model = DeadlineRule
        fields = ["org", "ledger", "kind", "days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ledger"] = forms.ChoiceField(label="台账", choices=registry.ledger_choices())
        self.fields["kind"] = forms.ChoiceField(label="事项类别", required=False,
                                                choices=registry.kind_choices())


class DeadlineRuleScreens(Screens):
    model = DeadlineRule
    title = "办理时限"
    columns = [Col("ledger_label", "台账"), Col("kind_label", "事项类别"), "days", "org"]
    form_fields = ["org", "ledger", "kind", "days"]
    select_related = ["org"]

    @classmethod
    def form_class(cls, user):
        return DeadlineRuleForm


def register_nav():
    nav.register("ledgers", "我的待办", "ledger:todo", roles=DOMAIN_ROLES)
    nav.register("system", "办理时限", "ledger:deadlinerule_list", roles=[COMMITTEE, ORG_ADMIN])


app_name = "ledger"
urlpatterns = [
    path("todo/", todo, name="todo"),
    path("files/<int:pk>/", evidence, name="evidence"),
    *DeadlineRuleScreens.urls("deadlines"),
]
