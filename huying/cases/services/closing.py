"""Ending a case's life, or giving it a second one: close, reopen, merge, invalidate."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.deadlines import deadlines_for
from huying.cases.models import Case, CaseEvent
from huying.cases.permissions import require_may
from huying.cases.selectors import cases_visible_to
from huying.cases.services._core import case_apply, require_text, transition_check
from huying.cases.workflow import ACTIVE
from huying.lib.errors import InvalidInput, NotAllowed
from huying.org.models import User


@transaction.atomic
def case_close(*, case: Case, by: User, note: str = "", version: int | None = None) -> Case:
    """Archive a resolved case (归档)."""
    require_may(by, case, "close")
    case_apply(case=case, action="close", by=by, version=version, note=note, closed_at=timezone.now())
    return case


@transaction.atomic
def case_reopen(*, case: Case, by: User, reason: str, version: int | None = None) -> Case:
    """Send a resolved case back to its unit (重办); the completion clock starts again."""
    require_may(by, case, "reopen")
    reason = require_text(reason, "reason")
    return _reopen(case=case, by=by, reason=reason, data={}, version=version)


def _reopen(*, case: Case, by: User | None, reason: str, data: dict, version: int | None = None) -> Case:
    now = timezone.now()
    changes: dict[str, Any] = {"reopen_count": case.reopen_count + 1, "resolved_at": None, "closed_at": None,
                               "dispatched_at": now, "extended_at": None}
    if case.tier is not None:
        due = deadlines_for(tier=case.tier, request_type=case.request_type, start=now)
        changes["completion_due_at"] = due.completion_due_at
        # The response was given (and judged, 响应率) against the deadline it had: a reopen restarts the work,
        # not the response, so a late response does not turn on time by getting a later deadline.
        if case.responded_at is None:
            changes["response_due_at"] = due.response_due_at
    case_apply(case=case, action="reopen", by=by, version=version, note=reason, unit=case.current_unit, data=data,
               **changes)
    return case


@transaction.atomic
def case_reopen_by_resident(*, case: Case, reason: str, window_days: int, limit: int) -> Case:
    """The person who raised the case says it was not solved (重办): at most `limit` times, within `window_days`.

    The caller has proved who they are (tracking link, or number plus the phone's last four digits).
    """
    reason = require_text(reason, "reason")
    if feedback_reopens(case) >= limit:
        raise NotAllowed(_("该工单已重办过，不能再次申请重办"), code="reopen_limit_reached")
    if not reopen_window_open(case, window_days, now=timezone.now()):
        raise NotAllowed(_("已超过可申请重办的期限"), code="reopen_window_passed")
    return _reopen(case=case, by=None, reason=reason, data={"by_resident": True})


def reopen_window_open(case: Case, window_days: int, *, now: dt.datetime) -> bool:
    """Resolved no more than `window_days` ago: the resident's voice may still send the case back (重办)."""
    return case.resolved_at is not None and now <= case.resolved_at + dt.timedelta(days=window_days)


def feedback_reopens(case: Case) -> int:
    """How many times the resident's voice sent the case back: their own requests, and reopens made by a "not
    solved" rating or call-back. One count, so the policy's limit is shared by all of them."""
    return case.events.filter(action="reopen").filter(Q(data__by_resident=True) | Q(data__has_key="after")).count()


def case_reopen_after_feedback(*, case: Case, by: User | None, source: str, limit: int, window_days: int) -> bool:
    """A rating or call-back said "not solved": send the case back (重办) unless `limit` such reopens were made or
    the case was resolved more than `window_days` ago (the resident's own reopen window).

    Runs inside the caller's transaction, after the evaluation was recorded; a late evaluation still counts, it
    only does not bring an archived case back months later. Reopens asked by the resident and those made by an
    evaluation share the limit, so a case is not sent round for ever. False when not reopened.
    """
    if case.status not in ("resolved", "closed"):
        return False
    if not reopen_window_open(case, window_days, now=timezone.now()):
        return False
    if feedback_reopens(case) >= limit:
        return False
    reason = _("回访反映问题未解决") if source == "callback" else _("诉求人评价问题未解决")
    data: dict[str, Any] = {"after": source}
    if source == "resident":
        data["by_resident"] = True
    _reopen(case=case, by=by, reason=str(reason), data=data)
    return True


def case_record_rating(*, case: Case, round: int, scores: dict[str, int], solved: bool, source: str) -> CaseEvent:
    """Put a rating of one handling round (一事一评) in the case's audit trail; the status does not change.

    The rating itself is kept by the feedback app, which calls this inside its own transaction. Only scores
    go in the event: the resident's comment stays with the rating.
    """
    transition_check(case=case, action="rate")
    return CaseEvent.objects.create(
        case=case, action="rate", actor=None, actor_unit=None, from_status=case.status, to_status=case.status,
        data={"round": round, "source": source, "solved": solved, **scores}, created_at=timezone.now(),
    )


@transaction.atomic
def case_merge(*, case: Case, into: Case, by: User, note: str = "", version: int | None = None) -> Case:
    """Merge a repeat into the open case about the same problem (并单); both timelines say so."""
    require_may(by, case, "merge")
    if into.pk == case.pk:
        raise InvalidInput(_("不能并入自身"), field="into")
    # Lock the target too: it must still be open when the repeat is tied to it, and visible to the merger.
    locked = cases_visible_to(by).select_for_update(of=("self",)).filter(pk=into.pk).first()
    if locked is None:
        raise InvalidInput(_("目标工单不存在或无权查看"), code="unknown_case", field="into")
    into = locked
    if into.status not in ACTIVE:
        raise InvalidInput(_("只能并入办理中的工单"), field="into")
    case_apply(case=case, action="merge", by=by, version=version, note=note, unit=into.current_unit,
               merged_into=into, data={"into": into.number})
    CaseEvent.objects.create(case=into, action="merge_in", actor=by, actor_unit=by.unit, from_status=into.status,
                             to_status=into.status, note=note, data={"from": case.number},
                             created_at=timezone.now())
    return case


@transaction.atomic
def case_request_invalidation(*, case: Case, by: User, reason: str, version: int | None = None) -> CaseEvent:
    """The handler proposes to mark the case invalid (申请无效); a supervisor decides with case_invalidate."""
    require_may(by, case, "request_invalidation")
    reason = require_text(reason, "reason")
    return case_apply(case=case, action="request_invalidation", by=by, version=version, note=reason)


@transaction.atomic
def case_invalidate(*, case: Case, by: User, reason: str, version: int | None = None) -> Case:
    """A supervisor marks the case invalid or malicious (无效/恶意), answering a request if there is one."""
    require_may(by, case, "invalidate")
    reason = require_text(reason, "reason")
    asked = case.events.filter(action="request_invalidation").order_by("-created_at", "-id").first()
    case_apply(case=case, action="invalidate", by=by, version=version, note=reason,
               data={"approved_by": by.pk, "requested_by": asked.actor_id if asked else None})
    return case
