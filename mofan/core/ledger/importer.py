"""Excel import of a ledger: existing ledgers keep their state and dates (a closed item
keeps its 办结日期); each row enters through ``register_item`` with an "导入" event."""

import datetime as dt

from django.utils import timezone

from mofan.core.excel import CellError, Column, parse_date
from mofan.core.scoping import HEAD, ORG_ADMIN
from mofan.orgs.models import Org, Person

from .deadlines import due_date
from .engine import register_item, set_deadline
from .states import CLOSED, IN_PROGRESS, REGISTERED, STATE_CHOICES, SUBMITTED


def _closing_time(value):
    day = parse_date(value)
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(17, 30)))


def ledger_columns(before=(), after=(), *, example="县图书馆周末开放时间咨询",
                   result_example="已答复，群众表示理解"):
    """The common 台账 columns of an import template around a ledger's own ones; the
    ledger names its own example item."""
    return [
        Column("事项", "title", required=True, example=example),
        *before,
        Column("登记日期", "registered_on", required=True, example="2025-03-05"),
        Column("状态", "state", required=True, example="已销号",
               choices=[label for _, label in STATE_CHOICES]),
        Column("责任人", "owner", example="张三"),
        Column("责任单位", "owner_unit", example="办公室"),
        Column("交办日期", "assigned_on", example="2025-03-05"),
        Column("办理时限", "deadline", example="2025-03-10"),
        Column("办结日期", "closed_at", parse=_closing_time, example="2025-03-08"),
        Column("办理结果", "result", example=result_example),
        *after,
    ]


class LedgerImporter:
    """Mixin for an ``excel.Importer`` of a ledger."""

    def related_queryset(self, model_field):
        organ = self.user.org.organ_id if self.user.org_id else None
        if model_field.related_model is Person:
            return Person.objects.filter(org__organ_id=organ)
        if model_field.related_model is Org:
            return Org.objects.filter(organ_id=organ)
        return super().related_queryset(model_field)

    def prepare(self, obj):
        user = self.user
        if user.role not in (ORG_ADMIN, HEAD) or not user.org_id:
            raise CellError("只有单位管理员或负责人可以导入台账")
        obj.org = user.org
        self.prepare_ledger(obj)
        if obj.state == REGISTERED:
            obj.owner = obj.owner_unit = obj.assigned_on = obj.deadline = None
            obj.closed_at = None
            return
        if obj.owner_id is None:
            raise CellError("已交办的事项须填写责任人", "责任人")
        if obj.owner_unit_id is None:
            obj.owner_unit = obj.owner.org
        obj.assigned_on = obj.assigned_on or obj.registered_on
        if obj.assigned_on < obj.registered_on:
            raise CellError("交办日期不能早于登记日期", "交办日期")
        if obj.deadline is None:  # the calendar never refuses: provisional at worst
            set_deadline(obj, due_date(obj, obj.assigned_on))
        start = timezone.make_aware(dt.datetime.combine(obj.assigned_on, dt.time(9)))
        if obj.state in (IN_PROGRESS, SUBMITTED, CLOSED):
            obj.accepted_at = start
        if obj.state in (SUBMITTED, CLOSED) and not obj.result:
            raise CellError("申请销号或已销号的事项须填写办理结果", "办理结果")
        if obj.state == CLOSED:
            if obj.closed_at is None:
                raise CellError("已销号的事项须填写办结日期", "办结日期")
            done = timezone.localdate(obj.closed_at)
            if done < obj.assigned_on:
                raise CellError("办结日期不能早于交办日期", "办结日期")
            obj.submitted_at = obj.closed_at
            obj.closed_on_time = done <= obj.deadline
            obj.days_to_close = (done - obj.assigned_on).days
        else:
            if obj.closed_at is not None:
                raise CellError("未销号的事项不应填写办结日期", "办结日期")
            if obj.state == SUBMITTED:
                obj.submitted_at = timezone.now()

    def prepare_ledger(self, obj):
        """Hook: the ledger's own fields the sheet does not carry."""

    def save_object(self, obj):
        register_item(obj, actor=self.user, action="import",
                      note=f"从 Excel 导入，导入时状态为“{obj.state_label}”")
