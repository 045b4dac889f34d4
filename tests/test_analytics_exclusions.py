"""Taking a case out of the three rates (考核核减): asked with a reason and a note, approved by a supervisor outside
the asking unit, refused only with a note, revocable; invalid and merged cases leave by their own approved actions.
Every step is in the case's audit trail, and bad input names its field in Chinese."""

import pytest

from huying.analytics.models import CaseMeasure
from huying.cases import services as svc
from huying.cases.models import CaseEvent
from huying.lib.errors import Forbidden, InvalidInput, NotAllowed
from tests.test_analytics_ledger_helpers import counters, handled, measure, rollup

SEPT = 202609
HANDLED = counters(cases=1, response_due=1, response_on_time=1, resolved=1, resolved_on_time=1)


def ask(case, by, reason="malicious", note="同一号码一天内反复来电辱骂，经核实无具体诉求"):
    return svc.case_request_exclusion(case=case, by=by, reason=reason, note=note)


def test_an_approved_exclusion_takes_the_case_out_of_the_rates_and_the_trail_says_who_and_why(cast, new_case):
    case = handled(cast, new_case())
    ask(case, cast.community_staff)
    assert (case.exclusion_requested, case.exclusion) == ("malicious", "")
    assert rollup(cast.xingfu, SEPT) == HANDLED  # a request alone changes nothing
    svc.case_decide_exclusion(case=case, by=cast.command, approve=True, note="同意核减")
    assert (case.exclusion_requested, case.exclusion) == ("", "malicious")
    assert measure(case).exclusion == "malicious"
    assert rollup(cast.xingfu, SEPT) == counters(excluded=1)
    asked, decided = CaseEvent.objects.filter(case=case, action__in=("request_exclusion", "decide_exclusion"))
    assert (asked.actor, asked.actor_unit, asked.data, asked.note) == (
        cast.community_staff, cast.xingfu, {"reason": "malicious"}, "同一号码一天内反复来电辱骂，经核实无具体诉求")
    assert (decided.actor, decided.note, decided.data) == (
        cast.command, "同意核减", {"reason": "malicious", "approved": True, "requested_by": cast.community_staff.pk})


def test_neither_the_asker_nor_its_unit_nor_the_measured_unit_approves(cast, new_case):
    from huying.org.models import Role, User

    case = handled(cast, new_case())
    ask(case, cast.command)  # a supervisor of the command centre asks: its own centre does not decide
    for colleague in (cast.command, cast.leader):
        with pytest.raises(Forbidden) as refused:
            svc.case_decide_exclusion(case=case, by=colleague, approve=True)
        assert "申请人和承办单位以外" in str(refused.value.message)
    with pytest.raises(Forbidden):
        svc.case_decide_exclusion(case=case, by=cast.street_dispatcher, approve=True)  # not a supervisor
    # A leader sitting in the unit being measured (the community holding the case) never decides either.
    community_leader = User.objects.create(username="xingfu_leader", unit=cast.xingfu, role=Role.LEADER)
    with pytest.raises(Forbidden):
        svc.case_decide_exclusion(case=case, by=community_leader, approve=True)
    svc.case_decide_exclusion(case=case, by=cast.admin, approve=True)
    assert case.exclusion == "malicious"


def test_a_refusal_needs_a_note_and_the_case_keeps_counting(cast, new_case):
    case = handled(cast, new_case())
    ask(case, cast.community_staff, reason="out_of_jurisdiction", note="属物业管理范围")
    with pytest.raises(InvalidInput) as refused:
        svc.case_decide_exclusion(case=case, by=cast.command, approve=False, note="  ")
    assert (refused.value.field, str(refused.value.message)) == ("note", "请填写说明")
    svc.case_decide_exclusion(case=case, by=cast.command, approve=False, note="小区垃圾清运属社区督促范围")
    assert (case.exclusion_requested, case.exclusion) == ("", "")
    assert CaseEvent.objects.get(case=case, action="decide_exclusion").data["approved"] is False
    assert rollup(cast.xingfu, SEPT) == HANDLED


@pytest.mark.parametrize(("reason", "note", "field", "message"), [
    ("", "说明", "reason", "请选择核减原因"),
    ("no_such_reason", "说明", "reason", "请选择核减原因"),
    ("duplicate", "   ", "note", "请填写说明"),
])
def test_a_request_needs_a_known_reason_and_a_note(cast, new_case, reason, note, field, message):
    case = new_case()
    with pytest.raises(InvalidInput) as refused:
        ask(case, cast.community_staff, reason=reason, note=note)
    assert (refused.value.field, str(refused.value.message)) == (field, message)
    assert not CaseEvent.objects.filter(case=case, action="request_exclusion").exists()


def test_only_dispatchers_and_the_handling_unit_may_ask(cast, new_case):
    case = new_case()
    with pytest.raises(Forbidden) as refused:
        ask(case, cast.grid_worker)
    assert str(refused.value.message) == "无权申请核减"
    ask(case, cast.street_dispatcher)
    assert case.exclusion_requested == "malicious"


def test_one_request_at_a_time_and_no_decision_without_a_request(cast, new_case):
    case = new_case()
    with pytest.raises(NotAllowed) as nothing:
        svc.case_decide_exclusion(case=case, by=cast.command, approve=True)
    assert nothing.value.code == "no_exclusion_request"
    ask(case, cast.community_staff)
    with pytest.raises(NotAllowed) as twice:
        ask(case, cast.street_dispatcher)
    assert twice.value.code == "exclusion_exists"


def test_restoring_counting_puts_the_case_back_with_a_note_from_a_supervisor(cast, new_case):
    case = handled(cast, new_case())
    with pytest.raises(NotAllowed) as not_excluded:
        svc.case_restore_counting(case=case, by=cast.command, note="误核减")
    assert not_excluded.value.code == "not_excluded"
    ask(case, cast.community_staff, reason="duplicate")
    svc.case_decide_exclusion(case=case, by=cast.command, approve=True)
    assert rollup(cast.xingfu, SEPT) == counters(excluded=1)
    with pytest.raises(Forbidden):
        svc.case_restore_counting(case=case, by=cast.community_staff, note="误核减")
    with pytest.raises(InvalidInput) as no_note:
        svc.case_restore_counting(case=case, by=cast.leader, note="")
    assert no_note.value.field == "note"
    svc.case_restore_counting(case=case, by=cast.leader, note="经复核并非重复件")
    assert case.exclusion == "" and rollup(cast.xingfu, SEPT) == HANDLED
    restored = CaseEvent.objects.get(case=case, action="restore_counting")
    assert (restored.actor, restored.data, restored.note) == (cast.leader, {"reason": "duplicate"}, "经复核并非重复件")


def test_an_invalid_case_and_a_merged_repeat_do_not_count_and_the_case_joined_counts_once(cast, new_case):
    kept, repeat, prank = new_case(), new_case(description="3号楼垃圾没人收"), new_case(description="测试来电")
    svc.case_merge(case=repeat, into=kept, by=cast.operator, note="同一地点同一问题")
    svc.case_invalidate(case=prank, by=cast.command, reason="恶意来电")
    assert (measure(repeat).exclusion, measure(prank).exclusion, measure(kept).exclusion) == ("duplicate", "invalid",
                                                                                              "")
    assert rollup(cast.xingfu, SEPT) == counters(cases=1, excluded=2)
    invalidated = CaseEvent.objects.get(case=prank, action="invalidate")
    assert (invalidated.actor, invalidated.note, invalidated.data["approved_by"]) == (cast.command, "恶意来电",
                                                                                   cast.command.pk)


def test_a_merged_or_invalid_case_cannot_be_asked_out_again(cast, new_case):
    kept, repeat = new_case(), new_case(description="3号楼垃圾没人收")
    svc.case_merge(case=repeat, into=kept, by=cast.operator)
    with pytest.raises(NotAllowed) as refused:
        ask(repeat, cast.operator)
    assert refused.value.code == "transition_not_allowed"


def test_an_exclusion_approved_before_the_worker_ran_is_counted_once_as_excluded(cast, new_case):
    case = new_case()
    ask(case, cast.community_staff)
    svc.case_decide_exclusion(case=case, by=cast.command, approve=True)
    assert CaseMeasure.objects.get(pk=case.pk).computed_at is None  # marked, not yet counted
    assert rollup(cast.xingfu, SEPT) == counters(excluded=1)
    assert rollup(cast.district, SEPT) == counters(excluded=1)


def test_an_operators_request_is_decided_by_the_command_centre_of_the_same_centre(cast, new_case):
    from huying.cases import services as svc

    case = new_case()
    svc.case_request_exclusion(case=case, by=cast.operator, reason="malicious", note="同一号码反复恶意来电")
    case.refresh_from_db()
    svc.case_decide_exclusion(case=case, by=cast.command, approve=True)
    case.refresh_from_db()
    assert (case.exclusion, case.exclusion_requested) == ("malicious", "")


def test_a_street_leader_does_not_take_its_own_communitys_case_out_of_the_rates(cast, new_case):
    from huying.org.models import Role, User

    case = handled(cast, new_case())  # held by 幸福里社区, under 东湖街道
    ask(case, cast.community_staff)
    street_leader = User.objects.create(username="east_leader", unit=cast.east, role=Role.LEADER)
    with pytest.raises(Forbidden):
        svc.case_decide_exclusion(case=case, by=street_leader, approve=True)
    svc.case_decide_exclusion(case=case, by=cast.command, approve=True)  # the district's command centre decides
    assert case.exclusion == "malicious"
