"""Generic list / detail / edit / export / import screens of community service."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import path

from mofan.core.excel import CellError, Column, Importer, RowError
from mofan.core.params import YearFilter
from mofan.core.scoping import COMMITTEE, MEMBER, WriteRefused
from mofan.core.screens import Col, EditScreen, Screens, bootstrapify
from mofan.orgs.models import Person

from . import services
from .forms import ServiceRecordForm
from .models import (
    UNIT_LABELS,
    Community,
    Measure,
    Project,
    Registration,
    ServiceKind,
    ServiceParticipant,
    ServiceRecord,
    organ_of,
)


def filterset_with_year(model, fields, date_field):
    meta = type("Meta", (), {"model": model, "fields": fields})
    attrs = {"Meta": meta, "year": YearFilter(date_field)}
    return type(f"{model.__name__}Filter", (django_filters.FilterSet,), attrs)


class OrganOwned:
    """Rows whose ``org`` is the organ itself: an administrator or head creates them for
    his own organ."""

    @classmethod
    def prepare_new(cls, obj, user):
        super().prepare_new(obj, user)
        obj.org = organ_of(user.org)


# ------------------------------------------------------------------ communities & kinds


class CommunityImporter(Importer):
    model = Community
    title = "结对社区/村"
    columns = [
        Column("社区/村名称", "name", required=True, example="东街社区"),
        Column("所属乡镇/街道", "township", example="城关镇"),
        Column("类型", "kind", required=True, example="社区"),
        Column("社区联系人", "contact", example="张主任"),
    ]

    def prepare(self, obj):
        if not self.user.org_id:
            raise CellError("账号没有所属单位")
        obj.org = organ_of(self.user.org)


class CommunityScreens(OrganOwned, Screens):
    model = Community
    title = "结对社区/村"
    columns = ["name", "township", "kind", "contact", "org"]
    filters = ["kind"]
    search = ["name", "township"]
    form_fields = ["name", "township", "kind", "contact", "sort"]
    owned_by_user_org = True
    importer = CommunityImporter
    select_related = ["org"]


class ServiceKindScreens(OrganOwned, Screens):
    model = ServiceKind
    title = "服务类型"
    columns = ["name", "code", "sort", "active", "org"]
    form_fields = ["name", "code", "sort", "active"]
    owned_by_user_org = True
    select_related = ["org"]


# ------------------------------------------------------------------ registrations


class RegistrationImporter(Importer):
    model = Registration
    title = "社区报到"
    columns = [
        Column("党员", "person", required=True, example="张三"),
        Column("报到社区/村", "community", required=True, example="东街社区"),
        Column("报到日期", "registered_on", required=True, example="2025-03-05"),
        Column("社区确认人", "confirmed_by", example="李书记"),
        Column("社区确认日期", "confirmed_on", example="2025-03-06"),
    ]

    def related_queryset(self, model_field):
        if model_field.related_model is Person:
            return Person.objects.editable_by(self.user)
        return super().related_queryset(model_field)

    def prepare(self, obj):
        if obj.person_id:
            obj.org_id, obj.branch_id = obj.person.org_id, obj.person.branch_id


class RegistrationScreens(Screens):
    model = Registration
    title = "在职党员到社区报到"
    columns = ["person", "person__org", "community", "registered_on",
               Col("confirmed_label", "社区确认"), "ended_on"]
    export_columns = ["person", "person__org", "branch", "community", "registered_on",
                      "confirmed_by", "confirmed_on", "ended_on"]
    filters = ["community", "branch"]
    search = ["person__name", "community__name"]
    sortable = ["registered_on"]
    form_fields = ["person", "community", "registered_on", "confirmed_by", "confirmed_on",
                   "ended_on"]
    select_related = ["person", "person__org", "community", "branch"]
    importer = RegistrationImporter

    @classmethod
    def filterset_class(cls):
        return filterset_with_year(Registration, cls.filters, "registered_on")


# ------------------------------------------------------------------ service records


class ServiceRecordImporter(Importer):
    """Past services as offices kept them: one row per record, members separated by 、"""

    model = ServiceRecord
    title = "社区服务记录"
    columns = [
        Column("服务日期", "date", required=True, example="2025-04-12"),
        Column("服务社区/村", "community", required=True, example="东街社区"),
        Column("服务类型", "kind", required=True, example="环境卫生整治"),
        Column("参加党员", "members", example="张三、李四（本机关党员，用顿号分隔）"),
        Column("时长（小时）", "hours", example="2"),
        Column("服务内容", "content", required=True, example="清理小区卫生死角，发现路灯损坏 2 盏"),
    ]

    def related_queryset(self, model_field):
        organ = services.actor_organ(self.user)
        return model_field.related_model.objects.filter(org=organ)

    def parse_cell(self, column, value):
        if column.field == "members":  # kept aside: a many-to-many is set after saving
            names = [n.strip() for n in str(value or "").replace("，", "、").replace(",", "、")
                     .split("、") if n.strip()]
            if not names:
                raise CellError("必填")
            organ = services.actor_organ(self.user)
            found = {}
            for p in Person.objects.filter(org__organ=organ, name__in=names):
                found.setdefault(p.name, []).append(p)
            people = []
            for name in names:
                if name not in found:
                    raise CellError(f"本机关没有党员“{name}”")
                if len(found[name]) > 1:
                    raise CellError(f"本机关有多名“{name}”，请在系统中逐条登记")
                people.append(found[name][0])
            self._members = people
            return None
        return super().parse_cell(column, value)

    def build(self, number, values, positions):
        self._members = []
        obj, errors = super().build(number, values, positions)
        if obj is not None:
            if reason := services.record_refusal(obj, self._members, self.user):
                return None, [RowError(number, "", reason)]
            obj._members = self._members
        return obj, errors

    def prepare(self, obj):
        organ = services.actor_organ(self.user)
        obj.org = organ  # replaced by the first member's unit when saved

    def save_object(self, obj):
        try:
            services.save_record(obj, obj._members, actor=self.user)
        except ValidationError as exc:
            raise WriteRefused("；".join(exc.messages)) from exc


class RecordEditScreen(EditScreen):
    """The generic edit flow with the record's own form (members, the organ's kinds)."""

    def form(self, obj, data=None, files=None, initial=None):
        form = ServiceRecordForm(data, files, instance=obj, user=self.request.user,
                                 initial=initial)
        bootstrapify(form.fields)
        return form


class ServiceRecordScreens(Screens):
    model = ServiceRecord
    title = "社区服务记录"
    columns = ["date", "community", "kind", Col("member_names", "参加党员"),
               Col("member_count", "人次"), "hours", "status"]
    export_columns = ["date", "community", "kind", Col("member_names", "参加党员"),
                      Col("member_count", "人次"), "hours", "content", "branch", "status",
                      "confirmed_by", "confirmed_on", Col("appeal_label", "民情诉求")]
    detail_fields = ["date", "community", "kind", Col("member_names", "参加党员"), "hours",
                     "content", "photo", "org", "branch", "logged_by", "status", "status_note",
                     "confirmed_by", "confirmed_on"]
    filters = ["community", "kind", "status", "branch"]
    search = ["content", "community__name"]
    sortable = ["date"]
    form_fields = ["community", "date", "kind", "hours", "content", "photo"]
    select_related = ["community", "kind", "branch", "branch__secretary", "logged_by",
                      "confirmed_by", "appeal", "org"]
    importer = ServiceRecordImporter
    detail_template = "community/record_detail.html"

    @classmethod
    def urls(cls, prefix):
        edit = {f"{cls.name()}_create", f"{cls.name()}_edit"}
        return [path(str(p.pattern), RecordEditScreen.as_view(screens=cls), name=p.name)
                if p.name in edit else p for p in super().urls(prefix)]

    @classmethod
    def may_create(cls, user):
        """Members log their own services; the 机关工委 only reads them."""
        return user.role != COMMITTEE and super().may_create(user)

    @classmethod
    def base_queryset(cls):
        return super().base_queryset().prefetch_related(
            Prefetch("participants",
                     queryset=ServiceParticipant.objects.select_related("person")))

    @classmethod
    def filterset_class(cls):
        return filterset_with_year(ServiceRecord, cls.filters, "date")

    @classmethod
    def save_form(cls, form, user, new):
        obj = form.save(commit=False)
        return services.save_record(obj, list(form.cleaned_data["members"]), actor=user)

    @classmethod
    def detail_context(cls, obj, request):
        from django.apps import apps

        user = request.user
        return {
            "confirm_refusal": services.confirm_refusal(obj, user),
            "appeal_refusal": services.appeal_refusal(obj, user),
            "appeal_categories": apps.get_model("appeals", "Appeal").CATEGORY_CHOICES,
            "is_member": user.role == MEMBER,
        }


# ------------------------------------------------------------------ projects


class ProjectImporter(Importer):
    """One row per project; its measures in one cell, separated by ；"""

    model = Project
    title = "实事项目"
    columns = [
        Column("项目名称", "title", required=True, example="东街社区背街小巷改造"),
        Column("社区/村", "community", required=True, example="东街社区"),
        Column("具体地点（小区等）", "place", example="幸福小区"),
        Column("状态", "status", required=True, example="已完成"),
        Column("开工日期", "started_on", example="2025-04-01"),
        Column("完成日期", "finished_on", example="2025-06-30"),
        Column("措施及数量", "measures", example="铺平路面 300 平方米；安装路灯 5 盏；雨污分流改造"),
        Column("项目说明", "description", example=""),
    ]

    def related_queryset(self, model_field):
        return Community.objects.filter(org=services.actor_organ(self.user))

    def parse_cell(self, column, value):
        if column.field == "measures":  # kept aside: measures are rows of their own
            self._measures = services.parse_measures(value)
            return None
        return super().parse_cell(column, value)

    def build(self, number, values, positions):
        self._measures = []
        obj, errors = super().build(number, values, positions)
        if obj is not None:
            obj._measures = self._measures
        return obj, errors

    def prepare(self, obj):
        obj.org = services.actor_organ(self.user)

    def save_object(self, obj):
        obj.save()
        for i, m in enumerate(obj._measures):
            m.project, m.sort = obj, i
            m.save()


class ProjectScreens(Screens):
    model = Project
    title = "实事项目"
    columns = ["title", "community", "place", "status", Col("measures_label", "措施及数量"),
               "started_on", "finished_on"]
    export_columns = ["title", "org", "community", "place", "status",
                      Col("measures_label", "措施及数量"), "started_on", "finished_on",
                      "description"]
    filters = ["status", "community"]
    search = ["title", "place", "description"]
    sortable = ["started_on", "finished_on"]
    form_fields = ["org", "title", "community", "place", "status", "started_on",
                   "finished_on", "description", "appeals"]
    select_related = ["community", "org"]
    importer = ProjectImporter
    detail_template = "community/project_detail.html"

    @classmethod
    def base_queryset(cls):
        return super().base_queryset().prefetch_related("measures")

    @classmethod
    def filterset_class(cls):
        return filterset_with_year(Project, cls.filters, "started_on")

    @classmethod
    def detail_context(cls, obj, request):
        return {"measures": list(obj.measures.all()),
                "appeals": list(obj.appeals.all()),
                "can_edit_project": obj.can_edit(request.user),
                "unit_choices": list(UNIT_LABELS.items())}


class MeasureScreens(Screens):
    model = Measure
    title = "项目措施"
    columns = ["project", "name", "quantity", "unit"]
    filters = ["unit"]
    search = ["name", "project__title"]
    form_fields = ["project", "name", "quantity", "unit", "sort"]
    select_related = ["project"]

