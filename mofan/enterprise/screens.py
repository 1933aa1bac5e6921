from mofan.core.excel import Column, Importer
from mofan.core.ledger.importer import LedgerImporter, ledger_columns
from mofan.core.ledger.views import DEADLINE, LedgerScreens
from mofan.core.screens import Col, Screens

from .models import Demand, Enterprise, Meeting


class EnterpriseScreens(Screens):
    model = Enterprise
    title = "联系企业"
    columns = ["name", "industry", "contact_name", Col("phone_masked", "联系电话"), "org"]
    search = ["name", "credit_code", "industry"]
    form_fields = ["name", "credit_code", "industry", "contact_name", "phone"]
    detail_fields = ["name", "credit_code", "industry", "contact_name",
                     Col("phone_masked", "联系电话"), "org"]
    select_related = ["org"]
    owned_by_user_org = True


class MeetingScreens(Screens):
    model = Meeting
    title = "政企座谈"
    columns = ["held_on", "kind", "topic", "place", "host"]
    filters = ["kind"]
    search = ["topic", "place"]
    sortable = ["held_on"]
    form_fields = ["kind", "held_on", "topic", "place", "host", "enterprises"]
    select_related = ["org", "host"]
    owned_by_user_org = True


class DemandImporter(LedgerImporter, Importer):
    model = Demand
    columns = ledger_columns(
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
