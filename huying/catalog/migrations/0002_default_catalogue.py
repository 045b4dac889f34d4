"""Default catalogue: the category tree, the six request types, the tiers and the working day.

Keyed by code and written with update_or_create, so a database that already has some of these rows (an
earlier install, a hand-made catalogue) is brought to the defaults instead of failing on a duplicate code.
"""

import csv
import datetime as dt
from pathlib import Path

from django.db import migrations

CATEGORIES_CSV = Path(__file__).resolve().parent.parent / "data" / "default_categories.csv"

REQUEST_TYPES = (
    ("consult", "咨询", "Consultation"),
    ("help", "求助", "Request for help"),
    ("complaint", "投诉", "Complaint"),
    ("report", "举报", "Report"),
    ("suggestion", "建议", "Suggestion"),
    ("praise", "表扬", "Praise"),
)

# Wuhan Jiang'an's tiered-response list (分级响应清单): A1 the grid worker solves on the spot, A2 the
# community, B the street, C a district department, D the city. (code, name, name_en, level, response, completion)
TIERS = (
    ("A1", "网格即办", "Grid: solved on the spot", "grid", (10, "minutes"), (30, "minutes")),
    ("A2", "社区办理", "Community", "community", (30, "minutes"), (2, "hours")),
    ("B", "街道办理", "Street", "street", (2, "hours"), (1, "working_days")),
    ("C", "区级部门办理", "District department", "district", (1, "working_days"), (5, "working_days")),
    ("D", "市级协调办理", "City coordination", "city", (1, "working_days"), (10, "working_days")),
)

WORKING_PERIODS = ((dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30)))


def load_categories(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    with CATEGORIES_CSV.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    # The historical model has no custom save(), so the level is set here; parents come first in the file.
    saved = {}
    for sort, row in enumerate(rows):
        parent = saved[row["parent_code"]] if row["parent_code"] else None
        saved[row["code"]], _ = Category.objects.update_or_create(code=row["code"], defaults={
            "parent": parent, "level": parent.level + 1 if parent else 1, "name": row["name"],
            "name_en": row["name_en"], "keywords": row["keywords"], "active": row["active"] == "1", "sort": sort,
        })


def load_request_types(apps, schema_editor):
    RequestType = apps.get_model("catalog", "RequestType")
    for sort, (code, name, name_en) in enumerate(REQUEST_TYPES):
        RequestType.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "sort": sort})


def load_tiers(apps, schema_editor):
    Tier = apps.get_model("catalog", "Tier")
    for sort, (code, name, name_en, level, response, completion) in enumerate(TIERS):
        Tier.objects.update_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "handling_level": level,
            "response_amount": response[0], "response_unit": response[1],
            "completion_amount": completion[0], "completion_unit": completion[1],
            "return_window_hours": 2, "sort": sort,
        })


def load_working_periods(apps, schema_editor):
    WorkingPeriod = apps.get_model("catalog", "WorkingPeriod")
    if WorkingPeriod.objects.exists():
        return  # an administrator's own working day wins over ours
    for start, end in WORKING_PERIODS:
        WorkingPeriod.objects.create(start=start, end=end)


def load_defaults(apps, schema_editor):
    for load in (load_categories, load_request_types, load_tiers, load_working_periods):
        load(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_defaults, migrations.RunPython.noop),
    ]
