import re

import django_filters

from mofan.core.excel import CellError, Column, Importer, RowError
from mofan.core.ledger.importer import LedgerImporter, ledger_columns
from mofan.core.ledger.views import DEADLINE, LedgerScreens
from mofan.core.params import YearFilter
from mofan.core.screens import Col, PhoneCol, Screens

from .forms import raised_formset
from .models import (
    ChainCommittee,
    ChainMeeting,
    Demand,
    Enterprise,
    Meeting,
    SupportKind,
    SupportRecord,
    VoucherBatch,
)
from .money import AmountError, parse_yuan
from .services import registration_refusal


def filterset_with_year(model, fields, date_field):
    """A FilterSet over ``fields`` plus 年度 (``?year=2022``, bounded) on ``date_field``."""
    meta = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}Filter", (django_filters.FilterSet,),
                {"Meta": meta, "year": YearFilter(date_field)})


def yuan_cell(value):
    try:
        return parse_yuan(value)
    except AmountError as exc:
        raise CellError(str(exc)) from exc


class EnterpriseScreens(Screens):
    model = Enterprise
    title = "联系企业"
    columns = ["name", "industry", "contact_name", Col("phone_masked", "联系电话"), "org"]
    export_columns = ["name", "credit_code", "industry", "contact_name",
                      Col("phone_masked", "联系电话"), "org"]
    search = ["name", "credit_code", "industry"]
    form_fields = ["name", "credit_code", "industry", "contact_name", "phone"]
    detail_fields = ["name", "credit_code", "industry", "contact_name",
                     PhoneCol("phone", "联系电话"), "org"]
    select_related = ["org"]
    owned_by_user_org = True
    detail_template = "enterprise/enterprise_detail.html"

    @classmethod
    def detail_context(cls, obj, request):
        user = request.user
        return {
            "demands": list(obj.demands.visible_to(user).select_related("meeting")),
            "support": list(obj.support.visible_to(user).select_related("kind")),
        }


# ------------------------------------------------------------------ 政企座谈


class MeetingImporter(Importer):
    """Past 座谈会 and 政企夜谈 as offices kept them: the attending enterprises by name,
    separated by 、 or commas, each one of the organ's 联系企业."""

    model = Meeting
    title = "政企座谈"
    columns = [
        Column("日期", "held_on", required=True, example="2025-04-09"),
        Column("形式", "kind", required=True, example="政企夜谈"),
        Column("主题", "topic", required=True, example="“政企夜谈”面对面（第3期）"),
        Column("地点", "place", example="古镇游客中心"),
        Column("主持领导", "host", example="张三"),  # a person of the organ, by name
        Column("参会企业", "enterprises", example="示例县古镇旅游开发有限公司、示例县山水旅行社有限公司"),
        Column("会议纪要", "minutes", example=""),
    ]

    def parse_cell(self, column, value):
        if column.field != "enterprises":
            return super().parse_cell(column, value)
        names = [n.strip() for n in re.split(r"[、,，;；\n]", str(value or "")) if n.strip()]
        if not names:
            return None
        found = {e.name: e for e in Enterprise.objects.visible_to(self.user).filter(name__in=names)}
        if missing := [n for n in names if n not in found]:
            raise CellError(f"找不到联系企业：{'、'.join(missing)}（请先在“联系企业”中登记）")
        return [found[n] for n in names]

    def build(self, number, values, positions):
        # The attending enterprises are kept aside: a row is built from its own fields.
        pos = positions.get("参会企业")
        raw = values[pos] if pos is not None and pos < len(values) else None
        values = list(values)
        if pos is not None and pos < len(values):
            values[pos] = None
        obj, errors = super().build(number, values, positions)  # the cell blanked: skipped
        try:
            companies = self.parse_cell(self.columns[5], raw)
        except CellError as exc:
            errors = [*errors, RowError(number, "参会企业", exc.reason)]
            return None, errors
        if obj is not None:
            obj._companies = companies
        return obj, errors

    def prepare(self, obj):
        obj.org_id = self.user.org_id

    def save_object(self, obj):
        obj.save()
        obj.enterprises.set(getattr(obj, "_companies", []) or [])


class MeetingScreens(Screens):
    model = Meeting
    title = "政企座谈"
    columns = ["held_on", "kind", "topic", "place", "host"]
    export_columns = ["held_on", "kind", "topic", "place", "host", "enterprises", "minutes"]
    filters = ["kind"]
    search = ["topic", "place"]
    sortable = ["held_on"]
    form_fields = ["kind", "held_on", "topic", "place", "host", "enterprises", "minutes"]
    detail_fields = ["kind", "held_on", "topic", "place", "host", "enterprises", "minutes", "org"]
    select_related = ["org", "host"]
    owned_by_user_org = True
    detail_template = "enterprise/meeting_detail.html"
    importer = MeetingImporter

    @classmethod
    def filterset_class(cls):
        return filterset_with_year(Meeting, cls.filters, "held_on")

    @classmethod
    def base_queryset(cls):
        qs = super().base_queryset()
        return qs.prefetch_related("enterprises")

    @classmethod
    def detail_context(cls, obj, request):
        user = request.user
        return {
            "demands": list(obj.demands.visible_to(user).select_related("enterprise")),
            "can_register": not registration_refusal(obj, user),
            # Bound when the registration was refused, so the rows come back as typed.
            "formset": raised_formset(obj, request.POST if request.method == "POST" else None),
        }


class DemandImporter(LedgerImporter, Importer):
    model = Demand
    columns = ledger_columns(
        example="文旅消费券配套资金申请", result_example="已协调拨付配套资金",
        before=[
            Column("企业", "enterprise", required=True, example="示例县某某文化旅游有限公司"),
            Column("诉求类型", "demand_type", required=True, example="资金"),
            Column("诉求内容", "content", required=True, example="申请文旅消费券配套资金"),
        ])

    def related_queryset(self, model_field):
        if model_field.related_model is Enterprise:
            return Enterprise.objects.visible_to(self.user)
        return super().related_queryset(model_field)


class DemandScreens(LedgerScreens):
    model = Demand
    title = "纾困解难诉求"
    columns = ["title", "enterprise", "demand_type", "meeting", *LedgerScreens.common_columns]
    export_columns = ["registered_on", "enterprise", Col("meeting", "提出场合"), "demand_type",
                      "content", "owner", "owner_unit", "assigned_on", DEADLINE,
                      Col("closed_on", "办结日期"), "result", Col("state", "状态"),
                      Col("overdue_label", "逾期")]
    extra_filters = ["demand_type", "enterprise", "meeting"]
    search = ["title", "content", "enterprise__name"]
    form_fields = ["title", "enterprise", "meeting", "demand_type", "content", "registered_on"]
    detail_fields = ["enterprise", "meeting", "demand_type", "content", "registered_on", "org",
                     "owner", "owner_unit", "assigned_on", DEADLINE, "result"]
    select_related = [*LedgerScreens.select_related, "enterprise", "meeting"]
    importer = DemandImporter
    detail_extra_template = "enterprise/_demand_support.html"

    @classmethod
    def detail_extra(cls, obj, request):
        return {"support": list(obj.support.visible_to(request.user).select_related("kind"))}


# ------------------------------------------------------------------ support


class SupportImporter(Importer):
    model = SupportRecord
    title = "企业支持"
    columns = [
        Column("企业", "enterprise", required=True, example="示例县古镇旅游开发有限公司"),
        Column("支持类别", "kind", required=True, example="设备贷款"),
        Column("金额（元）", "amount", required=True, example="1500000", parse=yuan_cell),
        Column("日期", "date", required=True, example="2025-04-18"),
        Column("内容", "content", example="协调县农商银行发放设备贷款"),
    ]

    def related_queryset(self, model_field):
        if model_field.related_model is Enterprise:
            return Enterprise.objects.visible_to(self.user)
        return super().related_queryset(model_field)

    def __init__(self, user):
        super().__init__(user)
        SupportKind.ensure_defaults()

    def prepare(self, obj):
        obj.org_id = self.user.org_id  # rows belong to the importer's own unit, like the form


class SupportRecordScreens(Screens):
    model = SupportRecord
    title = "企业支持"
    columns = ["date", "enterprise", "kind", Col("amount_label", "金额"), "content", "demand"]
    export_columns = ["date", "enterprise", "kind", Col("amount_yuan", "金额（元）"), "content",
                      "demand", "org"]
    filters = ["kind", "enterprise"]
    search = ["content", "enterprise__name"]
    sortable = ["date", "amount"]
    form_fields = ["enterprise", "kind", "amount", "date", "content", "demand"]
    detail_fields = ["enterprise", "kind", Col("amount_label", "金额"),
                     Col("amount", "金额（元）"), "date", "content", "demand", "org"]
    select_related = ["org", "enterprise", "kind", "demand"]
    owned_by_user_org = True
    importer = SupportImporter
    list_template = "enterprise/support_list.html"

    @classmethod
    def filterset_class(cls):
        SupportKind.ensure_defaults()  # the filter and the form list the kinds
        return filterset_with_year(SupportRecord, cls.filters, "date")

    @classmethod
    def form_class(cls, user):
        SupportKind.ensure_defaults()
        return super().form_class(user)


class VoucherImporter(Importer):
    model = VoucherBatch
    title = "文旅消费券"
    columns = [
        Column("批次名称", "title", required=True, example="“百城百夜”文旅消费券（第一批）"),
        Column("发放日期", "issued_on", required=True, example="2025-05-01"),
        Column("发放金额（元）", "amount_issued", required=True, example="1000000", parse=yuan_cell),
        Column("核销金额（元）", "amount_redeemed", example="", parse=yuan_cell),
        Column("发放渠道", "channel", example="云闪付"),
        Column("备注", "note", example=""),
    ]

    def prepare(self, obj):
        obj.org_id = self.user.org_id


class VoucherBatchScreens(Screens):
    model = VoucherBatch
    title = "文旅消费券"
    columns = ["issued_on", "title", Col("issued_label", "发放金额"),
               Col("redeemed_label", "核销金额"), Col("redeemed_rate", "核销率%"), "channel"]
    export_columns = ["issued_on", "title", Col("issued_yuan", "发放金额（元）"),
                      Col("redeemed_yuan", "核销金额（元）"), Col("redeemed_rate", "核销率%"),
                      "channel", "note", "org"]
    search = ["title", "channel"]
    sortable = ["issued_on", "amount_issued"]
    form_fields = ["title", "issued_on", "amount_issued", "amount_redeemed", "channel", "note"]
    detail_fields = ["title", "issued_on", Col("issued_label", "发放金额"),
                     Col("amount_issued", "发放金额（元）"), Col("redeemed_label", "核销金额"),
                     Col("redeemed_rate", "核销率%"), "channel", "note", "org"]
    select_related = ["org"]
    owned_by_user_org = True
    importer = VoucherImporter

    @classmethod
    def filterset_class(cls):
        return filterset_with_year(VoucherBatch, [], "issued_on")


# ------------------------------------------------------------------ joint committee


class ChainCommitteeScreens(Screens):
    model = ChainCommittee
    title = "产业链联合党委"
    columns = ["name", "founded_on", "secretary", "org"]
    search = ["name", "member_units"]
    form_fields = ["name", "founded_on", "secretary", "member_units", "enterprises"]
    detail_fields = ["name", "founded_on", "secretary", "org"]
    select_related = ["org"]
    owned_by_user_org = True
    detail_template = "enterprise/committee_detail.html"

    @classmethod
    def detail_context(cls, obj, request):
        return {
            "members": obj.member_unit_list,
            "enterprises": list(obj.enterprises.all()),
            "meetings": list(obj.meetings.all()[:12]),
            "meeting_total": obj.meetings.count(),
        }


class ChainMeetingImporter(Importer):
    model = ChainMeeting
    title = "联合党委会议"
    columns = [
        Column("联合党委", "committee", required=True, example="示例县文旅产业链联合党委"),
        Column("类型", "kind", required=True, example="调度"),
        Column("日期", "held_on", required=True, example="2025-03-05"),
        Column("主题", "topic", required=True, example="3月份产业链重点工作调度"),
        Column("地点", "place", example="局三楼会议室"),
        Column("主持人", "host", example="张书记"),
        Column("参会单位和企业", "attendees", example="县商务局、县农商银行、古镇旅游公司"),
        Column("会议纪要", "minutes", example=""),
        Column("议定事项", "decisions", example="协调旺季停车位"),
    ]

    def related_queryset(self, model_field):
        return ChainCommittee.objects.editable_by(self.user)

    def prepare(self, obj):
        if obj.committee_id:
            obj.org_id = obj.committee.org_id


class ChainMeetingScreens(Screens):
    model = ChainMeeting
    title = "联合党委会议"
    columns = ["held_on", "kind", "topic", "committee", "host"]
    export_columns = ["held_on", "kind", "topic", "committee", "place", "host", "attendees",
                      "minutes", "decisions"]
    filters = ["kind", "committee"]
    search = ["topic", "minutes", "decisions"]
    sortable = ["held_on"]
    form_fields = ["committee", "kind", "held_on", "topic", "place", "host", "attendees",
                   "minutes", "decisions"]
    detail_fields = ["committee", "kind", "held_on", "topic", "place", "host", "attendees",
                     "minutes", Col("decisions", "议定事项")]
    select_related = ["committee", "org"]
    importer = ChainMeetingImporter

    @classmethod
    def filterset_class(cls):
        return filterset_with_year(ChainMeeting, cls.filters, "held_on")

