"""Cases that existed before the ledger get a measure row due now: the worker counts them on its first pass."""

from django.db import migrations
from django.utils import timezone


def mark(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseMeasure = apps.get_model("analytics", "CaseMeasure")
    now = timezone.now()
    ids = Case.objects.values_list("pk", flat=True).order_by("pk")
    batch = []
    for pk in ids.iterator(chunk_size=5000):
        batch.append(CaseMeasure(case_id=pk, refresh_at=now))
        if len(batch) >= 5000:
            CaseMeasure.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    CaseMeasure.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_measures_and_rollups")]
    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
