"""Running deadlines as timer rows (时限计时器), and the policy steps due on them.

A case's running deadlines follow from its state: the response or completion deadline (by the one rule in
`overdue.py`), the return window while it waits to be signed for, each summoned department's report-back,
the extension's end once granted, and a supervision mark or instruction waiting for its answer. `timers_sync`
makes the case's `CaseTimer` rows say exactly that; `case_apply` calls it on every change, so no path can
leave a timer behind. Each row carries the moment its next step is due (`next_at`), which is all the worker
polls; which steps exist, and when, is data (`catalog.TimerStep`).
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Q

from huying.cases.models import AssignmentRole, Case, CaseAssignment, CaseTimer
from huying.cases.overdue import running_deadline
from huying.cases.workflow import ACTIVE, Status
from huying.catalog.models import DeadlineKind, StepAction, TimerStep

K = DeadlineKind
# Order of steps due at the same moment: tell, then mark, then alert, and move the case last.
ACTION_ORDER: dict[str, int] = {StepAction.REMIND: 0, StepAction.OVERDUE: 1, StepAction.ALERT_HEAD: 2,
                                StepAction.ESCALATE: 3}


@dataclass(frozen=True)
class Running:
    """One deadline the case has running now: which, whose, since when, until when."""

    kind: str
    ref: int
    unit_id: int | None
    started_at: dt.datetime
    deadline_at: dt.datetime


@dataclass(frozen=True)
class Due:
    """One occurrence of a policy step on a timer."""

    at: dt.datetime
    step: TimerStep
    occurrence: int  # 0 for a one-off step; the n-th repetition otherwise


def running_deadlines(case: Case) -> list[Running]:
    """The deadlines running on `case` in its current state."""
    start = case.dispatched_at or case.created_at
    found: list[Running] = []
    due = running_deadline(case)
    if due is not None:
        if case.responded_at is None:
            found.append(Running(K.RESPONSE, 0, case.current_unit_id, start, due))
        elif case.extended_at is not None:
            found.append(Running(K.EXTENSION, 0, case.current_unit_id, case.extended_at, due))
        else:
            found.append(Running(K.COMPLETION, 0, case.current_unit_id, start, due))
    if case.status == Status.DISPATCHED and case.tier is not None and case.dispatched_at is not None:
        window = dt.timedelta(hours=case.tier.return_window_hours)
        found.append(Running(K.RETURN_WINDOW, 0, case.current_unit_id, start, case.dispatched_at + window))
    if case.status == Status.SUMMONED:
        summoned = CaseAssignment.objects.filter(case=case, role=AssignmentRole.SUMMONED, reported_at=None,
                                                 due_at__isnull=False)
        found.extend(Running(K.REPORT_BACK, a.pk, a.unit_id, a.created_at, a.due_at) for a in summoned
                     if a.due_at is not None)
    if case.awaiting_reply_since is not None and case.status in ACTIVE:
        # A supervision answer has no deadline of its own: its steps count from the moment it was asked.
        since = case.awaiting_reply_since
        found.append(Running(K.SUPERVISION, 0, case.current_unit_id, since, since))
    return found


def policy_steps(tier_id: int | None, kinds: Iterable[str]) -> dict[str, list[TimerStep]]:
    """The active steps for each kind: the tier's own lines for that kind if it has any, else the default ones."""
    kinds = list(kinds)
    rows = list(TimerStep.objects.filter(Q(tier_id=tier_id) | Q(tier__isnull=True), active=True, kind__in=kinds)
                .select_related("escalate_tier"))
    chosen: dict[str, list[TimerStep]] = {}
    for kind in kinds:
        own = [s for s in rows if s.kind == kind and tier_id is not None and s.tier_id == tier_id]
        chosen[kind] = own or [s for s in rows if s.kind == kind and s.tier_id is None]
    return chosen


def first_moment(step: TimerStep, started_at: dt.datetime, deadline_at: dt.datetime) -> dt.datetime:
    if step.elapsed_percent is not None:
        return started_at + (deadline_at - started_at) * step.elapsed_percent / 100
    return deadline_at + dt.timedelta(minutes=step.minutes_from_deadline or 0)


def moments(steps: Iterable[TimerStep], *, started_at: dt.datetime, deadline_at: dt.datetime,
            after: dt.datetime | None, until: dt.datetime | None) -> Iterator[Due]:
    """Each step's due moment in (after, until], in order. A warning that would fall before the deadline started
    (an hour's warning on a 30-minute deadline) does not exist; what is due at or after the deadline always
    does (an extension granted after its own end is overdue at once). A repeating step yields only its latest
    occurrence in the range, so a worker that was down for a week sends one daily reminder, not seven."""
    found: list[Due] = []
    for step in steps:
        first = first_moment(step, started_at, deadline_at)
        if first < started_at and first < deadline_at:  # a warning due before the deadline even started
            continue
        occurrence, every = 0, dt.timedelta(minutes=step.repeat_minutes or 0)
        if step.repeat_minutes:
            if after is not None and first <= after:
                occurrence = (after - first) // every + 1  # the first occurrence after `after`
            if until is not None and first + occurrence * every <= until:
                occurrence = (until - first) // every  # the latest occurrence in range
        at = first + occurrence * every
        if (after is None or at > after) and (until is None or at <= until):
            found.append(Due(at, step, occurrence))
    found.sort(key=lambda d: (d.at, ACTION_ORDER.get(d.step.action, 9), d.step.pk))
    yield from found


def next_moment(steps: Iterable[TimerStep], *, started_at: dt.datetime, deadline_at: dt.datetime,
                after: dt.datetime | None) -> dt.datetime | None:
    return next((d.at for d in moments(steps, started_at=started_at, deadline_at=deadline_at, after=after,
                                       until=None)), None)


def _same(timer: CaseTimer, running: Running, tier_id: int | None) -> bool:
    return (timer.deadline_at == running.deadline_at and timer.started_at == running.started_at
            and timer.unit_id == running.unit_id and timer.tier_id == tier_id)


def timers_sync(case: Case, *, retime: bool = False) -> int:
    """Make the case's timer rows match its running deadlines; a changed deadline is re-armed from its start.

    Runs inside the transaction that changed the case, so the rows never disagree with it for anyone else.
    Returns how many deadlines are running.
    """
    wanted = {(r.kind, r.ref): r for r in running_deadlines(case)}
    existing = {(t.kind, t.ref): t for t in CaseTimer.objects.filter(case_id=case.pk)}
    kept = {key for key, timer in existing.items() if key in wanted and _same(timer, wanted[key], case.tier_id)}
    stale = [timer.pk for key, timer in existing.items() if key not in kept]
    if stale:
        CaseTimer.objects.filter(pk__in=stale).delete()
    new = [running for key, running in wanted.items() if key not in kept]
    if new:
        CaseTimer.objects.bulk_create(timers_build(case.tier_id, case.pk, new))
    if retime and kept:
        _retime([existing[key] for key in kept], case.tier_id)
    return len(wanted)


def _retime(timers: list[CaseTimer], tier_id: int | None) -> None:
    """Point kept timers at the policy as it is now (a line added, moved or switched off), keeping what fired."""
    steps = policy_steps(tier_id, {t.kind for t in timers})
    for timer in timers:
        next_at = next_moment(steps.get(timer.kind, []), started_at=timer.started_at, deadline_at=timer.deadline_at,
                              after=timer.fired_through)
        if next_at != timer.next_at:
            CaseTimer.objects.filter(pk=timer.pk).update(next_at=next_at)


def timers_build(tier_id: int | None, case_id: int, runnings: list[Running],
                 steps: dict[str, list[TimerStep]] | None = None) -> list[CaseTimer]:
    steps = steps if steps is not None else policy_steps(tier_id, {r.kind for r in runnings})
    return [CaseTimer(case_id=case_id, kind=r.kind, ref=r.ref, unit_id=r.unit_id, tier_id=tier_id,
                      started_at=r.started_at, deadline_at=r.deadline_at,
                      next_at=next_moment(steps.get(r.kind, []), started_at=r.started_at,
                                          deadline_at=r.deadline_at, after=None))
            for r in runnings]


def timers_rebuild(cases: Iterable[Case]) -> int:
    """Arm the timers of cases written without the services (bulk loads, the demo history), and point the
    running ones at the policy as it is now (after an administrator changed it); returns how many run."""
    return sum(timers_sync(case, retime=True) for case in cases)
