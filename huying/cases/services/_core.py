"""What every case service shares: the transition check, the optimistic lock and the audit event."""

from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.cases.models import Case, CaseEvent, EventAttachment
from huying.cases.timers import timers_sync
from huying.cases.workflow import Status, transition_target
from huying.lib.errors import InvalidInput, NotAllowed, VersionConflict
from huying.org.models import Unit, User

# Actions that ask for an answer or watch the work, rather than answer it.
OVERSIGHT_ACTIONS = frozenset({"supervise", "lift_supervision", "instruct", "convene", "video"})
# Moves that hand the awaited response to the unit the case goes to without a new deadline: a unit returning a
# wrongly dispatched case (退单) answered the dispatch by sending it back. Any other move keeps the response with
# the unit the deadline was given to (上报: a missed response stays with the unit that missed it).
RESPONSE_FOLLOWS_CASE = frozenset({"return"})

FIELD_LABELS = {
    "reason": gettext_lazy("原因"), "result": gettext_lazy("办理结果"), "note": gettext_lazy("说明"),
    "report": gettext_lazy("报到情况"), "description": gettext_lazy("诉求内容"),
    "instruction": gettext_lazy("批示内容"),
}


def require_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("请填写%(field)s") % {"field": FIELD_LABELS.get(field, field)}, field=field)
    return value


def transition_check(*, case: Case, action: str) -> str:
    """The status `action` leads to from the case's status; NotAllowed when the workflow table forbids it."""
    to_status = transition_target(action, case.status)
    if to_status is None:
        raise NotAllowed(
            _("当前状态“%(status)s”下不能执行此操作") % {"status": Status(case.status).label},
            code="transition_not_allowed",
        )
    return to_status


def case_apply(
    *,
    case: Case,
    action: str,
    by: User | None,
    version: int | None = None,
    note: str = "",
    unit: Unit | None = None,
    data: dict[str, Any] | None = None,
    attachments: Iterable = (),
    target: str | None = None,
    **changes: Any,
) -> CaseEvent:
    """Move `case` by `action` (as the workflow table allows), save `changes`, write the event.

    Must run inside a transaction. `version`, when the caller read the case earlier, must still be current.
    """
    allowed = transition_check(case=case, action=action)
    to_status = target or allowed
    expected = case.version if version is None else version
    now = timezone.now()
    if _answers_oversight(case, action, by) and "awaiting_reply_since" not in changes:
        changes["awaiting_reply_since"] = None
    _response_unit_keep(case, action, changes)
    # Conditional update = optimistic lock: a concurrent writer bumped the version and we match 0 rows.
    updated = Case.objects.filter(pk=case.pk, version=expected).update(
        status=to_status, version=F("version") + 1, updated_at=now, **changes
    )
    if updated != 1:
        raise VersionConflict(_("工单已被他人修改，请刷新后重试"))
    from_status = case.status
    for field, value in changes.items():
        setattr(case, field, value)
    case.status, case.version, case.updated_at = to_status, expected + 1, now
    event = CaseEvent.objects.create(
        case=case, action=action, actor=by, actor_unit=getattr(by, "unit", None), from_status=from_status,
        to_status=to_status, unit=unit, note=note, data=data or {}, created_at=now,
    )
    for upload in attachments:
        EventAttachment.objects.create(event=event, file=upload, name=getattr(upload, "name", ""))
    timers_sync(case)
    return event


def _response_unit_keep(case: Case, action: str, changes: dict[str, Any]) -> None:
    """Put the response unit (响应责任单位) in `changes` when this change gives the response to a unit: a new
    response deadline belongs to the unit the case goes to in the same change, else to the one holding it."""
    if "response_unit" in changes:
        return
    if "response_due_at" in changes:
        changes["response_unit"] = changes["current_unit"] if "current_unit" in changes else case.current_unit
    elif action in RESPONSE_FOLLOWS_CASE and "current_unit" in changes and case.response_due_at is not None:
        changes["response_unit"] = changes["current_unit"]


def _answers_oversight(case: Case, action: str, by: User | None) -> bool:
    """The handling unit acting on a case that waits for its answer to a supervision mark or instruction."""
    return (case.awaiting_reply_since is not None and by is not None and by.unit_id is not None
            and by.unit_id == case.current_unit_id and action not in OVERSIGHT_ACTIONS)
