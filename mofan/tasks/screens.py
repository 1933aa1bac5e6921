from mofan.core.excel import Column, Importer
from mofan.core.ledger.importer import LedgerImporter, ledger_columns
from mofan.core.ledger.views import DEADLINE, LedgerScreens
from mofan.core.screens import Col

from .models import Task


class TaskImporter(LedgerImporter, Importer):
    model = Task
    columns = ledger_columns(
        example="每季度开展一次支部书记述职", result_example="已开展四次述职，材料已归档",
        before=[
            Column("目标", "pillar", required=True, example="强党建"),
            Column("措施", "measure", example="基层党组织建设"),
            Column("任务内容", "content", example="每季度开展一次支部书记述职"),
            Column("责任领导", "leader", example="王五"),
        ])
    # The campaign follows the 登记日期's year (Task.clean), as in the form.


class TaskScreens(LedgerScreens):
    model = Task
    title = "创建任务"
    columns = ["title", "pillar", "measure", "leader", *LedgerScreens.common_columns]
    export_columns = ["pillar", "measure", "title", "content", "leader", "owner", "owner_unit",
                      "assigned_on", DEADLINE, Col("closed_on", "办结日期"), "result",
                      Col("state", "状态"), Col("overdue_label", "逾期")]
    extra_filters = ["campaign", "pillar", "measure"]
    search = ["title", "content"]
    form_fields = ["pillar", "measure", "title", "content", "leader", "registered_on"]
    detail_fields = ["campaign", "pillar", "measure", "content", "leader", "registered_on",
                     "org", "owner", "owner_unit", "assigned_on", DEADLINE, "result"]
    select_related = [*LedgerScreens.select_related, "leader"]
    importer = TaskImporter
