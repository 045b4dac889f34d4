"""One case's life in memory: each step is checked against the workflow table and written as an event.

The story stops at "now" (a step that would happen later never happens), so recent cases are naturally
still open; a story may also be told to stop right after a given action, for the few cases that are
meant to be stuck there (returned, escalated, summoned, reopened…).
"""

import datetime as dt

from huying.cases.models import Case, CaseAssignment, CaseEvent
from huying.cases.workflow import ACTIVE, transition_target
from huying.feedback.models import CallBack, Rating
from huying.org.models import User

ONE_SECOND = dt.timedelta(seconds=1)


class Cutoff(Exception):
    """The story reached the present (or its planned stopping point): the case stays where it is."""


class Story:
    def __init__(self, case: Case, cutoff: dt.datetime, stop_on: frozenset[str] = frozenset()):
        self.case = case
        self.events: list[CaseEvent] = []
        self.assignments: list[CaseAssignment] = []
        self.ratings: list[Rating] = []
        self.callbacks: list[CallBack] = []
        self.clock = case.created_at
        self.cutoff = cutoff
        self.stop_on = stop_on
        self.stopped = False

    def at(self, when: dt.datetime) -> dt.datetime:
        """The moment of the next step: never before the last one; past the cutoff, the story ends."""
        when = max(when, self.clock + ONE_SECOND)
        if when > self.cutoff or self.stopped:
            raise Cutoff
        return when

    def open(self, by: User | None, data: dict) -> None:
        """The create event (受理): the case starts in its initial status."""
        self.events.append(CaseEvent(
            case=self.case, action="create", actor=by, actor_unit_id=by.unit_id if by else None,
            to_status=self.case.status, data=data, created_at=self.case.created_at,
        ))

    def record(self, action: str, when: dt.datetime, by: User | None, *, unit=None, note: str = "",
               data: dict | None = None, target: str | None = None, **changes) -> CaseEvent:
        """Apply `action` at `when` (already passed through `at`) as the case services would."""
        case = self.case
        to_status = target or transition_target(action, case.status)
        if to_status is None:
            raise AssertionError(f"demo history broke the workflow: {action} from {case.status}")
        event = CaseEvent(
            case=case, action=action, actor=by, actor_unit_id=by.unit_id if by else None,
            from_status=case.status, to_status=to_status, unit=unit, note=note, data=data or {}, created_at=when,
        )
        for field, value in changes.items():
            setattr(case, field, value)
        case.status, case.updated_at, case.version = to_status, when, case.version + 1
        self.events.append(event)
        self.clock = when
        self.stopped = action in self.stop_on
        return event

    def status_at(self, when: dt.datetime) -> str | None:
        """The status the case had at `when` (None before it existed)."""
        status = None
        for event in self.events:
            if event.created_at > when:
                break
            status = event.to_status
        return status

    def active_at(self, when: dt.datetime) -> bool:
        return self.status_at(when) in ACTIVE

    def insert(self, event: CaseEvent) -> None:
        """Add an event another case's story caused (merge_in), keeping the timeline in order."""
        self.events.append(event)
        self.events.sort(key=lambda e: e.created_at)
