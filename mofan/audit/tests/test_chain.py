import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from mofan.audit.models import AuditLog
from mofan.audit.services import record, verify_chain


def _rows(n=5):
    return [record("update", label=f"第{i}条", after={"i": i}) for i in range(n)]


def test_intact_chain_verifies(db):
    _rows()
    assert verify_chain()[:3] == (True, None, "")
    call_command("verify_audit")


def test_row_edited_with_raw_sql_is_named(db):
    rows = _rows()
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {AuditLog._meta.db_table} SET user_name = %s WHERE id = %s",
                    ["篡改者", rows[2].pk])
    ok, bad_id, reason, _ = verify_chain()
    assert not ok and bad_id == rows[2].pk and "改动" in reason
    with pytest.raises(CommandError, match=f"#{rows[2].pk}"):
        call_command("verify_audit")


def test_row_removed_with_raw_sql_is_caught_at_the_next_row(db):
    rows = _rows()
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {AuditLog._meta.db_table} WHERE id = %s", [rows[1].pk])
    ok, bad_id, _, _ = verify_chain()
    assert not ok and bad_id == rows[2].pk


def test_application_cannot_edit_or_delete_rows(db):
    row = _rows(1)[0]
    row.user_name = "x"
    with pytest.raises(PermissionDenied):
        row.save()
    with pytest.raises(PermissionDenied):
        row.delete()
    with pytest.raises(PermissionDenied):
        AuditLog.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AuditLog.objects.update(user_name="x")


def test_every_generic_write_leaves_a_row_with_before_and_after(world):
    from django.urls import reverse

    client = world.client("admin")
    person = world.head_person
    data = {"name": "王股长", "gender": "M", "org": world.section.pk, "political_status": "cpc",
            "position": "副股长", "sort": 0, "phone": ""}
    assert client.post(reverse("orgs:person_edit", args=[person.pk]), data).status_code == 302
    row = AuditLog.objects.get(action="update")
    assert row.before["position"] == "股长" and row.after["position"] == "副股长"
    assert row.user_name.endswith("（admin）") and row.ip == "127.0.0.1"


def test_auditor_exports_the_log_and_the_export_is_itself_audited(world):
    _rows(3)
    response = world.client("auditor").get("/audit/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditLog.objects.filter(action="export", object_type="audit.auditlog").exists()


def test_auditor_purges_old_rows_and_the_chain_still_verifies(world):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now() - dt.timedelta(days=400), tick=False):
        old = _rows(3)
    record("update", label="新记录")
    day = timezone.localdate() - dt.timedelta(days=200)
    response = world.client("auditor").post("/audit/purge/", {"before": day.isoformat()})
    assert response.status_code == 302
    assert not AuditLog.objects.filter(pk__in=[r.pk for r in old]).exists()
    assert AuditLog.objects.filter(action="audit_purge").count() == 1
    assert verify_chain()[0]


def test_purging_recent_rows_is_refused(world):
    import datetime as dt

    from django.utils import timezone

    _rows(2)
    day = timezone.localdate() - dt.timedelta(days=30)
    world.client("auditor").post("/audit/purge/", {"before": day.isoformat()})
    assert AuditLog.objects.filter(action="update").count() == 2
    assert not AuditLog.objects.filter(action="audit_purge").exists()


def test_only_the_auditor_may_purge(world):
    for username in ("sysadmin", "secadmin", "admin"):
        assert world.client(username).post("/audit/purge/", {"before": "2000-01-01"}).status_code == 403


def test_removing_the_first_rows_without_a_purge_record_is_caught(db):
    rows = _rows(3)
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {AuditLog._meta.db_table} WHERE id = %s", [rows[0].pk])
    ok, bad_id, _, _ = verify_chain()
    assert not ok and bad_id == rows[1].pk
