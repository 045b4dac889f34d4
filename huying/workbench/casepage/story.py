"""The case page's read side: the whole story of one case, in a bounded number of queries.

Who sees the reporter in full is `permissions.sees_reporter` (the hotline, the command centre, and the unit
handling the case unless the reporter chose anonymity); everyone else sees the name and phone masked.
"""

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from huying.cases.api_schemas import mask_name
from huying.cases.models import AssignmentRole, Case, CaseAssignment
from huying.cases.permissions import sees_reporter
from huying.cases.selectors import cases_visible_to
from huying.cases.workflow import ACTIVE, Status
from huying.notify.phones import mask_phone
from huying.org.models import User
from huying.workbench.casepage.timeline import Attached, Step, case_steps
from huying.workbench.maps.tiles import tile_config

OTHER_CASES_LIMIT = 10
SIMILAR_LIMIT = 5
SIMILAR_WINDOW = dt.timedelta(days=30)
DUE_SOON = dt.timedelta(hours=4)


@dataclass
class Summons:
    """A summoned department (吹哨报到): reported, or how long it has left."""

    assignment: CaseAssignment
    countdown: str = ""
    late: bool = False


@dataclass
class Deadline:
    label: str
    due: dt.datetime
    met_at: dt.datetime | None = None  # answered or finished: no countdown any more
    running: bool = True  # False once the case no longer works against it

    @property
    def state(self) -> str:
        if self.met_at is not None:
            return "met" if self.met_at <= self.due else "late"
        if not self.running:
            return ""
        left = self.due - timezone.now()
        return "overdue" if left < dt.timedelta(0) else "due-soon" if left < DUE_SOON else ""

    @property
    def countdown(self) -> str:
        return countdown_text(self.due, timezone.now()) if self.running and not self.met_at else ""


@dataclass
class Story:
    case: Case
    reporter_name: str
    reporter_phone: str
    reporter_full: bool
    steps: list[Step]
    photos: list[Attached]  # the reporter's, from the intake event
    instructions: list[Step]
    videos: list[Step]
    deadlines: list[Deadline]
    cohandlers: list[CaseAssignment]
    summoned: list[Summons]
    group: list[CaseAssignment]
    merged_into: Case | None
    merged_from: list[Case]
    similar: list[Case]
    caller_cases: list[Case]
    map: dict[str, Any] | None


def countdown_words() -> dict[str, str]:
    """The countdown's words, for the page's script (casepage.js) to say what countdown_text says."""
    return {"left": _("剩余 %(span)s"), "late": _("已超时 %(span)s"), "days": pgettext("countdown", "%(n)d天"),
            "hours": _("%(n)d小时"), "minutes": _("%(n)d分钟")}


def countdown_text(due: dt.datetime, now: dt.datetime) -> str:
    """剩余 2天3小时 / 已超时 45分钟: days and hours, or hours and minutes within the last day."""
    words = countdown_words()
    seconds = (due - now).total_seconds()
    # Time left counts up to the next whole minute, time over down: neither says "overdue" a minute early.
    minutes = math.ceil(seconds / 60) if seconds >= 0 else math.floor(-seconds / 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    parts = [words["days"] % {"n": days}] if days else []
    if hours:
        parts.append(words["hours"] % {"n": hours})
    if not days and (mins or not hours):
        parts.append(words["minutes"] % {"n": mins})
    return words["left" if seconds >= 0 else "late"] % {"span": "".join(parts)}


def case_story(user: User, case: Case) -> Story:
    steps = case_steps(case)
    full = sees_reporter(user, case)
    assignments = list(case.assignments.select_related("unit").order_by("created_at", "id"))
    linked = list(cases_visible_to(user).filter(Q(pk=case.merged_into_id or 0) | Q(merged_into=case))
                  .only("number", "title", "status", "created_at", "merged_into_id").order_by("created_at"))
    return Story(
        case=case,
        reporter_name=case.reporter_name if full else mask_name(case.reporter_name),
        reporter_phone=case.reporter_phone if full else mask_phone(case.reporter_phone),
        reporter_full=full,
        steps=steps,
        photos=[p for s in steps if s.event.action == "create" for p in s.photos],
        instructions=[s for s in steps if s.event.action == "instruct"],
        videos=[s for s in steps if s.link],
        deadlines=_deadlines(case),
        cohandlers=[a for a in assignments if a.role in (AssignmentRole.CO, AssignmentRole.LEAD)],
        summoned=[_summons(a) for a in assignments if a.role == AssignmentRole.SUMMONED],
        group=sorted((a for a in assignments if a.role in (AssignmentRole.GROUP_LEAD, AssignmentRole.GROUP)),
                     key=lambda a: a.role != AssignmentRole.GROUP_LEAD),
        merged_into=next((c for c in linked if c.pk == case.merged_into_id), None),
        merged_from=[c for c in linked if c.merged_into_id == case.pk],
        similar=_similar(user, case),
        caller_cases=_caller_cases(user, case),
        map=_map(case),
    )


def _summons(assignment: CaseAssignment) -> Summons:
    if assignment.reported_at is not None or assignment.due_at is None:
        return Summons(assignment)
    now = timezone.now()
    return Summons(assignment, countdown=countdown_text(assignment.due_at, now), late=assignment.due_at < now)


def _deadlines(case: Case) -> list[Deadline]:
    active = case.status in ACTIVE
    found = []
    if case.response_due_at:
        found.append(Deadline(_("响应时限"), case.response_due_at, met_at=case.responded_at, running=active))
    if case.completion_due_at:
        finished = case.resolved_at if case.status in (Status.RESOLVED, Status.CLOSED) else None
        found.append(Deadline(_("办结时限"), case.completion_due_at, met_at=finished, running=active))
    if case.extension_until and case.status == Status.EXTENSION_REQUESTED:
        found.append(Deadline(_("申请延期至"), case.extension_until, running=False))
    timer = case.timers.filter(next_at__isnull=False).order_by("next_at").first()
    if timer is not None and timer.next_at is not None:  # what the system will do next, and about which deadline
        found.append(Deadline(_("下次自动督办（%(kind)s）") % {"kind": timer.get_kind_display()}, timer.next_at,
                              running=False))
    return found


def _similar(user: User, case: Case) -> list[Case]:
    """Open cases of the same category at the same place lately: candidates for merging (并单)."""
    if case.category_id is None or not case.place_path:
        return []
    return list(
        cases_visible_to(user).filter(place_path=case.place_path, category_id=case.category_id, status__in=ACTIVE,
                                      created_at__gte=case.created_at - SIMILAR_WINDOW)
        .exclude(pk=case.pk).only("number", "title", "status", "created_at").order_by("-created_at")[:SIMILAR_LIMIT]
    )


def _caller_cases(user: User, case: Case) -> list[Case]:
    """The same caller's other cases (same phone), among those this user may see."""
    if not case.reporter_phone:
        return []
    return list(
        cases_visible_to(user).filter(reporter_phone=case.reporter_phone).exclude(pk=case.pk)
        .only("number", "title", "status", "created_at").order_by("-created_at", "-pk")[:OTHER_CASES_LIMIT]
    )


def _map(case: Case) -> dict[str, Any] | None:
    """The marker and the grid's polygon for the page's small map; None when the place is unknown."""
    point = [case.lat, case.lon] if case.lat is not None and case.lon is not None else None
    boundary = case.grid.boundary if case.grid is not None else None
    if point is None and not boundary:
        return None
    return {"point": point, "boundary": boundary, "grid": case.grid.name if case.grid else "",
            "tiles": tile_config()}
