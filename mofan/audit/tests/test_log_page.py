"""Issue 9 item 3: the audit log in words, not keys — actions and object types in Chinese,
filters in Chinese, the export too."""

from io import BytesIO

from openpyxl import load_workbook

from mofan.audit.services import record
from mofan.audit.views import action_label, object_type_label
from mofan.core.tests.test_demo_walk import _Page, bad_words


def test_actions_and_object_types_read_in_chinese(world):
    record("login", world.users["admin"], user=world.users["admin"])
    record("transition", object_type="appeals.appeal", object_id="1", label="路灯不亮")
    record("backup", object_type="core.backup", label="备份")
    html = world.client("auditor").get("/audit/").content.decode()
    parsed = _Page()
    parsed.feed(html)
    text = " ".join(parsed.text)
    for word in ("登录", "状态变更", "账号", "民情台账"):
        assert word in text, word
    assert bad_words(parsed.text) == []  # no "accounts.user", "appeals.appeal", "login"
    assert " login " not in f" {text} " and "transition" not in text


def test_an_unknown_action_or_type_never_shows_its_key():
    assert action_label("something_new") == "其他操作"
    assert object_type_label("gone.model") == "其他"
    assert object_type_label("accounts.user") == "账号"


def test_the_log_filters_by_object_type_offered_in_chinese(world):
    record("update", world.organ)
    record("update", world.head_person)
    client = world.client("auditor")
    page = client.get("/audit/").content.decode()
    assert '<option value="orgs.person">人员</option>' in page
    filtered = client.get("/audit/", {"object_type": "orgs.person"})
    labels = {r.object_type for r in filtered.context["page"].object_list}
    assert labels == {"orgs.person"}
    assert "（不限）" in page


def test_the_export_names_actions_and_types_in_chinese(world):
    record("update", world.head_person)
    response = world.client("auditor").get("/audit/", {"export": "xlsx"})
    ws = load_workbook(BytesIO(response.content)).active
    cells = {c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert {"修改", "人员"} <= cells
    assert "orgs.person" not in cells and "update" not in cells
