"""A roll starts 未点名; 缺席 carries its kind (请假 / 公差 / 其他 + text).

Rows already recorded keep their status: nobody can tell today whether an old 出席 was
ticked or only defaulted. Old 缺席 rows get a kind read from their free-text reason
("病假" → 请假, "出差" → 公差, anything else → 其他 with the text kept; an absence
recorded without any reason reads "原记录未填写原因").
"""

from django.db import migrations, models

LEAVE_WORDS = ("假",)
DUTY_WORDS = ("出差", "公差", "公务", "下乡", "督导", "培训", "会议", "外出", "值班", "检查")
NO_REASON = "原记录未填写原因"


def kind_of(reason):
    if any(w in reason for w in LEAVE_WORDS):
        return "leave"
    if any(w in reason for w in DUTY_WORDS):
        return "duty"
    return "other"


def classify_absences(apps, schema_editor):
    Attendance = apps.get_model("study", "Attendance")
    Attendance.objects.exclude(status="absent").exclude(makeup_on=None).update(makeup_on=None)
    changed = []
    for a in Attendance.objects.filter(status="absent").only("id", "reason"):
        a.reason = a.reason.strip() or NO_REASON
        a.absence = kind_of(a.reason)
        changed.append(a)
    Attendance.objects.bulk_update(changed, ["absence", "reason"], batch_size=1000)


def unclassify(apps, schema_editor):
    Attendance = apps.get_model("study", "Attendance")
    Attendance.objects.filter(status="untaken").update(status="present")
    Attendance.objects.filter(reason=NO_REASON).update(reason="")


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
        ('study', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='attendance',
            name='absence',
            field=models.CharField(blank=True, choices=[('leave', '请假'), ('duty', '公差'), ('other', '其他')], max_length=10, verbose_name='缺席原因'),
        ),
        migrations.AlterField(
            model_name='attendance',
            name='reason',
            field=models.CharField(blank=True, help_text='如：病假、下乡督导；原因为“其他”时必填', max_length=100, verbose_name='缺席说明'),
        ),
        migrations.AlterField(
            model_name='attendance',
            name='status',
            field=models.CharField(choices=[('untaken', '未点名'), ('present', '出席'), ('absent', '缺席')], default='untaken', max_length=10, verbose_name='出勤'),
        ),
        migrations.RunPython(classify_absences, unclassify),
        migrations.AddConstraint(
            model_name='attendance',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('absence__in', ['leave', 'duty', 'other']), ('status', 'absent')), models.Q(models.Q(('status', 'absent'), _negated=True), ('absence', '')), _connector='OR'), name='attendance_absence_has_kind'),
        ),
        migrations.AddConstraint(
            model_name='attendance',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('absence', 'other'), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='attendance_other_absence_explained'),
        ),
        migrations.AddConstraint(
            model_name='attendance',
            constraint=models.CheckConstraint(condition=models.Q(('makeup_on__isnull', True), ('status', 'absent'), _connector='OR'), name='attendance_makeup_only_when_absent'),
        ),
    ]
