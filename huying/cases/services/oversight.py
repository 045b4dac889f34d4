"""Oversight and coordination beside the handling (督办): supervision marks, leaders' instructions, special
response groups and video consultations. None of them changes the status; each one is an event.
"""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.models import AssignmentRole, Case, CaseAssignment, CaseEvent
from huying.cases.permissions import GROUP_ROLES, require_may, require_ready, video_server
from huying.cases.services._core import case_apply, require_text, transition_check
from huying.lib.errors import InvalidInput
from huying.org.models import Unit, UnitKind, User

SUPERVISION_NOTE_MAX = Case._meta.get_field("supervision_note").max_length or 500
# A response group gathers units that work on problems, not the territories above the district.
NOT_IN_GROUPS = (UnitKind.CITY, UnitKind.DISTRICT)


def _check(*, case: Case, by: User, action: str) -> None:
    require_may(by, case, action)
    transition_check(case=case, action=action)
    require_ready(case, action)


@transaction.atomic
def case_supervise(*, case: Case, by: User, note: str = "", version: int | None = None) -> Case:
    """Mark an open case for supervision (挂牌督办) with what is required; it must not be marked already."""
    _check(case=case, by=by, action="supervise")
    note = (note or "").strip()
    if len(note) > SUPERVISION_NOTE_MAX:
        raise InvalidInput(_("督办要求不能超过 %(n)d 字") % {"n": SUPERVISION_NOTE_MAX}, field="note")
    now = timezone.now()
    case_apply(case=case, action="supervise", by=by, version=version, note=note, supervised_at=now,
               supervision_note=note, awaiting_reply_since=now)
    return case


@transaction.atomic
def case_lift_supervision(*, case: Case, by: User, note: str = "", version: int | None = None) -> Case:
    """Take the supervision mark off (解除督办); the event keeps when it was set and what it required."""
    _check(case=case, by=by, action="lift_supervision")
    since = case.supervised_at.isoformat() if case.supervised_at else None
    case_apply(case=case, action="lift_supervision", by=by, version=version, note=(note or "").strip(),
               data={"since": since, "requirement": case.supervision_note}, supervised_at=None,
               supervision_note="", awaiting_reply_since=None)
    return case


@transaction.atomic
def case_instruct(*, case: Case, by: User, instruction: str, version: int | None = None) -> CaseEvent:
    """A leader's or the command centre's instruction on the case (领导批示), shown at the top of the case."""
    _check(case=case, by=by, action="instruct")
    instruction = require_text(instruction, "instruction")
    return case_apply(case=case, action="instruct", by=by, version=version, note=instruction,
                      awaiting_reply_since=timezone.now())


@transaction.atomic
def case_convene_group(*, case: Case, by: User, units: list[Unit], lead: Unit | None, note: str = "",
                       version: int | None = None) -> Case:
    """Convene a special response group (专项响应组): the lead unit (牵头) and the member units work the case
    beside its handler, see it and report what they did. Convening again adds units and may change the lead.
    """
    _check(case=case, by=by, action="convene")
    if lead is None:
        raise InvalidInput(_("请选择牵头单位"), field="lead")
    members = list(dict.fromkeys([lead, *units]))  # the lead is a member too; order kept, repeats dropped
    if len(members) < 2:
        raise InvalidInput(_("专项响应组须有牵头单位和至少一个成员单位"), field="units")
    for unit in members:
        if not unit.active or unit.kind in NOT_IN_GROUPS:
            raise InvalidInput(_("不能将“%(name)s”编入专项响应组") % {"name": unit.name},
                               field="lead" if unit == lead else "units")
    now = timezone.now()
    existing = {a.unit_id: a for a in case.assignments.filter(role__in=GROUP_ROLES)}
    for unit in members:
        role = AssignmentRole.GROUP_LEAD if unit == lead else AssignmentRole.GROUP
        found = existing.pop(unit.pk, None)
        if found is None:
            CaseAssignment.objects.create(case=case, unit=unit, role=role, created_at=now)
        elif found.role != role:
            found.role = role
            found.save(update_fields=["role"])
    # A former lead not named again stays in the group as a member: one group has one lead.
    CaseAssignment.objects.filter(pk__in=[a.pk for a in existing.values() if a.role == AssignmentRole.GROUP_LEAD]
                                  ).update(role=AssignmentRole.GROUP)
    case_apply(case=case, action="convene", by=by, version=version, note=(note or "").strip(), unit=lead,
               data={"units": [u.pk for u in members], "lead": lead.pk})
    return case


@transaction.atomic
def case_group_report(*, case: Case, by: User, report: str, version: int | None = None) -> CaseEvent:
    """A response-group unit reports what it did (专项组反馈); its latest report is kept on its assignment."""
    _check(case=case, by=by, action="group_report")
    report = require_text(report, "report")
    assert by.unit_id is not None  # require_may above: only staff of a group unit get here
    now = timezone.now()
    case.assignments.filter(unit_id=by.unit_id, role__in=GROUP_ROLES).update(reported_at=now, report=report)
    return case_apply(case=case, action="group_report", by=by, version=version, note=report, unit=by.unit)


@transaction.atomic
def case_open_video(*, case: Case, by: User, version: int | None = None) -> CaseEvent:
    """Open a multi-party video room for the case (视频研判) on the configured server; the link goes in the
    timeline (event data "url"), where everyone working on the case finds it.
    """
    _check(case=case, by=by, action="video")
    # The random part keeps the room unguessable from the case number alone.
    url = f"{video_server()}/huying-{case.number}-{secrets.token_hex(6)}"
    return case_apply(case=case, action="video", by=by, version=version, data={"url": url})
