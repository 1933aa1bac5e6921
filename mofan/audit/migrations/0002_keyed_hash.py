"""The audit chain becomes keyed (HMAC-SHA256, key outside the database).

Rows already written keep their unkeyed SHA-256 hashes (version 1) untouched; one keyed
row is appended that seals them (see mofan/audit/chain.py). Nothing is re-hashed, so
whatever the old chain proved (or failed to prove) stays visible to verify_audit.
"""

from django.db import migrations, models

from mofan.audit.chain import seal_legacy_rows


def seal(apps, schema_editor):
    seal_legacy_rows(apps.get_model("audit", "AuditLog"))


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        # Every existing row is version 1; rows written from now on are version 2.
        migrations.AddField(
            model_name="auditlog",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "SHA-256（未加密钥，旧版）"), (2, "HMAC-SHA256")], default=1,
                verbose_name="哈希算法"),
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "SHA-256（未加密钥，旧版）"), (2, "HMAC-SHA256")], default=2,
                verbose_name="哈希算法"),
        ),
        migrations.RunPython(seal, migrations.RunPython.noop),
    ]
