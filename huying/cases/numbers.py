"""Public case numbers: prefix + date + a per-day sequence, e.g. HY20261122000123."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from huying.cases.models import CaseNumberCounter
from huying.lib.workcal import SHANGHAI


def case_number_next(now: dt.datetime) -> str:
    """Take the next number of the day; must run inside the caller's transaction."""
    day = now.astimezone(SHANGHAI).date()
    try:
        with transaction.atomic():  # savepoint: a racing first-of-the-day insert must not poison the caller
            CaseNumberCounter.objects.get_or_create(day=day)
    except IntegrityError:
        pass
    # The increment is a single UPDATE, so concurrent writers serialise on the row lock.
    CaseNumberCounter.objects.filter(day=day).update(last=F("last") + 1)
    last = CaseNumberCounter.objects.get(day=day).last
    return f"{settings.HUYING['CASE_NUMBER_PREFIX']}{day:%Y%m%d}{last:06d}"
