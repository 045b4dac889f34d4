"""What the deadline timers write (自动督办): reminders, overdue marks and head alerts as audit events, and the
automatic escalation of an overdue case. Called by the worker only; no person is offered these actions.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from huying.cases.deadlines import deadlines_for
from huying.cases.models import Case, CaseEvent
from huying.cases.services._core import case_apply, transition_check
from huying.cases.services.handling import unit_above
from huying.catalog.models import Tier
from huying.org.models import Unit


def case_timer_event(*, case: Case, action: str, unit: Unit | None, key: str, data: dict[str, Any]) -> CaseEvent | None:
    """Write a timer's event once: `key` names the (deadline, step, occurrence); None when it was written before.

    The status and the version stay as they are: a reminder arriving must not turn the handler's open form
    into a version conflict.
    """
    transition_check(case=case, action=action)
    if _taken(case, action, key):
        return None
    return CaseEvent.objects.create(
        case=case, action=action, actor=None, actor_unit=None, from_status=case.status, to_status=case.status,
        unit=unit, data={**data, "timer": key}, created_at=timezone.now(),
    )


@transaction.atomic
def case_auto_escalate(*, case: Case, key: str, tier: Tier | None, data: dict[str, Any]) -> CaseEvent | None:
    """Move an overdue case one level up (超时自动上报): grid → community → street, others to the command centre.

    The unit above must sign for it (待签收) and its deadlines start again from now, on `tier` (the policy's
    choice, e.g. A2 for an overdue A1) or the case's own tier. None when this step was taken before.
    """
    transition_check(case=case, action="auto_escalate")
    if _taken(case, "auto_escalate", key):
        return None
    above = unit_above(case.current_unit, case)
    if above.pk == case.current_unit_id:  # the command centre has nobody above it within the district
        return None
    tier = tier or case.tier
    changes: dict[str, Any] = {"current_unit": above, "tier": tier, "dispatched_at": timezone.now(),
                               "responded_at": None, "extended_at": None}
    if tier is not None:
        due = deadlines_for(tier=tier, request_type=case.request_type, start=changes["dispatched_at"])
        changes.update(response_due_at=due.response_due_at, completion_due_at=due.completion_due_at)
    return case_apply(case=case, action="auto_escalate", by=None, unit=above,
                      data={**data, "timer": key, "from_unit": case.current_unit_id,
                            "tier": tier.code if tier else None}, **changes)


def _taken(case: Case, action: str, key: str) -> bool:
    """This step (deadline, policy line, occurrence) has its event already: a re-armed timer or a restarted
    worker must not take it twice."""
    return CaseEvent.objects.filter(case=case, action=action, data__timer=key).exists()
