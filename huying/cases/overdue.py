"""One definition of "due" and "overdue" (超时), shared by the queues, the map, the wall screen and, later,
the timers: the running deadline is the response deadline until the case is accepted (签收 is the response),
then the completion deadline; it runs only while a unit holds the case (a returned case waits for a new
dispatch, a received one for its first)."""

import datetime as dt

from django.db.models import Case as SqlCase
from django.db.models import F, Q, When

from huying.cases.models import Case
from huying.cases.workflow import Status

S = Status
TO_ACCEPT = (S.DISPATCHED, S.ESCALATED, S.REOPENED)  # 待签收
IN_HAND = (S.ACCEPTED, S.IN_PROGRESS, S.SUMMONED, S.EXTENSION_REQUESTED)  # 处置中
TIMED = TO_ACCEPT + IN_HAND


def running_deadline_between(start: dt.datetime, end: dt.datetime) -> Q:
    """The running deadline falls in [start, end)."""
    return Q(status__in=TIMED) & (
        Q(responded_at__isnull=True, response_due_at__gte=start, response_due_at__lt=end)
        | Q(responded_at__isnull=False, completion_due_at__gte=start, completion_due_at__lt=end))


def overdue_q(now: dt.datetime) -> Q:
    """Held by a unit and past its running deadline."""
    return Q(status__in=TIMED) & (Q(responded_at__isnull=True, response_due_at__lt=now)
                                  | Q(responded_at__isnull=False, completion_due_at__lt=now))


def running_deadline_expr() -> SqlCase:
    """current_deadline as a column expression, to sort by."""
    return SqlCase(When(responded_at__isnull=True, then=F("response_due_at")), default=F("completion_due_at"))


def current_deadline(case: Case) -> dt.datetime | None:
    """The deadline in force whatever the status: response until accepted, then completion."""
    return case.response_due_at if case.responded_at is None else case.completion_due_at


def running_deadline(case: Case) -> dt.datetime | None:
    """The current deadline while a unit holds the case; None while nobody is on the clock."""
    return current_deadline(case) if case.status in TIMED else None


def is_overdue(case: Case, now: dt.datetime) -> bool:
    due = running_deadline(case)
    return due is not None and due < now
