"""Deadlines from the tier and request type, on the configured working calendar."""

import datetime as dt
from dataclasses import dataclass

from huying.catalog.calendar import calendar_current
from huying.catalog.models import RequestType, Tier, TierDeadline


@dataclass(frozen=True)
class Deadlines:
    response_due_at: dt.datetime
    completion_due_at: dt.datetime


def deadlines_for(*, tier: Tier, request_type: RequestType, start: dt.datetime) -> Deadlines:
    """Response and completion deadlines for work starting at `start`; a type's override beats the tier."""
    spec = TierDeadline.objects.filter(tier=tier, request_type=request_type).first() or tier
    calendar = calendar_current()
    return Deadlines(
        response_due_at=calendar.add(start, spec.response_amount, spec.response_unit),
        completion_due_at=calendar.add(start, spec.completion_amount, spec.completion_unit),
    )
