"""创建任务: tasks of the 实施方案 with leader and unit."""

from io import BytesIO

import pytest
from openpyxl import Workbook

from mofan.core import ledger
from mofan.tasks.models import Task
from mofan.tasks.screens import TaskImporter

from .factories import first_task

pytestmark = pytest.mark.usefixtures("ledger_today")


def test_a_task_is_assigned_to_a_unit_with_its_leader(world):
    task = first_task(world)
    ledger.do_assign(task, actor=world.users["admin"], owner=world.head_person,
                     owner_unit=world.section)
    assert task.owner_unit == world.section and task.deadline is not None


def test_task_list_and_detail_render(world):
    task = first_task(world)
    client = world.client("admin")
    assert "规范支部" in client.get("/tasks/items/").content.decode()
    assert client.get(f"/tasks/items/{task.pk}/").status_code == 200


def test_import_attaches_tasks_to_the_campaign_of_their_year(world):
    wb = Workbook()
    ws = wb.active
    ws.append(["事项", "目标", "登记日期", "状态"])
    ws.append(["建设文化长廊", "树新风", "2025-04-01", "登记"])
    ws.append(["没有方案的年份", "树新风", "2019-04-01", "登记"])
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    result = TaskImporter(world.users["admin"]).commit(buf)
    assert [e.column for e in result.errors] == ["登记日期"]
    assert Task.objects.count() == 0
