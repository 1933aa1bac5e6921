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


def _task_form(**extra):
    return {"pillar": "ethos", "measure": "culture", "title": "建设文化长廊", "content": "",
            "leader": "", "registered_on": "2025-04-01", **extra}


def test_a_task_joins_the_campaign_of_the_year_it_is_registered_in(world):
    from mofan.orgs.models import Campaign

    later = Campaign.objects.create(org=world.organ, year=2024, plan_title="2024年方案")
    client = world.client("admin")
    assert client.post("/tasks/items/new/", _task_form()).status_code == 302
    assert client.post("/tasks/items/new/", _task_form(
        title="往年任务", registered_on="2024-06-03")).status_code == 302
    assert Task.objects.get(title="建设文化长廊").campaign == world.campaign
    assert Task.objects.get(title="往年任务").campaign == later


def test_a_task_of_a_year_without_a_campaign_is_refused_in_chinese(world):
    response = world.client("admin").post("/tasks/items/new/",
                                          _task_form(registered_on="2023-05-06"))
    assert response.status_code == 422
    assert "本机关没有 2023 年的创建活动" in response.content.decode()
    assert not Task.objects.exists()


def test_a_section_heads_task_joins_his_organs_campaign(world):
    response = world.client("head").post("/tasks/items/new/", _task_form())
    assert response.status_code == 302
    assert Task.objects.get().campaign == world.campaign


def test_moving_the_registration_date_to_another_year_moves_the_task_to_that_campaign(world):
    from mofan.orgs.models import Campaign

    task = first_task(world)
    earlier = Campaign.objects.create(org=world.organ, year=2024, plan_title="2024年方案")
    response = world.client("admin").post(f"/tasks/items/{task.pk}/edit/", _task_form(
        title=task.title, registered_on="2024-12-20"))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.campaign == earlier
