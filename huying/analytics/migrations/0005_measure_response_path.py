"""Each measure keeps the path of the unit its response counters went to (响应责任单位). Existing measures sent them to
their handler, so they get the handler's path (taking them out stays the exact inverse of having put them in),
and all are marked for the worker: the handler and response rules changed, and imported history stops counting.
"""

from django.db import migrations, models
from django.db.models import F
from django.utils import timezone


def fill(apps, schema_editor):
    CaseMeasure = apps.get_model("analytics", "CaseMeasure")
    CaseMeasure.objects.update(response_path=F("handler_path"), refresh_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0004_bulletins"),
        ("cases", "0009_case_response_unit"),
    ]

    operations = [
        migrations.AddField(
            model_name="casemeasure",
            name="response_path",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
