"""Generic screens: a model's list / detail / create / edit / delete / export / import,
declared in a few lines per model (after NetBox's generic views).

    class PersonScreens(Screens):
        model = Person
        columns = ["name", "gender", "org", "phone_masked"]
        filters = ["org", "political_status"]
        search = ["name", "staff_no"]
        form_fields = ["name", "gender", "org", "phone"]
        importer = PersonImporter

    urlpatterns = [*PersonScreens.urls("people")]
"""

import contextlib
import copy
import os
import uuid
from dataclasses import dataclass

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, Q
from django.db.models.fields.files import FieldFile
from django.forms import modelform_factory
from django.forms.utils import flatatt
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views import View

from mofan.audit.services import record, snapshot
from mofan.orgs.models import Org

from .constraints import integrity_message
from .excel import (
    ImportResult,
    RowError,
    import_limits,
    refuse_absurd_workbook,
    sheet_rows,
    too_many_rows,
    xlsx_bytes,
    xlsx_response,
)
from .files import STALE_UPLOAD_SECONDS, file_response, human_size, remove_stale_files
from .imports import jobs
from .imports.models import ImportJob
from .masking import mask_phone
from .pickers import SearchSelect, SearchSelectMultiple, kind_of
from .scoping import HEAD, MEMBER, ORG_ADMIN, WRITER_ROLES, WriteRefused, ensure_writable


@dataclass(frozen=True)
class Col:
    """A column: an attribute path ("org", "branch__name", "phone_masked") and its label."""

    attr: str
    label: str = ""
    sort: str = ""  # the field a computed column sorts by ("deadline" for "deadline_label")

    def header(self, model):
        if self.label:
            return self.label
        try:
            return str(model._meta.get_field(self.attr.split("__")[0]).verbose_name)
        except FieldDoesNotExist:
            return self.attr

    def value(self, obj):
        for part in self.attr.split("__"):
            if obj is None:
                return ""
            display = getattr(obj, f"get_{part}_display", None)
            obj = display() if display else getattr(obj, part, "")
            if isinstance(obj, models.Manager):  # a many-to-many: its rows, not the manager
                return "、".join(str(o) for o in obj.all())
            if callable(obj) and not isinstance(obj, models.Model):
                obj = obj()
        if isinstance(obj, bool):  # a yes/no field reads 是/否, never True/False
            return "是" if obj else "否"
        return obj


@dataclass(frozen=True)
class PhoneCol(Col):
    """A phone number: masked (138****1234) in lists, exports and for most readers of a
    detail page; in full on the detail page for whom ``Screens.may_see_phone`` allows,
    and each such view is audited."""

    def value(self, obj):
        return mask_phone(super().value(obj) or "")

    def full(self, obj):
        return super().value(obj) or ""


def _cols(specs):
    return [c if isinstance(c, Col) else Col(c) for c in specs]


class FastSelect(forms.Select):
    """A single select whose options are written in Python, not one template each:
    a committee's org filter has hundreds of options, and the template path made them
    half of the list page's time (bench/run.py: 30 ms → 15 ms)."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = [(str(v), label) for v, label in self.choices]
        if any(isinstance(label, list | tuple) for _, label in choices):
            return super().render(name, value, attrs, renderer)  # grouped choices
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])
                  if v not in (None, "")}
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        options = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
            (key, mark_safe(" selected") if key in chosen else "", label)  # noqa: S308
            for key, label in choices))
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


DASHES = "---------"


def bootstrapify(fields, small=False, blank_label="请选择"):
    """Give widgets Bootstrap classes and a Chinese empty choice so templates stay plain."""
    for f in fields.values():
        if getattr(f, "empty_label", None) == DASHES:
            f.empty_label = blank_label
        elif isinstance(f, forms.ChoiceField) and not isinstance(f, forms.ModelChoiceField):
            # A django-filter ChoiceField adds its empty_label to whatever choices it is
            # given: keep its empty choice out of them, or the list offers "全部" twice.
            adds_empty = getattr(f, "empty_label", None) is not None
            f.choices = [("", blank_label) if (k, v) == ("", DASHES) else (k, v)
                         for k, v in f.choices if not (adds_empty and k == "")]
        if (kind := kind_of(f)) and type(f.widget) in (forms.Select, forms.SelectMultiple):
            # A person or org: searched as you type, only the chosen option written.
            many = isinstance(f, forms.ModelMultipleChoiceField)
            picker = (SearchSelectMultiple if many else SearchSelect)(
                kind, getattr(f, "pick_scope", "view"), attrs=f.widget.attrs)
            picker.choices, picker.is_required = f.choices, f.widget.is_required
            f.widget = picker
        elif type(f.widget) is forms.Select:
            fast = FastSelect(attrs=f.widget.attrs)
            fast.choices, fast.is_required = f.choices, f.widget.is_required
            f.widget = fast
        w = f.widget
        if isinstance(w, forms.CheckboxInput):
            cls = "form-check-input"
        elif isinstance(w, forms.Select | forms.SelectMultiple):
            cls = "form-select"
        else:
            cls = "form-control"
        if small and cls != "form-check-input":
            cls += f" {cls}-sm"
        w.attrs["class"] = f"{w.attrs.get('class', '')} {cls}".strip()


def scoped_choices(form_or_filter_fields, user, edit=False, keep=None):
    """Limit every model-choice field to rows the user may see (or edit). With ``keep``
    (the instance being edited) a single choice keeps its current value: a head renaming
    his section keeps its parent, the organ, which he may not otherwise choose."""
    for name, f in form_or_filter_fields.items():
        qs = getattr(f, "queryset", None)
        if qs is not None and hasattr(qs, "visible_to"):
            scoped = qs.editable_by(user) if edit else qs.visible_to(user)
            current = getattr(keep, f"{name}_id", None) if keep is not None else None
            f.queryset = (scoped | qs.filter(pk=current)) if current else scoped
            f.pick_scope = "edit" if edit else "view"  # what a picker's search offers


def visible_or_404(queryset, user, pk):
    """The row ``pk`` if ``user`` may see it; otherwise a 404 that does not confirm it exists."""
    try:
        return queryset.visible_to(user).get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise Http404("记录不存在或不在您的管理范围内") from exc


class Screens:
    model: type[models.Model] = None
    columns: list = []
    filters: list = []
    search: list = []
    sortable: list = []
    form_fields: list = []
    detail_fields: list = []
    export_columns: list = []
    importer = None
    paginate_by = 25
    select_related: list = []
    title = ""
    can_create = True
    # New rows belong to the creating user's own org (the form carries no org field);
    # only an organ's administrators and heads may create them.
    owned_by_user_org = False
    create_refusal = "只有单位管理员或负责人可以新增"
    list_template = "core/list.html"
    detail_template = "core/detail.html"
    # On a phone (< 576 px) each row is a card of these columns (attrs; the first column,
    # the row's link, is always its title) and one button; None: the first four columns.
    card_columns: list | None = None
    card_action = "查看"
    quick_new: list = []  # [(label, "field=value")]: 新增 links that open the form pre-filled

    import_key = ""  # set for a Screens with an importer: how a background import finds it

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.importer and cls.model:
            cls.import_key = jobs.register(cls)

    # --- declaration helpers
    @classmethod
    def name(cls):
        return cls.model._meta.model_name

    @classmethod
    def label(cls):
        return cls.title or str(cls.model._meta.verbose_name)

    @classmethod
    def urls(cls, prefix):
        n = cls.name()
        patterns = [
            path(f"{prefix}/", ListScreen.as_view(screens=cls), name=f"{n}_list"),
            path(f"{prefix}/<int:pk>/", DetailScreen.as_view(screens=cls), name=f"{n}_detail"),
        ]
        if cls.form_fields:
            patterns += [
                path(f"{prefix}/new/", EditScreen.as_view(screens=cls), name=f"{n}_create"),
                path(f"{prefix}/<int:pk>/edit/", EditScreen.as_view(screens=cls), name=f"{n}_edit"),
                path(f"{prefix}/<int:pk>/delete/", DeleteScreen.as_view(screens=cls),
                     name=f"{n}_delete"),
            ]
        for fname in cls.file_fields():
            patterns.append(path(f"{prefix}/<int:pk>/{fname}/",
                                 FileScreen.as_view(screens=cls, field=fname), name=f"{n}_{fname}"))
        if cls.importer:
            patterns += [
                path(f"{prefix}/import/", ImportScreen.as_view(screens=cls), name=f"{n}_import"),
                path(f"{prefix}/import/template/", ImportTemplate.as_view(screens=cls),
                     name=f"{n}_import_template"),
            ]
        return patterns

    @classmethod
    def file_fields(cls):
        return [f.name for f in cls.model._meta.get_fields() if isinstance(f, models.FileField)]

    # --- querysets
    @classmethod
    def base_queryset(cls):
        qs = cls.model.objects.all()
        return qs.select_related(*cls.select_related) if cls.select_related else qs

    @classmethod
    def visible(cls, user):
        return cls.base_queryset().visible_to(user)

    @classmethod
    def editable(cls, user):
        return cls.base_queryset().editable_by(user)

    @classmethod
    def filterset_class(cls):
        if not cls.filters:
            return None
        meta = type("Meta", (), {"model": cls.model, "fields": cls.filters})
        return type(f"{cls.model.__name__}Filter", (django_filters.FilterSet,), {"Meta": meta})

    @classmethod
    def form_class(cls, user):
        widgets = {}
        for fname in cls.form_fields:
            f = cls.model._meta.get_field(fname)
            if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
                widgets[fname] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            elif isinstance(f, models.FileField):
                # Django's default links the current file to its media path, which is never
                # served; the row's own download link is on its detail page.
                widgets[fname] = forms.FileInput
        return modelform_factory(cls.model, fields=cls.form_fields, widgets=widgets,
                                 help_texts=cls.help_texts() or None)

    @classmethod
    def help_texts(cls) -> dict:
        """Hook: help texts decided when the form is shown (an example with this year)."""
        return {}

    @classmethod
    def may_create(cls, user) -> bool:
        """Whether ``user`` may add a row: the 新增 button is shown, and the new-row form
        answers, on this one rule."""
        if cls.owned_by_user_org:
            return user.role in (ORG_ADMIN, HEAD) and bool(user.org_id)
        if user.role == MEMBER:  # a member adds only rows that are his own to keep
            scope = getattr(cls.model, "scope", None)
            return bool(scope and scope.self_edit)
        return user.role in WRITER_ROLES

    @classmethod
    def may_import(cls, user) -> bool:
        """Importing adds rows in bulk: an office's work, on the same rule as 新增. The
        Excel 导入 button is shown, and the import page answers, on this one rule."""
        return bool(cls.importer) and user.role in WRITER_ROLES and cls.may_create(user)

    # Who reads a row's phone numbers (PhoneCol) in full on its detail page, besides the
    # organ's administrators: attributes holding a person id ("owner_id": the 责任人 who
    # calls back; "pk": a person his own number).
    phone_people: tuple = ()

    @classmethod
    def may_see_phone(cls, obj, user) -> bool:
        """The 责任人 named by ``phone_people`` and the administrators of the row's organ
        see the whole number; everyone else sees it masked."""
        if user.person_id and any(getattr(obj, a, None) == user.person_id
                                  for a in cls.phone_people):
            return True
        return user.role == ORG_ADMIN and cls.visible(user).filter(pk=obj.pk).exists()

    @classmethod
    def prepare_new(cls, obj, user):
        """Hook for fields the form does not carry (e.g. the org of a new row)."""
        if not cls.may_create(user):
            raise PermissionDenied(cls.create_refusal)
        if cls.owned_by_user_org:
            obj.org = user.org

    @classmethod
    def save_form(cls, form, user, new):
        """Hook: how a valid form is stored (a ledger item enters its workflow)."""
        return form.save()

    @classmethod
    def return_url(cls, obj) -> str | None:
        """Hook: where saving or deleting a row goes back to (and a form's 取消 leads);
        None for the row's own page after saving and the list after deleting. Rows kept
        on their parent's page (a campaign's group seats) return there."""
        return None

    @classmethod
    def detail_context(cls, obj, request) -> dict:
        """Hook: extra context for a custom ``detail_template`` (timeline, actions ...)."""
        return {}


class ScreenView(View):
    screens: type[Screens] = None

    def context(self, **extra):
        s = self.screens
        n = s.name()
        ns = self.request.resolver_match.namespace
        url = (lambda suffix: f"{ns}:{n}_{suffix}") if ns else (lambda suffix: f"{n}_{suffix}")
        may_create = s.may_create(self.request.user)  # new rows by form or by import
        return {
            "screens": s,
            "title": s.label(),
            "url_list": url("list"),
            "url_detail": url("detail"),
            "url_create": url("create") if s.form_fields and s.can_create and may_create else "",
            "url_edit": url("edit") if s.form_fields else "",
            "url_delete": url("delete") if s.form_fields else "",
            "url_import": url("import") if s.may_import(self.request.user) else "",
            "url_import_template": url("import_template") if s.importer else "",
            **extra,
        }

    def get_visible_object(self, pk):
        try:
            return self.screens.visible(self.request.user).get(pk=pk)
        except self.screens.model.DoesNotExist as exc:
            raise Http404("记录不存在或不在您的管理范围内") from exc

    def get_editable_object(self, pk):
        try:
            return self.screens.editable(self.request.user).get(pk=pk)
        except self.screens.model.DoesNotExist:
            self.get_visible_object(pk)  # 404 when the row is outside the user's view
            raise PermissionDenied("您可以查看但无权修改此记录") from None


def organ_path(model) -> str | None:
    """The lookup from a row to its organ ("org__organ", "organ" for an Org), or None."""
    scope = getattr(model, "scope", None)
    if scope is None:
        return None
    return f"{scope.org}__organ" if scope.org else "organ"


def sees_many_organs(user) -> bool:
    """The 机关工委 (and anyone placed at it) sees the organs under it: its lists name each
    row's organ, so two organs' 办公室 are told apart, and filter by it."""
    return bool(user.is_authenticated and user.org_id and user.role in WRITER_ROLES
                and user.org.kind == Org.COMMITTEE)


class ListScreen(ScreenView):
    def organ_column(self):
        path = organ_path(self.screens.model)
        return Col(path, "机关") if path and sees_many_organs(self.request.user) else None

    def columns(self, specs):
        cols = _cols(specs)
        if organ := self.organ_column():
            cols.insert(1, organ)
        return cols

    def organ_filter(self, qs):
        """The 机关 filter: (choices, chosen) and the queryset narrowed to it."""
        if not self.organ_column():
            return qs, None, ""
        organs = list(Org.objects.visible_to(self.request.user).filter(kind=Org.ORGAN)
                      .values_list("pk", "name"))
        chosen = self.request.GET.get("organ", "")
        if chosen and any(str(pk) == chosen for pk, _ in organs):
            qs = qs.filter(**{f"{organ_path(self.screens.model)}_id": int(chosen)})
        else:
            chosen = ""
        return qs, organs, chosen

    def filtered(self):
        s, request = self.screens, self.request
        qs = s.visible(request.user)
        if (path := organ_path(s.model)) and sees_many_organs(request.user):
            qs = qs.select_related(path)
        filterset = None
        if fs_class := s.filterset_class():
            filterset = fs_class(request.GET or None, queryset=qs, request=request)
            scoped_choices(filterset.form.fields, request.user)
            bootstrapify(filterset.form.fields, small=True, blank_label="全部")
            qs = filterset.qs
        term = request.GET.get("q", "").strip()
        if term and s.search:
            q = Q()
            for f in s.search:
                q |= Q(**{f"{f}__icontains": term})
            qs = qs.filter(q)
        sort = request.GET.get("sort", "")
        if sort.lstrip("-") in s.sortable:
            qs = qs.order_by(sort, "pk")
        qs, self.organs, self.organ = self.organ_filter(qs)
        return qs, filterset, term, sort

    def get(self, request):
        s = self.screens
        qs, filterset, term, sort = self.filtered()
        if request.GET.get("export") == "xlsx":
            return self.export(qs)
        page = Paginator(qs, s.paginate_by).get_page(request.GET.get("page"))
        cols = self.columns(s.columns)
        labels = [c.header(s.model) for c in cols]
        card = {c.attr for c in _cols(s.card_columns)} if s.card_columns is not None else {
            c.attr for c in cols[:4]}
        on_card = [i == 0 or c.attr in card for i, c in enumerate(cols)]
        rows = [(obj, list(zip([c.value(obj) for c in cols], labels, on_card, strict=True)))
                for obj in page.object_list]
        params = request.GET.copy()
        params.pop("page", None)
        sort_params = params.copy()
        sort_params.pop("sort", None)
        ctx = self.context(
            page=page,
            rows=rows,
            headers=[(label, next((k for k in (c.sort, c.attr) if k in s.sortable), ""))
                     for c, label in zip(cols, labels, strict=True)],
            filterset=filterset,
            term=term,
            sort=sort,
            querystring=params.urlencode(),
            sort_querystring=sort_params.urlencode(),
            organs=self.organs,
            organ=self.organ,
        )
        template = "core/_list_table.html" if request.htmx else s.list_template
        return render(request, template, ctx)

    def export(self, qs):
        s = self.screens
        cols = self.columns(s.export_columns or s.columns)
        rows = [[_cell(c.value(obj)) for c in cols] for obj in qs]
        record("export", object_type=s.model._meta.label_lower,
               label=f"导出{s.label()} {len(rows)} 条", after={"count": len(rows)})
        return xlsx_response(f"{s.label()}.xlsx",
                             xlsx_bytes(s.label(), [c.header(s.model) for c in cols], rows))


def _cell(value):
    if value is None or isinstance(value, str | int | float):
        return value
    if hasattr(value, "isoformat"):
        return value
    return str(value)


class DetailScreen(ScreenView):
    def get(self, request, pk):
        s = self.screens
        obj = self.get_visible_object(pk)
        fields = s.detail_fields or s.form_fields or s.columns
        cols = _cols(fields)
        ns = request.resolver_match.namespace
        values, revealed = [], []
        full_phone = None
        for c in cols:
            if isinstance(c, PhoneCol):
                if full_phone is None:
                    full_phone = s.may_see_phone(obj, request.user)
                if full_phone and c.full(obj):
                    revealed.append(c.header(s.model))
                    values.append((c.header(s.model), c.full(obj)))
                    continue
            value = c.value(obj)
            if isinstance(value, FieldFile):  # a link to the scoped download, never the media path
                value = FileLink(reverse(f"{ns}:{s.name()}_{c.attr}", args=[obj.pk]),
                                 value.name) if value else ""
            values.append((c.header(s.model), value))
        if revealed:  # personal data shown in full: one audit row per view
            record("view_phone", obj, label=f"查看{'、'.join(revealed)}：{obj}"[:200])
        can_edit = bool(s.form_fields) and obj.can_edit(request.user)
        refusal = getattr(obj, "delete_refusal", None)
        ctx = self.context(
            object=obj,
            fields=values,
            can_edit=can_edit,
            # 删除 is offered on the rule the delete enforces (scope, then the row's own)
            can_delete=can_edit and not (refusal and refusal(request.user)),
            **s.detail_context(obj, request),
        )
        return render(request, s.detail_template, ctx)


@dataclass(frozen=True)
class FileLink:
    url: str
    name: str

    def __str__(self):
        return os.path.basename(self.name)


class FileScreen(ScreenView):
    """Download a row's file after the same visibility check as its detail page."""

    field = ""

    def get(self, request, pk):
        fieldfile = getattr(self.get_visible_object(pk), self.field)
        if not fieldfile:
            raise Http404("没有文件")
        record("export", object_type=self.screens.model._meta.label_lower, object_id=str(pk),
               label=f"下载 {os.path.basename(fieldfile.name)}")
        return file_response(fieldfile)


class EditScreen(ScreenView):
    def form(self, obj, data=None, files=None, initial=None):
        form = self.screens.form_class(self.request.user)(data, files, instance=obj,
                                                          initial=initial)
        scoped_choices(form.fields, self.request.user, edit=True, keep=obj)
        bootstrapify(form.fields)
        return form

    def get(self, request, pk=None):
        obj = self.get_editable_object(pk) if pk else self.new_object()
        # A new row may be started from its parent's page: "new/?campaign=3" fills that in.
        initial = None if pk else {k: v for k, v in request.GET.items()
                                   if k in self.screens.form_fields}
        return render(request, "core/form.html",
                      self.context(form=self.form(obj, initial=initial), object=obj,
                                   return_url=self.screens.return_url(obj) if pk else None))

    def new_object(self):
        if not self.screens.can_create:
            raise Http404
        obj = self.screens.model()
        self.screens.prepare_new(obj, self.request.user)
        return obj

    def post(self, request, pk=None):
        obj = self.get_editable_object(pk) if pk else self.new_object()
        before = snapshot(obj) if pk else None
        original = copy.copy(obj) if pk else None  # the form writes into obj when validating
        form = self.form(obj, request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    obj = self.screens.save_form(form, request.user, new=not pk)
                    ensure_writable(obj, request.user, original)
                    record("update" if pk else "create", obj, before=before,
                           after=snapshot(obj))
            except WriteRefused as exc:
                form.add_error(None, str(exc.args[0]))
            except IntegrityError as exc:  # a key the form could not check (its org …)
                form.add_error(None, integrity_message(exc))
        if not form.is_valid():
            if not pk:
                obj.pk = None  # the refused insert was rolled back
            return render(request, "core/form.html",
                          self.context(form=form, object=obj,
                                       return_url=self.screens.return_url(obj)), status=422)
        messages.success(request, f"已保存：{obj}")
        return redirect(self.screens.return_url(obj) or
                        reverse(self.context()["url_detail"], args=[obj.pk]))


class DeleteScreen(ScreenView):
    def get(self, request, pk):
        obj = self.get_editable_object(pk)
        return render(request, "core/confirm_delete.html",
                      self.context(object=obj, return_url=self.screens.return_url(obj)))

    def post(self, request, pk):
        obj = self.get_editable_object(pk)
        back = self.screens.return_url(obj)
        if reason := obj.delete_refusal(request.user):
            messages.error(request, reason)
            return redirect(back or reverse(self.context()["url_detail"], args=[pk]))
        before, label = snapshot(obj), str(obj)
        try:
            with transaction.atomic():
                obj.delete()
                record("delete", object_type=self.screens.model._meta.label_lower,
                       object_id=str(pk), label=label, before=before)
        except ProtectedError:
            messages.error(request, f"“{label}”仍被其他记录引用，不能删除。")
            return redirect(back or reverse(self.context()["url_detail"], args=[pk]))
        messages.success(request, f"已删除：{label}")
        return redirect(back or reverse(self.context()["url_list"]))


class ImportTemplate(ScreenView):
    def get(self, request):
        importer = self.screens.importer(request.user)
        return xlsx_response(f"{self.screens.label()}导入模板.xlsx", importer.template_bytes())


class ImportScreen(ScreenView):
    """Upload → dry run report → confirm.

    A sheet of more than ``MOFAN_IMPORT_BACKGROUND_ROWS`` data rows (counted from its XML,
    not read) is checked and imported by the background worker instead, on a progress
    page (``core.imports``); an absurd one is refused here first, before it is queued.

    The dry run reads the upload where Django put it; only a file that passed is kept, under
    a generated name in var/imports, until the user confirms. Whatever happens then (success,
    refusal, an exception) the kept file is removed, and files left behind by a killed
    process are removed by the next import once older than ``STALE_AFTER`` seconds.
    """

    SESSION_KEY = "mofan_import_token"
    STALE_AFTER = STALE_UPLOAD_SECONDS

    def upload_dir(self):
        d = os.path.join(settings.VAR_DIR, "imports")
        os.makedirs(d, exist_ok=True)
        remove_stale_files(d, self.STALE_AFTER)
        return d

    def stored_path(self, token):
        return os.path.join(self.upload_dir(), f"{token}.xlsx")

    def refuse_unless_allowed(self, user):
        """Importing adds rows: asked on the same rule as the 新增 button and form."""
        if not self.screens.may_import(user):
            raise PermissionDenied("您无权导入此类记录")

    def context(self, **extra):
        jobs_ = ImportJob.objects.filter(created_by=self.request.user,
                                         importer=self.screens.import_key)[:5]
        return super().context(jobs=jobs_, background_rows=settings.MOFAN_IMPORT_BACKGROUND_ROWS,
                               **extra)

    def get(self, request):
        self.refuse_unless_allowed(request.user)
        return render(request, "core/import.html", self.context())

    def post(self, request):
        self.refuse_unless_allowed(request.user)
        importer = self.screens.importer(request.user)
        if "confirm" in request.POST:
            return self.confirm(request, importer)
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的 .xlsx 文件。")
            return render(request, "core/import.html", self.context(), status=422)
        if upload.size > settings.MOFAN_UPLOAD_MAX_BYTES:
            limit = human_size(settings.MOFAN_UPLOAD_MAX_BYTES)
            messages.error(request, f"文件超过 {limit}，请拆分后再导入。")
            return render(request, "core/import.html", self.context(), status=422)
        self.discard(request.session.pop(self.SESSION_KEY, None))  # an earlier, unconfirmed one
        if big := self.in_background(request, upload):
            return big
        result = importer.read(upload)
        if result.ok:
            token = uuid.uuid4().hex
            self.keep(upload, self.stored_path(token))
            request.session[self.SESSION_KEY] = token
        status = 200 if result.ok else 422
        return render(request, "core/import.html",
                      self.context(result=result, filename=upload.name), status=status)

    def in_background(self, request, upload):
        """For a sheet too big to read in the request: its job's page (or its refusal);
        None for the others, read here as always."""
        if refuse_absurd_workbook(upload):
            return None  # read() refuses it at once, before parsing
        rows = sheet_rows(upload)
        if rows is None or rows - 1 <= settings.MOFAN_IMPORT_BACKGROUND_ROWS:
            return None
        max_rows = import_limits()[0]
        if rows - 1 > max_rows:
            result = ImportResult(rows_read=rows - 1,
                                  errors=[RowError(0, "", too_many_rows(max_rows))])
            return render(request, "core/import.html",
                          self.context(result=result, filename=upload.name), status=422)
        job = jobs.start(self.screens, upload, request.user, rows=rows - 1,
                         list_url=reverse(self.context()["url_list"]))
        return redirect("core:import_job", job.pk)

    def keep(self, upload, stored):
        try:
            with open(stored, "wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.remove(stored)
            raise

    def discard(self, token):
        if token:
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.stored_path(token))

    def confirm(self, request, importer):
        token = request.session.pop(self.SESSION_KEY, None)
        if not token or token != request.POST.get("token"):
            messages.error(request, "导入已过期，请重新上传文件。")
            return redirect(self.context()["url_import"])
        try:
            with open(self.stored_path(token), "rb") as fh:
                result = importer.commit(fh)
        except FileNotFoundError:
            messages.error(request, "导入已过期，请重新上传文件。")
            return redirect(self.context()["url_import"])
        finally:
            self.discard(token)
        if not result.ok:
            return render(request, "core/import.html", self.context(result=result), status=422)
        messages.success(request, f"已导入 {len(result.objects)} 条{self.screens.label()}。")
        return redirect(self.context()["url_list"])

