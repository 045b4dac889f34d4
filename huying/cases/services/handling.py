"""The handling unit's actions: accept, start, return, escalate, summon, extensions, notes, resolve."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.models import AssignmentRole, Case, CaseAssignment, CaseEvent
from huying.cases.permissions import require_may
from huying.cases.services._core import case_apply, require_text, transition_check
from huying.lib.errors import InvalidInput, NotAllowed
from huying.org.models import TERRITORIAL_LEVELS, Unit, UnitKind, User
from huying.routing.route import command_centre_for


@transaction.atomic
def case_accept(*, case: Case, by: User, version: int | None = None) -> Case:
    """The current unit signs for the case (签收); the first signature is the response."""
    require_may(by, case, "accept")
    now = timezone.now()
    case_apply(case=case, action="accept", by=by, version=version, responded_at=case.responded_at or now)
    return case


@transaction.atomic
def case_start(*, case: Case, by: User, note: str = "", version: int | None = None) -> Case:
    """Work on an accepted case begins (处置中)."""
    require_may(by, case, "start")
    case_apply(case=case, action="start", by=by, version=version, note=note)
    return case


def _last_dispatcher_unit(case: Case) -> Unit | None:
    event = case.events.filter(action="dispatch").exclude(actor_unit=None).order_by("-created_at", "-id").first()
    return event.actor_unit if event else None


@transaction.atomic
def case_return(*, case: Case, by: User, reason: str, version: int | None = None) -> Case:
    """A wrongly dispatched case goes back (退单) within the tier's return window, with a reason."""
    require_may(by, case, "return")
    reason = require_text(reason, "reason")
    window = dt.timedelta(hours=case.tier.return_window_hours if case.tier else 2)
    if case.dispatched_at and timezone.now() > case.dispatched_at + window:
        raise NotAllowed(_("已超过退单时限"), code="return_window_passed")
    back_to = _last_dispatcher_unit(case)
    if back_to is None or back_to.pk == case.current_unit_id:
        back_to = command_centre_for(case.district)  # disputes over returns go to the command centre
    case_apply(case=case, action="return", by=by, version=version, note=reason, unit=back_to,
               current_unit=back_to)
    return case


def unit_above(unit: Unit | None, case: Case) -> Unit:
    """The next level up the territorial ladder; departments and districts hand over to the command centre."""
    if unit is not None and unit.kind in TERRITORIAL_LEVELS[:2]:  # grid → community → street
        parent = unit.parent
        if parent is not None:
            return parent
    return command_centre_for(case.district)


@transaction.atomic
def case_escalate(*, case: Case, by: User, reason: str, version: int | None = None) -> Case:
    """A unit that cannot solve the case hands it one level up (上报)."""
    require_may(by, case, "escalate")
    reason = require_text(reason, "reason")
    above = unit_above(case.current_unit, case)
    case_apply(case=case, action="escalate", by=by, version=version, note=reason, unit=above,
               current_unit=above)
    return case


@transaction.atomic
def case_summon(*, case: Case, by: User, departments: list[Unit], report_due_at: dt.datetime, note: str = "",
                version: int | None = None) -> Case:
    """The street blows the whistle (吹哨): each summoned department must report back (报到)."""
    require_may(by, case, "summon")
    transition_check(case=case, action="summon")
    if case.current_unit is None or case.current_unit.kind != UnitKind.STREET:
        raise NotAllowed(_("只有街道可以吹哨"), code="summon_not_street")
    if not departments:
        raise InvalidInput(_("请选择至少一个部门"), field="departments")
    if any(d.is_territorial for d in departments):
        raise InvalidInput(_("只能吹哨职能部门或公用事业单位"), field="departments")
    now = timezone.now()
    if report_due_at <= now:
        raise InvalidInput(_("报到时限须晚于当前时间"), field="report_due_at")
    for dept in departments:
        CaseAssignment.objects.update_or_create(
            case=case, unit=dept, role=AssignmentRole.SUMMONED,
            defaults={"due_at": report_due_at, "reported_at": None, "report": "", "created_at": now},
        )
    case_apply(case=case, action="summon", by=by, version=version, note=note,
               data={"departments": [d.pk for d in departments], "report_due_at": report_due_at.isoformat()})
    return case


@transaction.atomic
def case_report_back(*, case: Case, by: User, report: str, version: int | None = None) -> Case:
    """A summoned department reports what it did (报到); the last report hands the case back to the street."""
    transition_check(case=case, action="report_back")
    require_may(by, case, "report_back")
    report = require_text(report, "report")
    assert by.unit_id is not None  # require_may above: only staff of a summoned unit get here
    pending = case.assignments.filter(role=AssignmentRole.SUMMONED, reported_at__isnull=True)
    mine = pending.get(unit_id=by.unit_id)
    now = timezone.now()
    mine.reported_at, mine.report = now, report
    mine.save(update_fields=["reported_at", "report"])
    all_in = not pending.exists()
    case_apply(case=case, action="report_back", by=by, version=version, note=report, unit=by.unit,
               target="in_progress" if all_in else None, data={"all_reported": all_in})
    return case


@transaction.atomic
def case_add_cohandlers(*, case: Case, by: User, units: list[Unit], version: int | None = None) -> Case:
    """Add co-handling units (协办) beside the lead unit (主办)."""
    require_may(by, case, "add_cohandlers")
    transition_check(case=case, action="add_note")
    if not units:
        raise InvalidInput(_("请选择协办单位"), field="units")
    now = timezone.now()
    for unit in units:
        CaseAssignment.objects.get_or_create(case=case, unit=unit, role=AssignmentRole.CO,
                                             defaults={"created_at": now})
    case_apply(case=case, action="add_note", by=by, version=version, data={"cohandlers": [u.pk for u in units]},
               note=_("添加协办单位：%(names)s") % {"names": "、".join(u.name for u in units)})
    return case


@transaction.atomic
def case_request_extension(*, case: Case, by: User, until: dt.datetime, reason: str,
                           version: int | None = None) -> Case:
    """Ask for a later completion deadline (延期申请); a supervisor decides."""
    require_may(by, case, "request_extension")
    reason = require_text(reason, "reason")
    if case.completion_due_at and until <= case.completion_due_at:
        raise InvalidInput(_("延期时间须晚于原办结时限"), field="until")
    case_apply(case=case, action="request_extension", by=by, version=version, note=reason,
               extension_until=until, data={"until": until.isoformat()})
    return case


@transaction.atomic
def case_approve_extension(*, case: Case, by: User, approve: bool = True, note: str = "",
                           version: int | None = None) -> Case:
    """A supervisor approves or refuses the requested extension; work goes on either way."""
    require_may(by, case, "decide_extension")
    changes: dict[str, Any] = {"extension_until": None}
    if approve:
        changes["completion_due_at"] = case.extension_until
        changes["extended_at"] = timezone.now()
    case_apply(case=case, action="decide_extension", by=by, version=version, note=note,
               data={"approved": approve, "until": case.extension_until.isoformat() if case.extension_until
                     else None}, **changes)
    return case


@transaction.atomic
def case_add_note(*, case: Case, by: User, note: str, attachments=(), version: int | None = None) -> CaseEvent:
    """Add a note (and photos) to the timeline; the status does not change."""
    note = require_text(note, "note")
    return case_apply(case=case, action="add_note", by=by, version=version, note=note, attachments=attachments)


@transaction.atomic
def case_resolve(*, case: Case, by: User, result: str, attachments=(), version: int | None = None) -> Case:
    """The handler reports the result (办结); an operator may answer a consultation at once (直接办结)."""
    require_may(by, case, "resolve")
    result = require_text(result, "result")
    now = timezone.now()
    case_apply(case=case, action="resolve", by=by, version=version, note=result, attachments=attachments,
               result=result, resolved_at=now, responded_at=case.responded_at or now)
    return case
