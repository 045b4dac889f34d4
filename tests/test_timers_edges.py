"""The edges a review found: late extensions, policy changes, escalations in a batch, catch-up, no head."""

import datetime as dt

from huying.cases import services as svc
from huying.cases.models import Case, CaseTimer
from huying.cases.timers import timers_rebuild
from huying.catalog.models import DeadlineKind, DispatchRule, StepAction, TimerStep
from huying.notify.models import Notification
from tests.test_timers_walk import _at_street, at, fire, steps_of, told


def test_an_extension_granted_after_its_own_end_is_overdue_at_once(cast, heads, new_case, clock):
    case = _at_street(cast, new_case, clock)
    svc.case_request_extension(case=case, by=cast.street_dispatcher, until=at(10, 20, 17, 0), reason="需采购")
    clock.move_to(at(10, 21, 9, 0))  # decided the morning after the extension's end
    svc.case_approve_extension(case=Case.objects.get(pk=case.pk), by=cast.leader)
    fire(clock, at(10, 21, 9, 1))
    assert steps_of(case) == [("overdue", "extension"), ("alert_head", "extension")]


def test_a_policy_change_reaches_running_deadlines_through_a_rebuild(cast, heads, new_case, clock):
    case = new_case()  # response due 12:00; the default policy's first step is at half time (11:00)
    TimerStep.objects.create(kind=DeadlineKind.RESPONSE, action=StepAction.REMIND, elapsed_percent=10)
    assert case.timers.get(kind="response").next_at == at(9, 30, 11, 0)  # armed before the change
    timers_rebuild(Case.objects.filter(pk=case.pk))
    assert case.timers.get(kind="response").next_at == at(9, 30, 10, 12)
    assert fire(clock, at(9, 30, 10, 12)).steps == 1


def test_a_timer_replaced_by_an_escalation_earlier_in_the_batch_does_not_act_for_the_old_unit(
        cast, heads, new_case, clock):
    DispatchRule.objects.filter(category=cast.sanitation).update(tier=cast.tier_a1)
    case = new_case()  # at the grid: response (30 min, escalates) and return window (2 h) running
    fire(clock, at(9, 30, 11, 45))  # one late pass: the response timer escalates the case first
    case.refresh_from_db()
    assert (case.status, case.current_unit) == ("escalated", cast.xingfu)
    grid_steps = case.events.filter(data__has_key="timer", unit=cast.grid1).values_list("action", "data__kind")
    assert ("remind", "return_window") not in set(grid_steps)


def test_a_case_escalated_by_hand_is_not_moved_again_by_its_tiers_policy(cast, heads, new_case, clock):
    DispatchRule.objects.filter(category=cast.sanitation).update(tier=cast.tier_a1)
    case = new_case()
    svc.case_accept(case=case, by=cast.grid_worker)
    svc.case_escalate(case=Case.objects.get(pk=case.pk), by=cast.grid_worker, reason="需社区协调")
    fire(clock, at(9, 30, 12, 0))  # A1's completion deadline (2 h) passes with the case at the community
    case.refresh_from_db()
    assert (case.status, case.current_unit) == ("escalated", cast.xingfu)
    assert not case.events.filter(action="auto_escalate").exists()
    assert ("overdue", "completion") in steps_of(case)


def test_two_reminders_of_one_deadline_due_together_go_out_as_one(cast, heads, new_case, clock):
    case = _at_street(cast, new_case, clock)  # tier B: 3 working days → 10-10 10:00 (a make-up Saturday)
    assert case.timers.get().deadline_at == at(10, 10, 10, 0)
    report = fire(clock, at(10, 10, 9, 30))  # half time and "one hour left" are both past
    assert [a for a, k in steps_of(case) if k == "completion"] == ["remind"]
    assert report.skipped == 1
    assert told(case, "timer_remind") >= {("inapp", str(cast.street_dispatcher.pk))}


def test_an_alert_for_a_unit_without_a_head_reaches_its_staff_and_says_so(cast, new_case, clock):
    case = new_case()
    fire(clock, at(9, 30, 12, 0))
    alert = case.events.get(action="alert_head")
    assert (alert.data["told"], alert.data["recipients"]) == ("staff", 1)
    assert ("inapp", str(cast.community_staff.pk)) in told(case, "timer_alert_head")


def test_the_rebuild_command_arms_and_retimes(cast, heads, new_case, clock):
    import io

    from django.core.management import call_command

    new_case()
    CaseTimer.objects.all().delete()
    out = io.StringIO()
    call_command("timers_rebuild", stdout=out)
    assert "2 timers running on 1 open cases" in out.getvalue()
    assert Notification.objects.filter(template__startswith="timer").count() == 0
    assert CaseTimer.objects.filter(next_at=at(9, 30, 11, 0)).exists()
    assert dt.timedelta(0) < at(9, 30, 11, 0) - at(9, 30, 10, 0)
