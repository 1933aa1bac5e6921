from django.db import migrations

# A copy of models.DEFAULT_KINDS as it was when this migration was written.
DEFAULT_KINDS = [
    ("epidemic", "疫情防控"),
    ("sanitation", "环境卫生整治"),
    ("policy", "政策宣讲"),
    ("traffic", "交通秩序维护"),
    ("civilization", "文明创建"),
    ("rural", "乡村振兴"),
    ("survey", "调研走访"),
    ("other", "其他"),
]


def forwards(apps, schema_editor):
    Org = apps.get_model("orgs", "Org")
    ServiceKind = apps.get_model("community", "ServiceKind")
    for organ in Org.objects.filter(kind="organ"):
        have = set(ServiceKind.objects.filter(org=organ).values_list("code", flat=True))
        ServiceKind.objects.bulk_create(
            ServiceKind(org=organ, code=code, name=name, sort=i)
            for i, (code, name) in enumerate(DEFAULT_KINDS) if code not in have)


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
