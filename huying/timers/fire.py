"""The worker's timer duty (自动督办): claim due timers and act on their steps, each exactly once.

A batch of due timers is claimed and acted on in ONE transaction. On PostgreSQL the claim is
`SELECT … FOR UPDATE SKIP LOCKED`: a second worker passes over rows the first holds, and a worker killed
mid-batch (even by SIGKILL) loses its connection, so its transaction rolls back and the rows are free again
at once, with nothing half done. SQLite has one writer at a time, which serialises workers the same way.
Within a timer, everything a step does (its case event, its messages) and the advance of `fired_through` are
committed together; the event carries a key naming (deadline, step, occurrence), so even a timer re-armed
for the same deadline never repeats a step.

Lock order is the case row, then its timers, as in `case_apply`; the worker takes the case with SKIP LOCKED
and leaves a timer whose case someone is changing right now to the next pass, so it never waits or deadlocks.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from huying.cases.models import Case, CaseEvent, CaseTimer
from huying.cases.services import case_auto_escalate, case_timer_event
from huying.cases.timers import Due, moments, next_moment, policy_steps
from huying.catalog.models import DeadlineKind, StepAction, TimerStep
from huying.notify.recipients import case_context, staff_notify, unit_heads, unit_staff
from huying.org.models import User

logger = logging.getLogger(__name__)

BATCH = 100
RETRY_AFTER = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30))
ERROR_MAX = 1000

# (step action, deadline kind) → the template the step's message uses.
TEMPLATES: dict[str, str] = {
    StepAction.REMIND: "timer_remind",
    StepAction.OVERDUE: "timer_overdue",
    StepAction.ALERT_HEAD: "timer_alert_head",
    StepAction.ESCALATE: "timer_escalated",
}
SUPERVISION_TEMPLATE = "supervision_remind"


@dataclass
class FireReport:
    timers: int = 0  # timers looked at
    steps: int = 0  # steps acted on (events written)
    skipped: int = 0  # reminders whose moment had passed with the deadline
    busy: int = 0  # timers left for the next pass (their case was being changed)
    failed: int = 0
    lags: list[float] = field(default_factory=list)  # seconds between each step's due moment and its act

    def add(self, other: "FireReport") -> None:
        self.timers += other.timers
        self.steps += other.steps
        self.skipped += other.skipped
        self.busy += other.busy
        self.failed += other.failed
        self.lags.extend(other.lags)


def timers_fire_due(*, batch: int = BATCH, max_batches: int | None = None) -> FireReport:
    """Act on every timer due now, batch by batch, until none is left (or `max_batches` have run)."""
    report = FireReport()
    done = 0
    while max_batches is None or done < max_batches:
        part = _fire_batch(batch)
        report.add(part)
        done += 1
        if part.timers < batch:
            break
    return report


def _fire_batch(batch: int) -> FireReport:
    report = FireReport()
    now = timezone.now()
    with transaction.atomic():
        due = CaseTimer.objects.filter(next_at__lte=now).select_related("unit").order_by("next_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        timers = list(due[:batch])
        report.timers = len(timers)
        known = Known()
        for timer in timers:
            try:
                with transaction.atomic():  # a savepoint: one failing timer must not undo the others
                    _fire_timer(timer, known, now, report)
            except Exception as exc:  # recorded on the row and retried later; the batch goes on
                # The type only: an error's message may quote a row (the row keeps it for administrators).
                logger.error("timer %s failed: %s", timer.pk, type(exc).__name__)
                report.failed += 1
                _record_failure(timer, now, exc)
    return report


def _record_failure(timer: CaseTimer, now: dt.datetime, exc: Exception) -> None:
    wait = RETRY_AFTER[min(timer.attempts, len(RETRY_AFTER) - 1)]
    CaseTimer.objects.filter(pk=timer.pk).update(attempts=timer.attempts + 1, next_at=now + wait,
                                                 last_error=f"{type(exc).__name__}: {exc}"[:ERROR_MAX])


def _lock_case(case_id: int) -> Case | None:
    cases = Case.objects.select_related("current_unit", "tier", "request_type")
    if connection.features.has_select_for_update_skip_locked:
        cases = cases.select_for_update(skip_locked=True, of=("self",))
    return cases.filter(pk=case_id).first()


@dataclass
class Known:
    """What one batch reads once: the policy per (tier, kind) and the people of each unit."""

    policies: dict[tuple[int | None, str], list[TimerStep]] = field(default_factory=dict)
    staff: dict[int | None, list[User]] = field(default_factory=dict)
    heads: dict[int | None, list[User]] = field(default_factory=dict)

    def steps(self, timer: CaseTimer) -> list[TimerStep]:
        key = (timer.tier_id, timer.kind)
        if key not in self.policies:
            self.policies[key] = policy_steps(timer.tier_id, [timer.kind])[timer.kind]
        return self.policies[key]

    def staff_of(self, unit_id: int | None) -> list[User]:
        if unit_id not in self.staff:
            self.staff[unit_id] = unit_staff(unit_id)
        return self.staff[unit_id]

    def heads_of(self, unit_id: int | None) -> list[User]:
        if unit_id not in self.heads:
            self.heads[unit_id] = unit_heads(unit_id)
        return self.heads[unit_id]


def _fire_timer(timer: CaseTimer, known: Known, now: dt.datetime, report: FireReport) -> None:
    case = _lock_case(timer.case_id)
    if case is None:  # being changed by someone else right now: its sync may re-arm this timer; look again soon
        report.busy += 1
        return
    if not _still_armed(timer):  # an escalation earlier in this batch moved the case and replaced its timers
        report.skipped += 1
        return
    steps = known.steps(timer)
    dues = list(moments(steps, started_at=timer.started_at, deadline_at=timer.deadline_at,
                        after=timer.fired_through, until=now))
    # Catching up, one reminder says it: the latest due one; the earlier ones would repeat it.
    reminders = [d for d in dues if d.step.action == StepAction.REMIND]
    through = timer.fired_through
    for due in dues:
        through = due.at
        if _is_stale_reminder(due, timer, now) or (due.step.action == StepAction.REMIND and due is not reminders[-1]):
            report.skipped += 1
            continue
        if _act(case, timer, due, known):
            report.steps += 1
            report.lags.append((timezone.now() - due.at).total_seconds())
            if due.step.action == StepAction.ESCALATE:
                return  # the case has moved: its sync replaced this timer with the new unit's deadlines
    CaseTimer.objects.filter(pk=timer.pk).update(
        fired_through=through, attempts=0, last_error="",
        next_at=next_moment(steps, started_at=timer.started_at, deadline_at=timer.deadline_at, after=through))


def _still_armed(timer: CaseTimer) -> bool:
    """The row is still there and still about the same deadline and unit (read under the case's lock)."""
    current = CaseTimer.objects.filter(pk=timer.pk).values("deadline_at", "unit_id", "started_at").first()
    return current == {"deadline_at": timer.deadline_at, "unit_id": timer.unit_id, "started_at": timer.started_at}


def _is_stale_reminder(due: Due, timer: CaseTimer, now: dt.datetime) -> bool:
    """A "time is running out" reminder (a share of the time, or minutes before the deadline) acted on only
    after the deadline itself has passed says nothing the overdue alert will not say better: a worker that was
    down, or an extension granted after its own end, goes straight to the overdue steps."""
    step = due.step
    warning = step.elapsed_percent is not None or (step.minutes_from_deadline or 0) < 0
    return step.action == StepAction.REMIND and warning and timer.deadline_at <= now


def _key(timer: CaseTimer, due: Due) -> str:
    """What makes a step the same step: the deadline (which, for whom, since when, until when), the policy
    line and the occurrence. A re-dispatch to another unit, or the same unit again later, is a new deadline."""
    return (f"{timer.kind}:{timer.ref}:{timer.unit_id}:{timer.started_at.isoformat()}:"
            f"{timer.deadline_at.isoformat()}:{due.step.pk}:{due.occurrence}")


def _at_its_level(case: Case) -> bool:
    """An escalation step belongs to the tier's own level: once the case is above it (escalated by hand, or
    already by this policy), the tier's step does not move it again."""
    unit, tier = case.current_unit, case.tier
    return unit is None or tier is None or unit.kind == tier.handling_level


def _act(case: Case, timer: CaseTimer, due: Due, known: Known) -> bool:
    """Take one step: its event, then its messages. False when the step had been taken already."""
    step = due.step
    key = _key(timer, due)
    data = {"kind": timer.kind, "deadline_at": timer.deadline_at.isoformat(), "due_at": due.at.isoformat(),
            "step": step.pk, "occurrence": due.occurrence, "ref": timer.ref}
    context = case_context(case, unit=timer.unit, kind=timer.kind, deadline_at=timer.deadline_at.isoformat())
    urgent = step.urgent or case.urgency != "normal"
    channels = step.channel_list()
    if step.action == StepAction.ESCALATE:
        if not _at_its_level(case):
            return False
        event = case_auto_escalate(case=case, key=key, tier=step.escalate_tier, data=data)
        if event is None:
            return False
        staff_notify(users=known.staff_of(event.unit_id), channels=channels, template=TEMPLATES[step.action],
                     context=case_context(case, unit=event.unit), event=event, urgent=urgent, unit=event.unit)
        return True
    users = known.staff_of(timer.unit_id)
    if step.action == StepAction.ALERT_HEAD:
        # A unit with no head on record: its staff hear it rather than nobody; the event says which it was.
        heads = known.heads_of(timer.unit_id)
        data["told"] = "head" if heads else "staff"
        users = heads or users
    data["recipients"] = len(users)
    event = case_timer_event(case=case, action=step.action, unit=timer.unit, key=key, data=data)
    if event is None:
        return False
    _tell(event, timer, step.action, users, channels, context, urgent)
    return True


def _tell(event: CaseEvent, timer: CaseTimer, action: str, users: list[User], channels: list[str], context: dict,
          urgent: bool) -> None:
    template = SUPERVISION_TEMPLATE if timer.kind == DeadlineKind.SUPERVISION else TEMPLATES[action]
    staff_notify(users=users, channels=channels, template=template, context=context, event=event, urgent=urgent,
                 unit=timer.unit)
