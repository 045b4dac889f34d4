"""The default reminder and escalation policy (催办与升级规则), editable afterwards in the admin.

Every tier: remind the handler when half the time is gone (and an hour before completion), mark the case
overdue and alert the unit's head when a deadline passes, alert the head daily while completion stays
overdue, remind daily while a supervision mark or instruction waits for an answer. A1 (grid, on the spot)
has its own lines: an overdue A1 goes up to the community, on A2's deadlines.
"""

from django.db import migrations

# (kind, action, elapsed_percent, minutes_from_deadline, repeat_minutes, channels, urgent)
DEFAULT_STEPS = (
    ("response", "remind", 50, None, None, "inapp,sms", False),
    ("response", "overdue", None, 0, None, "inapp", False),
    ("response", "alert_head", None, 0, None, "inapp,sms", False),
    ("completion", "remind", 50, None, None, "inapp", False),
    ("completion", "remind", None, -60, None, "inapp,sms,email", False),
    ("completion", "overdue", None, 0, None, "inapp,email", False),
    ("completion", "alert_head", None, 0, None, "inapp,sms,email", False),
    ("completion", "alert_head", None, 1440, 1440, "inapp,email", False),
    ("extension", "remind", 50, None, None, "inapp", False),
    ("extension", "remind", None, -60, None, "inapp,sms", False),
    ("extension", "overdue", None, 0, None, "inapp", False),
    ("extension", "alert_head", None, 0, None, "inapp,sms,email", False),
    ("return_window", "remind", None, -30, None, "inapp", False),
    ("report_back", "remind", 50, None, None, "inapp,sms", False),
    ("report_back", "overdue", None, 0, None, "inapp", False),
    ("report_back", "alert_head", None, 0, None, "inapp,sms", False),
    ("supervision", "remind", None, 1440, 1440, "inapp,sms", False),
)

A1_STEPS = (
    ("response", "remind", 50, None, None, "inapp,sms", True),
    ("response", "overdue", None, 0, None, "inapp", True),
    ("response", "alert_head", None, 0, None, "inapp,sms", True),
    ("response", "escalate", None, 0, None, "inapp,sms", True),
    ("completion", "remind", 50, None, None, "inapp,sms", True),
    ("completion", "overdue", None, 0, None, "inapp", True),
    ("completion", "alert_head", None, 0, None, "inapp,sms", True),
    ("completion", "escalate", None, 0, None, "inapp,sms", True),
)


def _rows(TimerStep, tier, steps, escalate_tier=None):
    return [TimerStep(tier=tier, kind=kind, action=action, elapsed_percent=percent, minutes_from_deadline=minutes,
                      repeat_minutes=repeat, channels=channels, urgent=urgent,
                      escalate_tier=escalate_tier if action == "escalate" else None)
            for kind, action, percent, minutes, repeat, channels, urgent in steps]


def load(apps, schema_editor):
    TimerStep = apps.get_model("catalog", "TimerStep")
    Tier = apps.get_model("catalog", "Tier")
    if TimerStep.objects.exists():
        return
    TimerStep.objects.bulk_create(_rows(TimerStep, None, DEFAULT_STEPS))
    a1, a2 = Tier.objects.filter(code="A1").first(), Tier.objects.filter(code="A2").first()
    if a1 is not None:
        TimerStep.objects.bulk_create(_rows(TimerStep, a1, A1_STEPS, escalate_tier=a2))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_timerstep")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
