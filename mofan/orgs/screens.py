from mofan.core.excel import CellError, Column, Importer
from mofan.core.screens import Col, Screens

from .models import Org, PartyOrg, Person


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
                     Col("phone_masked", "手机号"), "political_status", "branch", "joined_on",
                     "left_on"]
    select_related = ["org", "branch"]
    importer = PersonImporter
