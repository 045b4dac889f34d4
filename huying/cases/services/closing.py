"""Ending a case's life, or giving it a second one: close, reopen, merge, invalidate."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.deadlines import deadlines_for
from huying.cases.models import Case, CaseEvent
from huying.cases.services._core import (
    DISPATCHING_ROLES,
    case_apply,
    is_handler,
    is_supervisor,
    require,
    require_text,
)
from huying.cases.workflow import ACTIVE
from huying.lib.errors import InvalidInput
from huying.org.models import User


@transaction.atomic
def case_close(*, case: Case, by: User, note: str = "", version: int | None = None) -> Case:
    """Archive a resolved case (归档)."""
    require(by.role in DISPATCHING_ROLES or by.is_superuser, _("无权归档"))
    case_apply(case=case, action="close", by=by, version=version, note=note, closed_at=timezone.now())
    return case


@transaction.atomic
def case_reopen(*, case: Case, by: User, reason: str, version: int | None = None) -> Case:
    """Send a resolved case back to its unit (重办); the completion clock starts again."""
    require(by.role in DISPATCHING_ROLES or by.is_superuser, _("无权重办"))
    reason = require_text(reason, "reason")
    now = timezone.now()
    changes = {"reopen_count": case.reopen_count + 1, "resolved_at": None, "closed_at": None, "dispatched_at": now}
    if case.tier is not None:
        due = deadlines_for(tier=case.tier, request_type=case.request_type, start=now)
        changes.update(response_due_at=due.response_due_at, completion_due_at=due.completion_due_at)
    case_apply(case=case, action="reopen", by=by, version=version, note=reason, unit=case.current_unit, **changes)
    return case


@transaction.atomic
def case_merge(*, case: Case, into: Case, by: User, note: str = "", version: int | None = None) -> Case:
    """Merge a repeat into the open case about the same problem (并单); both timelines say so."""
    require(by.role in DISPATCHING_ROLES or by.is_superuser or is_handler(by, case), _("无权并单"))
    if into.pk == case.pk:
        raise InvalidInput(_("不能并入自身"), field="into")
    if into.status not in ACTIVE:
        raise InvalidInput(_("只能并入办理中的工单"), field="into")
    case_apply(case=case, action="merge", by=by, version=version, note=note, unit=into.current_unit,
               merged_into=into, data={"into": into.number})
    CaseEvent.objects.create(case=into, action="merge_in", actor=by, actor_unit=by.unit, from_status=into.status,
                             to_status=into.status, note=note, data={"from": case.number},
                             created_at=timezone.now())
    return case


@transaction.atomic
def case_invalidate(*, case: Case, by: User, reason: str, approved_by: User | None = None,
                    version: int | None = None) -> Case:
    """Mark a case invalid or malicious (无效/恶意) with a reason and a supervisor's approval."""
    approver = approved_by or by
    require(is_supervisor(approver), _("无效工单须经指挥中心或领导审批"))
    require(is_handler(by, case) or by.role in DISPATCHING_ROLES or is_supervisor(by), _("无权标记无效"))
    reason = require_text(reason, "reason")
    case_apply(case=case, action="invalidate", by=by, version=version, note=reason,
               data={"approved_by": approver.pk})
    return case
