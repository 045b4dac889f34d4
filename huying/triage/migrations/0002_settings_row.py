from django.db import migrations


def settings_row_create(apps, schema_editor):
    apps.get_model("triage", "TriageSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_triage_models_and_settings")]

    operations = [migrations.RunPython(settings_row_create, migrations.RunPython.noop)]
