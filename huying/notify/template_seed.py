"""The default wordings as editable rows: after every migrate, each (template, language) missing gets one.

An existing row is never overwritten: it may hold an administrator's wording.
"""

from typing import Any

from django.apps import apps as global_apps

from huying.notify.templates import SUBJECTS, TEXTS


def message_templates_seed(*, using: str = "default", apps: Any = global_apps, **_signal: Any) -> int:
    """Create the missing MessageTemplate rows with the default subject and text; returns how many."""
    try:
        model = apps.get_model("notify", "MessageTemplate")
    except LookupError:  # migrated back to before the table existed
        return 0
    have = set(model.objects.using(using).values_list("code", "language"))
    missing = [model(code=code, language=language, subject=SUBJECTS[code][language], text=text)
               for code, texts in TEXTS.items() for language, text in texts.items() if (code, language) not in have]
    # ignore_conflicts: two migrate runs at once both see a row missing; the unique constraint keeps one.
    model.objects.using(using).bulk_create(missing, ignore_conflicts=True)
    return len(missing)
