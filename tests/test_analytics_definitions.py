"""How one case counts in the three rates (响应率、解决率、满意率), pinned on small hand-made cases, frozen clock.

The cast's clock starts on Wednesday 2026-09-30 10:00 (Asia/Shanghai), the eve of the National Day week
(10-01..07 off, Saturday 10-10 a make-up working day). The default case is a sanitation complaint: tier A2, the
幸福里社区 handles it, response within 2 clock hours, completion within 1 working day.
"""

import datetime as dt

from huying.analytics.models import CaseMeasure, Response, Verdict
from huying.analytics.refresh import measures_refresh_all
from huying.cases import services as svc
from huying.cases.models import CaseEvent
from tests.test_analytics_ledger_helpers import counters, handled, local, measure, rated, rollup

SEPT = 202609


def test_a_case_signed_for_by_its_response_deadline_is_responded_on_time(cast, new_case, clock):
    case = new_case()
    assert case.response_due_at == local(2026, 9, 30, 12)
    clock.move_to(local(2026, 9, 30, 12))  # exactly at the deadline is still on time
    svc.case_accept(case=case, by=cast.community_staff)
    assert measure(case).response == Response.ON_TIME
    assert rollup(cast.xingfu, SEPT) == counters(cases=1, response_due=1, response_on_time=1)


def test_a_case_signed_for_after_its_response_deadline_is_responded_late(cast, new_case, clock):
    case = new_case()
    clock.move_to(local(2026, 9, 30, 12, 1))
    svc.case_accept(case=case, by=cast.community_staff)
    assert measure(case).response == Response.LATE
    assert rollup(cast.xingfu, SEPT) == counters(cases=1, response_due=1)


def test_a_result_reported_without_signing_first_is_the_response(cast, new_case, clock):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    case.responded_at = None  # e.g. imported history: only the resolution moment is known
    case.save(update_fields=["responded_at"])
    clock.shift(dt.timedelta(hours=1))
    svc.case_resolve(case=case, by=cast.community_staff, result="已清运")
    assert (measure(case).response, measure(case).response_minutes) == (Response.ON_TIME, 60)


def test_an_unanswered_case_is_pending_and_turns_missed_at_its_deadline_without_any_event(cast, new_case, clock):
    case = new_case()
    pending = measure(case)
    assert (pending.response, pending.refresh_at) == (Response.PENDING, local(2026, 9, 30, 12))
    assert rollup(cast.xingfu, SEPT) == counters(cases=1)  # counted, but not yet due for a response
    events = CaseEvent.objects.filter(case=case).count()
    clock.move_to(local(2026, 9, 30, 11, 59))
    assert measures_refresh_all() == 0  # nothing is due before the deadline
    clock.move_to(local(2026, 9, 30, 12))
    assert measures_refresh_all() == 1  # the measure's own timer, not an event, brings it back
    missed = CaseMeasure.objects.get(pk=case.pk)
    assert (missed.response, missed.refresh_at) == (Response.MISSED, None)
    assert CaseEvent.objects.filter(case=case).count() == events
    assert rollup(cast.xingfu, SEPT) == counters(cases=1, response_due=1)


def test_a_late_answer_to_a_missed_case_stays_a_failed_response(cast, new_case, clock):
    case = new_case()
    clock.move_to(local(2026, 9, 30, 15))
    measures_refresh_all()
    svc.case_accept(case=case, by=cast.community_staff)
    assert measure(case).response == Response.LATE
    assert rollup(cast.xingfu, SEPT) == counters(cases=1, response_due=1)


def test_a_working_day_deadline_skips_the_national_day_week(cast, new_case, clock):
    # Tier C (园林局): respond within 1 working day, complete within 5 — counted on the statutory calendar.
    signed, silent = new_case(category=cast.trees), new_case(category=cast.trees)
    assert signed.response_due_at == local(2026, 10, 8, 10)
    assert signed.completion_due_at == local(2026, 10, 13, 10)  # 10-10, a Saturday, is a make-up working day
    clock.move_to(local(2026, 10, 7, 23, 59))
    measures_refresh_all()
    assert measure(silent).response == Response.PENDING  # a whole holiday week later, still within the deadline
    clock.move_to(local(2026, 10, 8, 9, 59))
    svc.case_accept(case=signed, by=cast.parks_handler)
    clock.move_to(local(2026, 10, 8, 10))
    assert (measure(signed).response, measure(silent).response) == (Response.ON_TIME, Response.MISSED)
    clock.move_to(local(2026, 10, 10, 16))
    svc.case_resolve(case=signed, by=cast.parks_handler, result="已修剪")
    assert measure(signed).resolved_on_time
    assert rollup(cast.parks, SEPT) == counters(cases=2, response_due=2, response_on_time=1, resolved=1,
                                                resolved_on_time=1)


def test_clock_hour_deadlines_run_through_the_holiday_and_working_days_do_not(cast, new_case, clock):
    clock.move_to(local(2026, 9, 30, 16))
    case = new_case()
    # A2: 2 clock hours to respond (the holiday does not stop them); 1 working day to complete.
    assert (case.response_due_at, case.completion_due_at) == (local(2026, 9, 30, 18), local(2026, 10, 8, 16))
    clock.move_to(local(2026, 10, 8, 15, 59))
    handled(cast, case)
    m = measure(case)
    assert (m.response, m.resolved, m.resolved_on_time) == (Response.LATE, True, True)


def test_a_result_after_the_completion_deadline_is_resolved_late(cast, new_case, clock):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    clock.move_to(local(2026, 10, 8, 10, 1))
    svc.case_resolve(case=case, by=cast.community_staff, result="已清运")
    assert rollup(cast.xingfu, SEPT) == counters(cases=1, response_due=1, response_on_time=1, resolved=1)


def test_a_consultation_answered_at_once_has_no_response_deadline_to_count(cast, new_case):
    case = new_case(request_type=cast.consult, category=None, auto_route=False, description="请问垃圾几点清运")
    svc.case_resolve(case=case, by=cast.operator, result="每天早上七点")
    m = measure(case)
    assert (m.response, m.resolved, m.handler_id) == (Response.NONE, True, cast.district.pk)
    assert rollup(cast.district, SEPT) == counters(cases=1, resolved=1)


def test_a_case_counts_for_the_unit_holding_it_and_every_unit_above(cast, new_case):
    case = new_case()
    handled(cast, case)
    row = counters(cases=1, response_due=1, response_on_time=1, resolved=1, resolved_on_time=1)
    for unit in (cast.xingfu, cast.east, cast.district, cast.city):
        assert rollup(unit, SEPT) == row
    for unit in (cast.grid1, cast.west, cast.centre):
        assert rollup(unit, SEPT) == counters()


def test_an_escalated_case_counts_for_the_unit_it_was_handed_to_and_its_response_for_the_unit_that_gave_it(
        cast, new_case):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_escalate(case=case, by=cast.community_staff, reason="需街道协调物业")
    assert measure(case).handler_id == cast.east.pk
    assert rollup(cast.xingfu, SEPT) == counters(response_due=1, response_on_time=1)
    assert rollup(cast.east, SEPT) == counters(cases=1, response_due=1, response_on_time=1)


def test_the_resident_rating_gives_the_verdict_by_the_score_bands(cast, new_case):
    verdicts = {}
    for score in (5, 4, 3, 2, 1):
        case = handled(cast, new_case(description=f"垃圾没人清运{score}"))
        rated(case, satisfaction=score)
        verdicts[score] = measure(case).verdict
    assert verdicts == {5: Verdict.SATISFIED, 4: Verdict.SATISFIED, 3: Verdict.BASIC, 2: Verdict.UNSATISFIED,
                        1: Verdict.UNSATISFIED}
    assert rollup(cast.xingfu, SEPT) == counters(cases=5, response_due=5, response_on_time=5, resolved=5,
                                                 resolved_on_time=5, evaluated=5, solved=5, satisfied=2, basic=1)


def test_a_case_nobody_evaluated_counts_in_no_denominator_of_solved_or_satisfied(cast, new_case):
    case = handled(cast, new_case())
    m = measure(case)
    assert (m.solved, m.verdict, m.evaluation_source) == (None, Verdict.NONE, "")
    assert rollup(cast.xingfu, SEPT) == counters(cases=1, response_due=1, response_on_time=1, resolved=1,
                                                 resolved_on_time=1)


def test_a_not_solved_rating_reopens_the_case_and_its_verdict_counts_until_a_new_evaluation(cast, new_case, clock):
    case = handled(cast, new_case())
    rated(case, satisfaction=2, solved=False)
    case.refresh_from_db()
    assert (case.status, case.reopen_count) == ("reopened", 1)
    m = measure(case)
    assert (m.resolved, m.solved, m.verdict, m.evaluation_source) == (False, False, Verdict.UNSATISFIED, "resident")
    assert rollup(cast.xingfu, SEPT) == counters(cases=1, response_due=1, response_on_time=1, evaluated=1)
    clock.shift(dt.timedelta(hours=3))
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_resolve(case=case, by=cast.community_staff, result="已彻底清运")
    assert measure(case).verdict == Verdict.UNSATISFIED  # re-resolved, not yet re-evaluated: the old verdict
    rated(case, satisfaction=5, solved=True)
    m = measure(case)
    assert (m.solved, m.verdict) == (True, Verdict.SATISFIED)
    # One event, one rating: the case is still one evaluated case, with its latest verdict.
    assert rollup(cast.xingfu, SEPT) == counters(cases=1, response_due=1, response_on_time=1, resolved=1,
                                                 resolved_on_time=1, evaluated=1, solved=1, satisfied=1)


def test_a_reopen_keeps_the_response_as_it_was_given(cast, new_case, clock):
    case = new_case()
    clock.move_to(local(2026, 9, 30, 13))
    handled(cast, case)  # signed for an hour after the response deadline
    due = case.response_due_at
    svc.case_reopen(case=case, by=cast.operator, reason="回访称未清运")
    case.refresh_from_db()
    assert case.response_due_at == due and case.completion_due_at > local(2026, 10, 8, 10)
    assert measure(case).response == Response.LATE


def test_a_redispatched_case_is_judged_on_the_new_units_own_response_deadline(cast, new_case, clock):
    case = new_case()
    clock.move_to(local(2026, 9, 30, 13))
    measures_refresh_all()
    assert measure(case).response == Response.MISSED
    svc.case_dispatch(case=case, to=cast.parks, by=cast.operator, reason="属园林绿化", tier=cast.tier_c)
    m = measure(case)
    assert (m.handler_id, m.response) == (cast.parks.pk, Response.PENDING)
    assert rollup(cast.xingfu, SEPT) == counters() and rollup(cast.parks, SEPT) == counters(cases=1)


def test_a_problem_found_by_staff_is_counted_apart_from_residents_requests(cast, new_case):
    found = new_case(by=cast.grid_worker, channel="patrol", proactive=True, auto_route=False)
    svc.case_solve_on_spot(case=found, by=cast.grid_worker, result="已当场清理")
    handled(cast, new_case())
    assert measure(found).proactive
    assert rollup(cast.grid1, SEPT) == counters(proactive=1)
    assert rollup(cast.xingfu, SEPT)["proactive"] == 1 and rollup(cast.xingfu, SEPT)["cases"] == 1
