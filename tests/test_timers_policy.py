"""The policy's arithmetic: when each step of a deadline is due, which steps a tier uses, what a line may say."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from huying.cases.timers import moments, next_moment, policy_steps
from huying.catalog.models import DeadlineKind, StepAction, TimerStep

START = dt.datetime(2026, 9, 30, 10, 0, tzinfo=dt.UTC)
DEADLINE = START + dt.timedelta(hours=2)


def step(pk: int, action: str = StepAction.REMIND, **when) -> TimerStep:
    return TimerStep(pk=pk, kind=DeadlineKind.COMPLETION, action=action, **when)


def due_list(steps, after=None, until=None, deadline=DEADLINE):
    return [(d.at, d.step.pk, d.occurrence)
            for d in moments(steps, started_at=START, deadline_at=deadline, after=after, until=until)]


def test_a_share_of_the_time_and_minutes_from_the_deadline_give_the_moments_in_order():
    steps = [step(1, minutes_from_deadline=-60), step(2, elapsed_percent=50),
             step(3, StepAction.ALERT_HEAD, minutes_from_deadline=0), step(4, StepAction.OVERDUE,
                                                                           minutes_from_deadline=0)]
    assert due_list(steps) == [
        (START + dt.timedelta(hours=1), 1, 0), (START + dt.timedelta(hours=1), 2, 0),
        (DEADLINE, 4, 0), (DEADLINE, 3, 0),  # same moment: mark overdue before alerting the head
    ]


def test_a_warning_that_would_fall_before_the_deadline_started_does_not_exist():
    short = START + dt.timedelta(minutes=30)
    assert due_list([step(1, minutes_from_deadline=-60), step(2, elapsed_percent=50)], deadline=short) == [
        (START + dt.timedelta(minutes=15), 2, 0)]


def test_the_range_is_open_below_and_closed_above():
    steps = [step(1, elapsed_percent=50), step(2, minutes_from_deadline=0)]
    half = START + dt.timedelta(hours=1)
    assert due_list(steps, after=half, until=DEADLINE) == [(DEADLINE, 2, 0)]
    assert due_list(steps, after=None, until=half) == [(half, 1, 0)]
    assert next_moment(steps, started_at=START, deadline_at=DEADLINE, after=DEADLINE) is None


def test_a_repeating_step_yields_its_next_occurrence_and_only_the_latest_when_catching_up():
    daily = [step(1, StepAction.ALERT_HEAD, minutes_from_deadline=1440, repeat_minutes=1440)]
    day = dt.timedelta(days=1)
    assert next_moment(daily, started_at=START, deadline_at=DEADLINE, after=None) == DEADLINE + day
    assert next_moment(daily, started_at=START, deadline_at=DEADLINE, after=DEADLINE + day) == DEADLINE + 2 * day
    # A worker down for a week acts once, for the latest day, not seven times.
    assert due_list(daily, after=DEADLINE + day, until=DEADLINE + 7 * day + dt.timedelta(hours=3)) == [
        (DEADLINE + 7 * day, 1, 6)]
    assert due_list(daily, after=None, until=DEADLINE + 3 * day) == [(DEADLINE + 3 * day, 1, 2)]


@pytest.mark.django_db
def test_a_tier_with_its_own_lines_for_a_kind_uses_only_those(cast):
    a1 = policy_steps(cast.tier_a1.pk, [DeadlineKind.RESPONSE, DeadlineKind.REPORT_BACK])
    assert {s.tier_id for s in a1[DeadlineKind.RESPONSE]} == {cast.tier_a1.pk}
    assert StepAction.ESCALATE in {s.action for s in a1[DeadlineKind.RESPONSE]}
    assert {s.tier_id for s in a1[DeadlineKind.REPORT_BACK]} == {None}  # A1 has no report-back lines of its own
    b = policy_steps(cast.tier_b.pk, [DeadlineKind.RESPONSE])[DeadlineKind.RESPONSE]
    assert b and {s.tier_id for s in b} == {None} and StepAction.ESCALATE not in {s.action for s in b}


@pytest.mark.django_db
def test_an_inactive_line_is_not_used(cast):
    TimerStep.objects.filter(tier=None, kind=DeadlineKind.RESPONSE, action=StepAction.REMIND).update(active=False)
    actions = {s.action for s in policy_steps(cast.tier_b.pk, [DeadlineKind.RESPONSE])[DeadlineKind.RESPONSE]}
    assert StepAction.REMIND not in actions and StepAction.OVERDUE in actions


@pytest.mark.parametrize(("fields", "field"), [
    ({}, "elapsed_percent"),
    ({"elapsed_percent": 50, "minutes_from_deadline": 0}, "elapsed_percent"),
    ({"elapsed_percent": 150}, "elapsed_percent"),
    ({"minutes_from_deadline": 0, "channels": "inapp,fax"}, "channels"),
    ({"minutes_from_deadline": 0, "repeat_minutes": 0}, "repeat_minutes"),
])
def test_a_policy_line_that_cannot_work_is_refused_on_its_field(fields, field):
    line = TimerStep(kind=DeadlineKind.RESPONSE, action=StepAction.REMIND, **fields)
    with pytest.raises(ValidationError) as raised:
        line.clean()
    assert field in raised.value.message_dict


@pytest.mark.django_db
def test_only_an_escalation_names_the_tier_after_it(cast):
    line = TimerStep(kind=DeadlineKind.RESPONSE, action=StepAction.REMIND, minutes_from_deadline=0,
                     escalate_tier=cast.tier_a2)
    with pytest.raises(ValidationError) as raised:
        line.clean()
    assert "escalate_tier" in raised.value.message_dict
