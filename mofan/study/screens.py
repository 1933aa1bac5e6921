"""Generic list / detail / edit / export / import screens of the study records."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count

from mofan.core.excel import CellError, Column, Importer
from mofan.core.params import YearFilter, reporting_year
from mofan.core.scoping import WriteRefused
from mofan.core.screens import Col, Screens
from mofan.orgs.models import PartyOrg, Person

from .models import (
    LEADING_GROUP,
    Meeting,
    RedBase,
    RedService,
    StudyPlan,
    StudySession,
    first_item_is_study,
)
from .services import (
    attendance_totals,
    build_roll,
    mark_everyone_present,
    record_first_topic,
    set_agenda,
)


def filterset_with_year(model, fields, date_field):
    """A FilterSet over ``fields`` plus 年度 (``?year=2022``) on ``date_field``."""
    meta = type("Meta", (), {"model": model, "fields": fields})
    attrs = {
        "Meta": meta,
        "year": YearFilter(date_field),  # bounded: ?year=99999999999999999999 is no 500
    }
    return type(f"{model.__name__}Filter", (django_filters.FilterSet,), attrs)


def parse_bool(value):
    text = "" if value is None else str(value).strip()
    if text in ("", "否", "0", "False", "false", "FALSE"):
        return False
    if text in ("是", "1", "True", "true", "TRUE", "√"):
        return True
    raise CellError(f"“{text}”应填“是”或“否”")


# ------------------------------------------------------------------ plans


class StudyPlanScreens(Screens):
    model = StudyPlan
    title = "月度学习计划"
    columns = [Col("month_label", "月份"), "party_org", "theme", "status", "filed_on"]
    export_columns = [Col("month_label", "月份"), "party_org", "theme", "planned", "status",
                      "filed_on"]
    filters = ["party_org", "status"]
    search = ["theme", "planned"]
    sortable = ["month"]
    form_fields = ["party_org", "month", "theme", "planned", "status"]
    select_related = ["party_org"]
    detail_template = "study/plan_detail.html"
    list_template = "study/plan_list.html"

    @classmethod
    def filterset_class(cls):
        return filterset_with_year(StudyPlan, cls.filters, "month")

    @classmethod
    def detail_context(cls, obj, request):
        return {"can_edit_plan": obj.can_edit(request.user)}


# ------------------------------------------------------------------ sessions


class SessionImporter(Importer):
    """Past sessions as offices kept them in Excel (第一议题 is recorded with its meeting)."""

    model = StudySession
    title = "学习活动"
    columns = [
        Column("日期", "date", required=True, example="2022-03-15"),
        Column("类型", "kind", required=True, example="支部集中学习"),
        Column("党组织", "party_org", required=True, example="机关第一党支部"),
        Column("主题", "theme", required=True, example="学习领悟“两个确立”的决定性意义"),
        Column("地点", "place", example="三楼会议室"),
        Column("主持人", "host", example="张三"),
        Column("记录人", "recorder", example="李四"),
        Column("授课人", "speaker", example=""),
        Column("领导干部讲党课", "leader_lecture", example="否", parse=parse_bool),
        Column("活动形式", "theme_day_form", example=""),
        Column("研讨题目", "topics", example=""),
        Column("学习内容", "materials", example="《习近平谈治国理政》第四卷"),
        Column("会议记录", "minutes", example=""),
    ]

    def related_queryset(self, model_field):
        if model_field.related_model is PartyOrg:
            return PartyOrg.objects.editable_by(self.user).filter(
                kind__in=("leading_group", "branch"))
        if model_field.related_model is Person:
            return Person.objects.visible_to(self.user)
        return super().related_queryset(model_field)

    def prepare(self, obj):
        if obj.kind == StudySession.FIRST_TOPIC:
            raise CellError("第一议题请在“党组会议”中登记（须核对会议议程）", "类型")
        if obj.party_org_id:
            obj.org_id = obj.party_org.org_id


class StudySessionScreens(Screens):
    model = StudySession
    title = "学习活动"
    columns = ["date", "kind", "party_org", "theme", "host",
               Col("attendance_label", "出勤（实到/应到）"), Col("first_topic_label", "第一议题")]
    export_columns = ["date", "kind", "party_org", "theme", "place", "host", "recorder",
                      "speaker", Col("leader_lecture_label", "领导干部讲党课"), "theme_day_form",
                      "topics", "materials", Col("on_roll", "应到"),
                      Col("untaken", "未点名"), Col("attended", "实到（含补学）"),
                      Col("rate", "出勤率%"),
                      Col("first_topic_label", "第一议题")]
    filters = ["kind", "party_org"]
    search = ["theme", "materials", "topics"]
    sortable = ["date"]
    form_fields = ["kind", "party_org", "meeting", "date", "place", "theme", "host", "recorder",
                   "speaker", "leader_lecture", "theme_day_form", "topics", "materials",
                   "minutes"]
    detail_fields = ["kind", "party_org", "meeting", Col("first_topic_label", "第一议题"), "date",
                     "place", "theme", "host", "recorder", "speaker",
                     Col("leader_lecture_label", "领导干部讲党课"), "theme_day_form", "topics",
                     "materials", "minutes"]
    select_related = ["party_org", "host", "recorder", "speaker", "meeting"]
    importer = SessionImporter
    detail_template = "study/session_detail.html"
    # The kinds kept most often, one click from the list (the form opens with its kind).
    quick_new = [("新增中心组学习", "kind=central_group"), ("新增支部学习", "kind=branch")]

    @classmethod
    def filterset_class(cls):
        return filterset_with_year(StudySession, cls.filters, "date")

    @classmethod
    def base_queryset(cls):
        return (super().base_queryset().with_first_topic_flag().with_roll_counts()
                .order_by("-date", "-id"))

    @classmethod
    def form_class(cls, user):
        base = super().form_class(user)

        groups = list(PartyOrg.objects.editable_by(user).filter(kind=LEADING_GROUP)[:2])

        class SessionForm(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                kind = self.initial.get("kind")
                if (self.instance.pk is None and len(groups) == 1 and not self.is_bound
                        and kind in (StudySession.CENTRAL_GROUP, StudySession.FIRST_TOPIC)
                        and not self.initial.get("party_org")):
                    self.initial["party_org"] = groups[0].pk  # the organ's 党组
                if self.instance.pk is None:
                    self.fields["all_present"] = forms.BooleanField(
                        label="名单上的人均出席", required=False,
                        help_text="勾选则签到名单直接记为出席（有缺席的请不勾选，保存后在签到页点名）")

            def save(self, commit=True):
                new = self.instance.pk is None
                obj = super().save(commit)
                if new and commit:
                    build_roll(obj)  # everyone expected, 未点名 until the recorder marks them
                    if self.cleaned_data.get("all_present"):
                        mark_everyone_present(obj, actor=user)
                return obj

        return SessionForm

    @classmethod
    def detail_context(cls, obj, request):
        roll = list(obj.roll.select_related("person", "person__org"))
        return {
            "roll": roll,
            "totals": attendance_totals(obj.roll.all()),
            "files": list(obj.files.all()),
            "can_edit_session": obj.can_edit(request.user),
        }


# ------------------------------------------------------------------ meetings


class MeetingScreens(Screens):
    model = Meeting
    title = "党组会议"
    columns = ["date", "title", "party_org", Col("agenda_count", "议题数"),
               Col("first_is_study_label", "首项为学习")]
    export_columns = columns
    filters = ["party_org"]
    search = ["title"]
    sortable = ["date"]
    form_fields = ["party_org", "title", "date", "place", "host"]
    select_related = ["party_org", "host"]
    detail_template = "study/meeting_detail.html"

    @classmethod
    def help_texts(cls):
        return {"title": f"如：{reporting_year()}年第5次党组会议"}

    @classmethod
    def filterset_class(cls):
        return filterset_with_year(Meeting, cls.filters, "date")

    @classmethod
    def form_class(cls, user):
        """A new meeting may carry its agenda and, when the study item is first, become its
        第一议题 record on the same form (one save instead of three pages)."""
        base = super().form_class(user)

        class MeetingForm(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if self.instance.pk is not None:
                    return
                self.fields["agenda_items"] = forms.CharField(
                    label="会议议题（每行一项，按会议顺序）", required=False,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text="可留空，以后在会议页填写")
                self.fields["study_position"] = forms.IntegerField(
                    label="学习议题是第几项", min_value=1, required=False, initial=1,
                    help_text="第一议题：学习议题应为第 1 项")
                self.fields["first_topic"] = forms.BooleanField(
                    label="同时登记第一议题记录", required=False,
                    help_text="主题取学习议题，党组成员列入签到名单")
                self.fields["all_present"] = forms.BooleanField(
                    label="党组成员均出席", required=False,
                    help_text="有缺席的请不勾选，保存后在签到页点名")

        return MeetingForm

    @classmethod
    def save_form(cls, form, user, new):
        """The meeting, then (new only) its agenda and its 第一议题 — all or nothing."""
        meeting = form.save()
        data = form.cleaned_data
        if not new or not data.get("agenda_items", "").strip():
            if new and data.get("first_topic"):
                raise WriteRefused("登记第一议题须填写会议议题")
            return meeting
        try:
            set_agenda(meeting, data["agenda_items"].splitlines(),
                       data.get("study_position") or 1, actor=user)
            if data.get("first_topic"):
                record_first_topic(meeting, actor=user, all_present=data.get("all_present"))
        except ValidationError as exc:
            raise WriteRefused("；".join(exc.messages)) from exc
        return meeting

    @classmethod
    def base_queryset(cls):
        return (super().base_queryset()
                .annotate(first_is_study=first_item_is_study(), agenda_count=Count("agenda"))
                .order_by("-date", "-id"))

    @classmethod
    def detail_context(cls, obj, request):
        agenda = list(obj.agenda.all())
        study_pos = next((a.order for a in agenda if a.is_study), "")
        return {
            "agenda": agenda,
            "agenda_text": "\n".join(a.title for a in agenda),
            "study_position": study_pos,
            "opens": bool(agenda and agenda[0].is_study),
            "sessions": list(obj.sessions.all()),
            "can_edit_meeting": obj.can_edit(request.user),
            "study_item": next((a for a in agenda if a.is_study), None),
        }


# ------------------------------------------------------------------ red education


class RedBaseScreens(Screens):
    model = RedBase
    title = "红色教育基地"
    columns = ["name", "kind", "org", "address"]
    filters = ["kind"]
    search = ["name", "address"]
    form_fields = ["org", "name", "kind", "address", "sort"]
    select_related = ["org"]


class RedServiceImporter(Importer):
    model = RedService
    title = "红色教育服务"
    columns = [
        Column("日期", "date", required=True, example="2022-05-18"),
        Column("教育基地", "base", required=True, example="“示例事件”史迹陈列馆"),
        Column("服务对象", "group", required=True, example="学生"),
        Column("单位/团体名称", "group_name", example="示例县第一中学"),
        Column("人数", "people", required=True, example="45"),
        Column("讲解员", "guide", example="王讲解"),
    ]

    def related_queryset(self, model_field):
        return RedBase.objects.editable_by(self.user)

    def prepare(self, obj):
        if obj.base_id:
            obj.org_id = obj.base.org_id


class RedServiceScreens(Screens):
    model = RedService
    title = "红色教育服务"
    columns = ["date", "base", "group", "group_name", "people", "guide"]
    export_columns = columns
    filters = ["base", "group"]
    search = ["group_name", "guide"]
    sortable = ["date", "people"]
    form_fields = ["base", "date", "group", "group_name", "people", "guide"]
    select_related = ["base"]
    importer = RedServiceImporter

    @classmethod
    def filterset_class(cls):
        return filterset_with_year(RedService, cls.filters, "date")
