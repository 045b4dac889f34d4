"""Each measure keeps its handler's path, the units its rollup contributions went to; existing measures get the
handler's path as it is now (the paths their contributions were computed from, unless a unit moved since)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    CaseMeasure = apps.get_model("analytics", "CaseMeasure")
    Unit = apps.get_model("org", "Unit")
    path = Subquery(Unit.objects.filter(pk=OuterRef("handler_id")).values("path")[:1])
    CaseMeasure.objects.filter(handler_id__isnull=False).update(handler_path=Coalesce(path, Value("")))


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_mark_existing_cases"),
        ("org", "0004_user_head_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="casemeasure",
            name="handler_path",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
