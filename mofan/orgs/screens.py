from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mofan.core.excel import CellError, Column, Importer
from mofan.core.screens import Col, PhoneCol, Screens

from .models import Campaign, GroupMember, Org, PartyOrg, Person, Responsibility


class OrgImporter(Importer):
    """Units and sections as offices list them: 名称, 代码, 类型, 上级代码."""

    model = Org
    columns = [
        Column("名称", "name", required=True, example="办公室"),
        Column("简称", "short_name", example="办公室"),
        Column("代码", "code", required=True, example="wgxlj-bgs"),
        Column("类型", "kind", required=True, example="股室"),
        Column("上级", "parent", required=True, example="wgxlj"),
        Column("排序", "sort", example="1"),
    ]

    def related_queryset(self, model_field):
        return Org.objects.editable_by(self.user)

    def prepare(self, obj):
        if obj.kind == Org.COMMITTEE:
            raise CellError("不能通过导入新建机关工委", "类型")


class PersonImporter(Importer):
    """The staff roster (花名册) in the shape offices keep it."""

    model = Person
    columns = [
        Column("姓名", "name", required=True, example="张三"),
        Column("性别", "gender", required=True, example="男"),
        Column("所在单位/股室", "org", required=True, example="办公室"),
        Column("职务", "position", example="科员"),
        Column("工号", "staff_no", example="0101"),
        Column("办公平台用户ID", "app_user_id", example="zhangsan01"),
        Column("手机号", "phone", example="13800001234"),
        Column("政治面貌", "political_status", required=True, example="中共党员"),
        Column("所在党支部", "branch", example="机关第一党支部"),
        Column("入职日期", "joined_on", example="2015-07-01"),
    ]

    def related_queryset(self, model_field):
        if model_field.name == "org":
            return Org.objects.editable_by(self.user)
        return super().related_queryset(model_field)


class OrgScreens(Screens):
    model = Org
    title = "组织机构"
    columns = ["name", "code", "kind", "parent", "sort"]
    filters = ["kind"]
    search = ["name", "code"]
    sortable = ["name", "code", "sort"]
    form_fields = ["name", "short_name", "code", "kind", "parent", "sort"]
    select_related = ["parent"]
    importer = OrgImporter


class PartyOrgScreens(Screens):
    model = PartyOrg
    title = "党组织"
    columns = ["name", "kind", "org", "parent", "secretary", Col("member_count", "党员数")]
    filters = ["kind", "org"]
    search = ["name"]
    form_fields = ["name", "kind", "org", "parent", "secretary", "members", "sort"]
    detail_fields = ["name", "kind", "org", "parent", "secretary", Col("member_names", "成员")]
    select_related = ["org", "parent", "secretary"]

    @classmethod
    def base_queryset(cls):
        from django.db.models import Count

        # GROUP BY drops Meta.ordering, so order explicitly for stable pages.
        qs = super().base_queryset().annotate(member_count=Count("branch_members"))
        return qs.order_by(*PartyOrg._meta.ordering)


class PersonScreens(Screens):
    model = Person
    title = "人员"
    columns = ["name", "gender", "org", "position", "staff_no", "political_status", "branch",
               Col("phone_masked", "手机号")]
    export_columns = columns
    filters = ["org", "political_status", "gender", "branch"]
    search = ["name", "staff_no", "position"]
    sortable = ["name", "staff_no", "political_status", "joined_on"]
    form_fields = ["name", "gender", "org", "position", "staff_no", "app_user_id", "phone",
                   "political_status", "branch", "joined_on", "left_on", "sort"]
    detail_fields = ["name", "gender", "org", "position", "staff_no", "app_user_id",
                     PhoneCol("phone", "手机号"), "political_status", "branch", "joined_on",
                     "left_on"]
    phone_people = ("pk",)  # one's own number
    select_related = ["org", "branch"]
    importer = PersonImporter


# ------------------------------------------------------------------ 创建活动


class CampaignScreens(Screens):
    """The organ's campaign of each year. Its 领导小组 and 责任清单 are kept on its page;
    only the organ's 单位管理员 adds or changes any of it (see CampaignQuerySet)."""

    model = Campaign
    title = "创建活动"
    columns = ["year", "org", "plan_title", "plan_doc_no", "plan_issued_on", "mobilized_on"]
    filters = ["year", "org"]
    search = ["plan_title", "plan_doc_no"]
    form_fields = ["year", "plan_title", "plan_doc_no", "plan_issued_on", "plan_file",
                   "mobilized_on", "approach", "measures"]
    select_related = ["org"]
    detail_template = "orgs/campaign_detail.html"
    create_refusal = "只有本机关的单位管理员可以新增创建活动"

    @classmethod
    def file_fields(cls):
        return []  # the plan's file is served by views.plan_file, under a readable name

    @classmethod
    def may_create(cls, user):
        return Campaign.may_create(user)

    @classmethod
    def prepare_new(cls, obj, user):
        super().prepare_new(obj, user)
        obj.org = user.org  # the organ itself (Campaign.may_create)

    @classmethod
    def detail_context(cls, obj, request):
        can_edit = obj.can_edit(request.user)
        next_year = Campaign.objects.filter(org_id=obj.org_id, year=obj.year + 1).first()
        return {  # ``can_edit`` (the same rule) comes from the generic detail screen
            "campaign": obj,
            "group": obj.group.select_related("person", "person__org"),
            "duties": obj.responsibilities.select_related("org", "leader"),
            "next_year": next_year,
            "can_start_next_year": can_edit and next_year is None,
        }


class CampaignPartScreens(Screens):
    """A 领导小组 seat or a 责任清单 row: added, changed and removed from its campaign's
    page, to which every form returns."""

    select_related = ["campaign"]
    anchor = ""  # the part of the campaign's page the row is shown in

    @classmethod
    def may_create(cls, user):
        return Campaign.may_create(user)

    @classmethod
    def form_class(cls, user):
        base = super().form_class(user)

        class PartForm(base):
            """People who have left are not offered (one already named stays selectable:
            the generic edit screen keeps a row's current choice)."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                today = timezone.localdate()
                for name in ("person", "leader"):
                    if name in self.fields:
                        field = self.fields[name]
                        field.queryset = field.queryset.filter(
                            Q(left_on__isnull=True) | Q(left_on__gte=today))

        return PartForm

    @classmethod
    def return_url(cls, obj):
        if not obj.campaign_id:
            return None
        return reverse("orgs:campaign_detail", args=[obj.campaign_id]) + cls.anchor


class GroupMemberScreens(CampaignPartScreens):
    model = GroupMember
    title = "领导小组成员"
    anchor = "#leading-group"
    columns = ["campaign", "role", "person", "duty"]
    filters = ["campaign", "role"]
    form_fields = ["campaign", "role", "person", "duty", "sort"]
    select_related = ["campaign", "person"]
    create_refusal = "只有本机关的单位管理员可以调整领导小组"


class ResponsibilityImporter(Importer):
    """A 责任清单 as offices keep it in Excel, into the campaign of the year given."""

    model = Responsibility
    title = "责任清单"
    columns = [
        Column("年度", "campaign", required=True, example="2025"),
        Column("责任领导", "leader", example=""),
        Column("责任单位/股室", "org", required=True, example="办公室"),
        Column("责任内容", "work", required=True, example="创建活动日常工作、材料汇总"),
        Column("排序", "sort", example="1"),
    ]

    def parse_cell(self, column, value):
        if column.field != "campaign":
            return super().parse_cell(column, value)
        text = str(value if value is not None else "").strip().removesuffix("年")
        if text.endswith(".0"):
            text = text[:-2]
        if not text.isdigit():
            raise CellError(f"“{text}”不是年度，请填写如 2025")
        campaign = Campaign.objects.editable_by(self.user).filter(year=int(text)).first()
        if campaign is None:
            raise CellError(f"本机关没有 {text} 年的创建活动（或您无权调整），请先新增")
        return campaign


class ResponsibilityScreens(CampaignPartScreens):
    model = Responsibility
    title = "责任清单"
    anchor = "#duty-list"
    columns = ["campaign", "leader", "org", "work"]
    filters = ["campaign"]
    search = ["work"]
    form_fields = ["campaign", "leader", "org", "work", "sort"]
    select_related = ["campaign", "leader", "org"]
    importer = ResponsibilityImporter
    create_refusal = "只有本机关的单位管理员可以调整责任清单"
