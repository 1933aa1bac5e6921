from mofan.core.excel import Column, Importer
from mofan.core.ledger_views import LedgerImporter, LedgerScreens, ledger_columns
from mofan.core.screens import Col

from .models import Appeal
from .services import do_visit, visit_refusal


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
                      "deadline", Col("closed_on", "办结日期"), "result", Col("state", "状态"),
                      Col("overdue_label", "逾期"), "visit_result"]
    extra_filters = ["source", "category"]
    search = ["title", "words", "place", "citizen"]
    form_fields = ["title", "source", "category", "urgent", "words", "place", "citizen",
                   "contact", "registered_on"]
    detail_fields = ["source", "category", Col("urgent_label", "紧急"), "words", "place", "citizen",
                     Col("contact_masked", "联系电话"), "registered_on", "org", "owner",
                     "owner_unit", "assigned_on", "deadline", "result", "visit_result",
                     "visit_cause"]
    importer = AppealImporter

    @classmethod
    def extra_actions(cls, obj, user):
        return [] if visit_refusal(obj, user) else [("visit", "回访")]

    @classmethod
    def handle_extra(cls, request, obj, action):
        from mofan.core.ledger import LedgerError

        if action != "visit":
            raise LedgerError("未知的操作")
        post = request.POST
        do_visit(obj, actor=request.user, result=post.get("result", ""),
                 cause=post.get("cause", ""), note=post.get("note", ""))

    @classmethod
    def detail_extra(cls, obj, request):
        return {"visit_choices": Appeal.VISIT_CHOICES, "cause_choices": Appeal.CAUSE_CHOICES}
