"""Call-backs (回访): an operator records whether the resident was reached and, if so, whether the problem was solved
and how satisfied they are. A reached call-back is an evaluation like the resident's rating (the latest one counts;
at the same moment the call-back wins); an unreached one decides nothing; "not solved" reopens the case by the
policy, within the reopen limit the resident's own requests share and the resident's reopen window (a late one
still counts, but does not bring an archived case back)."""

import datetime as dt

import pytest

from huying.analytics.models import Verdict
from huying.cases import services as svc
from huying.cases.models import Case, CaseEvent
from huying.feedback.models import CallBack, FeedbackPolicy, ReopenRule
from huying.feedback.services import callback_record, resident_reopen
from huying.lib.errors import Forbidden, InvalidInput, NotAllowed
from tests.test_analytics_ledger_helpers import counters, handled, measure, rated, rollup

SEPT = 202609
HANDLED = {"cases": 1, "response_due": 1, "response_on_time": 1, "resolved": 1, "resolved_on_time": 1}


def call(case, by, reached=True, solved=True, satisfaction="satisfied", note="居民表示垃圾已清运"):
    return callback_record(case=case, by=by, reached=reached, solved=solved, satisfaction=satisfaction, note=note)


def reload(case: Case) -> Case:
    case.refresh_from_db()
    return case


def test_a_reached_call_back_is_recorded_with_its_verdict_and_written_in_the_audit_trail(cast, new_case):
    case = handled(cast, new_case())
    callback = call(case, cast.operator, satisfaction="basic")
    assert (callback.round, callback.reached, callback.solved, callback.satisfaction, callback.operator) == (
        0, True, True, "basic", cast.operator)
    event = CaseEvent.objects.get(case=case, action="callback")
    assert (event.actor, event.from_status, event.to_status) == (cast.operator, "resolved", "resolved")
    assert event.data == {"round": 0, "reached": True, "solved": True, "satisfaction": "basic"}
    assert event.note == ""  # the operator's note may quote the resident: it stays with the call-back
    m = measure(case)
    assert (m.solved, m.verdict, m.evaluation_source) == (True, Verdict.BASIC, "callback")
    assert rollup(cast.xingfu, SEPT) == counters(**HANDLED, evaluated=1, solved=1, basic=1)


def test_an_unreached_call_back_is_kept_but_decides_nothing(cast, new_case):
    silent, rated_first = handled(cast, new_case()), handled(cast, new_case(description="楼道垃圾堆积"))
    rated(rated_first, satisfaction=5)
    for case in (silent, rated_first):
        callback = call(case, cast.operator, reached=False, solved=False, satisfaction="unsatisfied")
        assert (callback.solved, callback.satisfaction) == (None, "")  # nobody answered: whatever the form said
    assert (measure(silent).verdict, measure(rated_first).verdict) == (Verdict.NONE, Verdict.SATISFIED)
    assert (reload(silent).status, reload(rated_first).status) == ("resolved", "resolved")
    assert CaseEvent.objects.get(case=silent, action="callback").data["reached"] is False


def test_a_reached_call_back_overrides_an_earlier_rating_and_a_later_rating_overrides_it(cast, new_case, clock):
    case = handled(cast, new_case())
    rated(case, satisfaction=5)
    clock.shift(dt.timedelta(hours=1))
    call(case, cast.operator, satisfaction="basic")
    assert (measure(case).verdict, measure(case).evaluation_source) == (Verdict.BASIC, "callback")
    second = handled(cast, new_case(description="楼道垃圾堆积"))
    call(second, cast.operator, satisfaction="basic")
    clock.shift(dt.timedelta(hours=1))
    rated(second, satisfaction=5)
    assert (measure(second).verdict, measure(second).evaluation_source) == (Verdict.SATISFIED, "resident")
    assert rollup(cast.xingfu, SEPT) == counters(**{k: 2 * v for k, v in HANDLED.items()}, evaluated=2, solved=2,
                                                 satisfied=1, basic=1)


def test_a_call_back_made_at_the_same_moment_as_a_rating_wins_whichever_was_saved_first(cast, new_case):
    rating_first, call_first = handled(cast, new_case()), handled(cast, new_case(description="楼道垃圾堆积"))
    rated(rating_first, satisfaction=5)
    call(rating_first, cast.operator, satisfaction="basic")
    call(call_first, cast.operator, satisfaction="basic")
    rated(call_first, satisfaction=5)
    assert measure(rating_first).verdict == measure(call_first).verdict == Verdict.BASIC


def test_of_two_call_backs_at_the_same_moment_the_later_recorded_counts(cast, new_case):
    case = handled(cast, new_case())
    call(case, cast.operator, satisfaction="satisfied")
    call(case, cast.command, satisfaction="basic")
    assert measure(case).verdict == Verdict.BASIC


def test_a_not_solved_call_back_reopens_the_case_by_the_default_policy(cast, new_case):
    case = handled(cast, new_case())
    call(case, cast.operator, solved=False, satisfaction="unsatisfied", note="居民称垃圾仍未清运")
    case = reload(case)
    assert (case.status, case.reopen_count, case.current_unit) == ("reopened", 1, cast.xingfu)
    reopen = CaseEvent.objects.get(case=case, action="reopen")
    assert (reopen.actor, reopen.note, reopen.data) == (cast.operator, "回访反映问题未解决", {"after": "callback"})
    m = measure(case)
    assert (m.solved, m.verdict, m.resolved) == (False, Verdict.UNSATISFIED, False)


@pytest.mark.parametrize(("after", "reopened"), [(dt.timedelta(days=7), True),
                                                 (dt.timedelta(days=7, minutes=1), False),
                                                 (dt.timedelta(days=120), False)])
def test_a_not_solved_call_back_reopens_only_within_the_reopen_window_and_counts_either_way(cast, new_case, clock,
                                                                                         after, reopened):
    case = handled(cast, new_case())
    svc.case_close(case=case, by=cast.operator)
    clock.shift(after)
    call(case, cast.operator, solved=False, satisfaction="unsatisfied", note="居民称垃圾仍未清运")
    case = reload(case)
    assert (case.status, case.reopen_count) == (("reopened", 1) if reopened else ("closed", 0))
    assert (measure(case).solved, measure(case).verdict) == (False, Verdict.UNSATISFIED)


def test_a_not_solved_rating_in_a_long_rating_window_reopens_only_within_the_reopen_window(cast, new_case, clock):
    FeedbackPolicy.objects.update_or_create(pk=1, defaults={"rating_window_days": 30, "reopen_window_days": 7})
    case = handled(cast, new_case())
    clock.shift(dt.timedelta(days=10))
    rated(case, satisfaction=1, solved=False)
    case = reload(case)
    assert (case.status, case.reopen_count) == ("resolved", 0)
    assert (measure(case).solved, measure(case).verdict) == (False, Verdict.UNSATISFIED)


@pytest.mark.parametrize(("rule", "by_rating", "by_callback"), [
    (ReopenRule.NEVER, False, False), (ReopenRule.RATING, True, False), (ReopenRule.CALLBACK, False, True),
    (ReopenRule.EITHER, True, True),
])
def test_the_policy_says_which_not_solved_evaluation_reopens(cast, new_case, rule, by_rating, by_callback):
    FeedbackPolicy.objects.update_or_create(pk=1, defaults={"reopen_on_not_solved": rule})
    rated_case, called_case = handled(cast, new_case()), handled(cast, new_case(description="楼道垃圾堆积"))
    rated(rated_case, satisfaction=1, solved=False)
    call(called_case, cast.operator, solved=False, satisfaction="unsatisfied")
    assert (reload(rated_case).status == "reopened", reload(called_case).status == "reopened") == (
        by_rating, by_callback)
    assert measure(rated_case).solved is False and measure(called_case).solved is False


def test_a_call_back_after_the_residents_own_reopen_does_not_reopen_again_within_the_limit(cast, new_case):
    case = handled(cast, new_case())
    resident_reopen(case=case, reason="垃圾还在")
    handled(cast, reload(case))
    call(case, cast.operator, solved=False, satisfaction="unsatisfied")
    rated(reload(case), satisfaction=1, solved=False)
    case = reload(case)
    assert (case.status, case.reopen_count) == ("resolved", 1)
    # Not reopened, but counted as it was said: the latest evaluation, not solved.
    assert (measure(case).solved, measure(case).verdict) == (False, Verdict.UNSATISFIED)


def test_after_a_call_back_reopened_the_case_the_resident_may_not_reopen_it_again_within_the_limit(cast, new_case):
    case = handled(cast, new_case())
    call(case, cast.operator, solved=False, satisfaction="unsatisfied")
    handled(cast, reload(case))
    with pytest.raises(NotAllowed) as refused:
        resident_reopen(case=reload(case), reason="还是没清运")
    assert refused.value.code == "reopen_limit_reached"
    FeedbackPolicy.objects.update_or_create(pk=1, defaults={"reopen_limit": 2})
    resident_reopen(case=reload(case), reason="还是没清运")
    assert reload(case).reopen_count == 2


def test_a_call_back_of_a_reopened_round_is_recorded_against_that_round(cast, new_case):
    case = handled(cast, new_case())
    svc.case_reopen(case=case, by=cast.operator, reason="复核未清运")
    handled(cast, case)
    assert call(case, cast.operator).round == 1
    assert CaseEvent.objects.get(case=case, action="callback").data["round"] == 1


@pytest.mark.parametrize(("answers", "field", "message"), [
    ({"reached": True, "solved": None}, "solved", "请选择问题是否已解决"),
    ({"reached": True, "satisfaction": ""}, "satisfaction", "请选择满意度"),
    ({"reached": True, "satisfaction": "happy"}, "satisfaction", "请选择满意度"),
    ({"reached": False, "note": "无人接听" * 501}, "note", "回访记录不能超过2000字"),
])
def test_a_call_back_with_missing_or_bad_answers_is_refused_naming_the_field(cast, new_case, answers, field,
                                                                            message):
    case = handled(cast, new_case())
    with pytest.raises(InvalidInput) as refused:
        call(case, cast.operator, **answers)
    assert (refused.value.field, str(refused.value.message)) == (field, message)
    assert not CallBack.objects.exists() and not CaseEvent.objects.filter(action="callback").exists()


def test_only_a_resolved_case_is_called_back_and_only_by_the_hotline_or_the_command_centre(cast, new_case):
    open_case, case = new_case(), handled(cast, new_case(description="楼道垃圾堆积"))
    with pytest.raises(NotAllowed) as too_early:
        call(open_case, cast.operator)
    assert too_early.value.code == "transition_not_allowed"
    with pytest.raises(Forbidden) as refused:
        call(case, cast.community_staff)
    assert str(refused.value.message) == "只有话务员或指挥中心可以登记回访"
    assert not CallBack.objects.exists()
    svc.case_close(case=case, by=cast.operator)
    assert call(case, cast.command).reached  # an archived case can still be called back
