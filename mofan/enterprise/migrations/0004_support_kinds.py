from django.db import migrations

# The kinds the reference year-end summary names; the 机关工委 may add more.
KINDS = [
    ("equipment_loan", "设备贷款", True),
    ("caiyuan_credit", "财园信贷通", True),
    ("finance", "金融支持", True),
    ("power_subsidy", "电费补贴", False),
    ("voucher", "文旅消费券", False),
    ("other", "其他", False),
]


def seed(apps, schema_editor):
    SupportKind = apps.get_model("enterprise", "SupportKind")
    for sort, (code, name, financing) in enumerate(KINDS, 1):
        SupportKind.objects.get_or_create(code=code, defaults={
            "name": name, "financing": financing, "sort": sort * 10})


class Migration(migrations.Migration):

    dependencies = [("enterprise", "0003_chain_committee_support_vouchers")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
