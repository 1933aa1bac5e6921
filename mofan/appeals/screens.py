from mofan.core.excel import Column, Importer
from mofan.core.ledger.importer import LedgerImporter, ledger_columns
from mofan.core.ledger.views import DEADLINE, LedgerScreens
from mofan.core.screens import Col, PhoneCol

from .models import Appeal


class AppealImporter(LedgerImporter, Importer):
    model = Appeal
    columns = ledger_columns(
        before=[
            Column("来源", "source", required=True, example="听民声"),
            Column("类别", "category", required=True, example="咨询"),
            Column("群众诉求", "words", required=True, example="图书馆周末几点开门？"),
            Column("地点（社区/村）", "place", example="城关镇东街社区"),
            Column("反映人", "citizen", example="李女士"),
            Column("联系电话", "contact", example="13800001234"),
        ])


class AppealScreens(LedgerScreens):
    model = Appeal
    title = "民情台账"
    columns = ["title", "source", "category", "place", *LedgerScreens.common_columns]
    export_columns = ["registered_on", "source", "citizen", Col("contact_masked", "联系电话"),
                      "place", "category", "words", "owner", "owner_unit", "assigned_on",
                      DEADLINE, Col("closed_on", "办结日期"), "result", Col("state", "状态"),
                      Col("overdue_label", "逾期"), "visit_result"]
    extra_filters = ["source", "category"]
    search = ["title", "words", "place", "citizen"]
    form_fields = ["title", "source", "category", "urgent", "words", "place", "citizen",
                   "contact", "registered_on"]
    detail_fields = ["source", "category", Col("urgent_label", "紧急"), "words", "place", "citizen",
                     PhoneCol("contact", "联系电话"), "registered_on", "org", "owner",
                     "owner_unit", "assigned_on", DEADLINE, "result", "visit_result",
                     "visit_cause"]
    importer = AppealImporter
    phone_people = ("owner_id",)  # the 责任人 calls the citizen back (回访)

