"""The unit answerable for the response deadline (响应责任单位). Existing cases with a response deadline get the unit
holding them: the best guess left, since the escalations that moved them kept no record of whose deadline it was
(an audit trail replay could do better, at a cost no city asked for). "imported" joins the exclusion reasons."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(response_due_at__isnull=False, response_unit__isnull=True).update(
        response_unit=F("current_unit"))


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_case_public_and_exclusion_indexes'),
        ('org', '0004_user_head_language'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='response_unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='响应责任单位'),
        ),
        migrations.AlterField(
            model_name='case',
            name='exclusion',
            field=models.CharField(blank=True, choices=[('invalid', '无效诉求'), ('malicious', '恶意诉求'), ('duplicate', '重复诉求'), ('out_of_jurisdiction', '非本辖区或超出职责'), ('other', '其他'), ('imported', '历史导入')], max_length=24, verbose_name='核减原因'),
        ),
        migrations.AlterField(
            model_name='case',
            name='exclusion_requested',
            field=models.CharField(blank=True, choices=[('invalid', '无效诉求'), ('malicious', '恶意诉求'), ('duplicate', '重复诉求'), ('out_of_jurisdiction', '非本辖区或超出职责'), ('other', '其他'), ('imported', '历史导入')], max_length=24, verbose_name='申请核减原因'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
