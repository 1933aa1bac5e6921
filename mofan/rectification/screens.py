from mofan.core.excel import Column, Importer
from mofan.core.ledger.importer import LedgerImporter, ledger_columns
from mofan.core.ledger.views import DEADLINE, LedgerScreens
from mofan.core.screens import Col, Screens

from .models import InspectionRound, Problem, Rule


class InspectionRoundScreens(Screens):
    model = InspectionRound
    title = "巡察轮次"
    columns = ["name", "inspector", "feedback_on", "rectify_by", "org"]
    form_fields = ["name", "inspector", "feedback_on", "rectify_by"]
    select_related = ["org"]
    owned_by_user_org = True


class RuleScreens(Screens):
    model = Rule
    title = "制度台账"
    columns = ["title", "doc_no", "issued_on", "status", "change", "org"]
    filters = ["status", "change"]
    search = ["title", "doc_no"]
    sortable = ["issued_on", "title"]
    form_fields = ["title", "doc_no", "issued_on", "status", "change", "file", "problems"]
    detail_fields = ["title", "doc_no", "issued_on", "status", "change", "org", "file",
                     Col("problem_titles", "对应整改问题")]
    select_related = ["org"]
    owned_by_user_org = True


class ProblemImporter(LedgerImporter, Importer):
    model = Problem
    columns = ledger_columns(
        example="公务接待审批不规范", result_example="已修订公务接待管理办法并执行",
        before=[
            Column("巡察轮次", "inspection_round", required=True, example="县委第三轮巡察"),
            Column("问题类别", "category", required=True, example="制度执行"),
            Column("问题描述", "description", required=True, example="公务接待审批不规范"),
            Column("责任领导", "leader", example="王五"),
            Column("牵头股室", "lead_section", example="办公室"),
            Column("整改措施", "measures", example="修订公务接待管理办法"),
        ])

    def related_queryset(self, model_field):
        if model_field.related_model is InspectionRound:
            return InspectionRound.objects.visible_to(self.user)
        return super().related_queryset(model_field)


class ProblemScreens(LedgerScreens):
    model = Problem
    title = "巡察整改"
    columns = ["title", "inspection_round", "category", "lead_section",
               Col("round_no", "轮次"), *LedgerScreens.common_columns]
    export_columns = ["inspection_round", "category", "description", "leader", "lead_section",
                      "measures", "owner", "owner_unit", "assigned_on", DEADLINE,
                      Col("closed_on", "办结日期"), "result", Col("state", "状态"),
                      Col("overdue_label", "逾期"), "rating", Col("round_no", "轮次")]
    extra_filters = ["inspection_round", "category", "rating"]
    search = ["title", "description", "measures"]
    form_fields = ["inspection_round", "category", "title", "description", "leader",
                   "lead_section", "measures", "registered_on"]
    detail_fields = ["inspection_round", "category", "description", "leader", "lead_section",
                     "measures", "registered_on", "org", "owner", "owner_unit", "assigned_on",
                     DEADLINE, "result", "rating", Col("round_no", "整改轮次"), "parent"]
    select_related = [*LedgerScreens.select_related, "inspection_round", "lead_section"]
    importer = ProblemImporter
    detail_extra_template = "rectification/problem_extra.html"

    @classmethod
    def detail_extra(cls, obj, request):
        # Only rows the reader may open are linked: a next round assigned to another
        # section is not his to open.
        return {"rules": obj.rules.visible_to(request.user),
                "next_rounds": obj.next_rounds.visible_to(request.user)}
