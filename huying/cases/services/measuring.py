"""What decides whether and how a case counts in the three rates: exclusions (考核核减) and call-backs (回访).

The rates themselves are read by `huying.analytics` from the rows these services write; nothing here counts.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.models import Case, CaseEvent, ExclusionReason
from huying.cases.permissions import require_may, require_ready
from huying.cases.services._core import case_apply, require_text, transition_check
from huying.lib.errors import InvalidInput
from huying.org.models import User


def _reason(value: str) -> str:
    if value not in ExclusionReason.values or value == ExclusionReason.IMPORTED:  # imported: by the ledger alone
        raise InvalidInput(_("请选择核减原因"), field="reason")
    return value


@transaction.atomic
def case_request_exclusion(*, case: Case, by: User, reason: str, note: str, version: int | None = None) -> CaseEvent:
    """Ask to take the case out of the three rates (申请核减), with a reason and why; a supervisor decides."""
    require_may(by, case, "request_exclusion")
    require_ready(case, "request_exclusion")
    reason = _reason(reason)
    note = require_text(note, "note")
    return case_apply(case=case, action="request_exclusion", by=by, version=version, note=note,
                      exclusion_requested=reason, data={"reason": reason})


@transaction.atomic
def case_decide_exclusion(*, case: Case, by: User, approve: bool, note: str = "",
                          version: int | None = None) -> CaseEvent:
    """Approve or refuse the pending exclusion request (核减审批); the approver is not the unit that asked."""
    require_ready(case, "decide_exclusion")
    require_may(by, case, "decide_exclusion")
    if not approve:
        note = require_text(note, "note")  # a refusal says why
    reason = case.exclusion_requested
    asked = case.events.filter(action="request_exclusion").order_by("-created_at", "-pk").first()
    return case_apply(case=case, action="decide_exclusion", by=by, version=version, note=note,
                      exclusion_requested="", exclusion=reason if approve else "",
                      data={"reason": reason, "approved": approve, "requested_by": asked.actor_id if asked else None})


@transaction.atomic
def case_restore_counting(*, case: Case, by: User, note: str, version: int | None = None) -> CaseEvent:
    """Undo an approved exclusion (撤销核减): the case counts again from the next refresh of the rates."""
    require_ready(case, "restore_counting")
    require_may(by, case, "restore_counting")
    note = require_text(note, "note")
    return case_apply(case=case, action="restore_counting", by=by, version=version, note=note, exclusion="",
                      data={"reason": case.exclusion})


def case_record_callback(*, case: Case, by: User, round: int, reached: bool, solved: bool | None,
                         satisfaction: str, note: str = "") -> CaseEvent:
    """Put an operator's call-back (回访) in the case's audit trail; the status does not change.

    The call-back itself is kept by the feedback app, which checks its fields and calls this inside its own
    transaction. The operator's note stays with the call-back: it may quote the resident.
    """
    require_may(by, case, "callback")
    transition_check(case=case, action="callback")
    return CaseEvent.objects.create(
        case=case, action="callback", actor=by, actor_unit=by.unit, from_status=case.status, to_status=case.status,
        data={"round": round, "reached": reached, "solved": solved, "satisfaction": satisfaction},
        created_at=timezone.now(),
    )
