"""Whole stories through the services, as the people in them would act."""

import datetime as dt

import pytest
from django.utils import timezone

from huying.cases import services as svc
from huying.cases.models import Case
from huying.lib.errors import Forbidden, InvalidInput, NotAllowed


def actions(case: Case) -> list[str]:
    return list(case.events.values_list("action", flat=True))


def test_community_accepts_handles_and_resolves_then_operator_archives(cast, new_case, clock):
    case = new_case()
    clock.shift(dt.timedelta(minutes=20))
    svc.case_accept(case=case, by=cast.community_staff)
    assert case.responded_at == timezone.now()
    svc.case_start(case=case, by=cast.community_staff)
    svc.case_add_note(case=case, by=cast.community_staff, note="已通知物业安排清运")
    svc.case_resolve(case=case, by=cast.community_staff, result="垃圾已全部清运，已回复诉求人")
    svc.case_close(case=case, by=cast.operator)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.result) == ("closed", "垃圾已全部清运，已回复诉求人")
    assert actions(stored) == ["create", "dispatch", "accept", "start", "add_note", "resolve", "close"]
    assert stored.version == 7


def test_operator_answers_a_consultation_at_once(cast, new_case):
    case = new_case(request_type=cast.consult, auto_route=False, description="请问社保卡在哪里补办？")
    svc.case_resolve(case=case, by=cast.operator, result="告知可到街道政务服务中心补办")
    assert case.status == "resolved" and actions(case) == ["create", "resolve"]


def test_grid_worker_cannot_resolve_a_case_held_by_the_community(cast, new_case):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    with pytest.raises(Forbidden):
        svc.case_resolve(case=case, by=cast.grid_worker, result="处理好了")


def test_return_within_the_window_goes_back_to_the_dispatcher_with_the_reason(cast, new_case, clock):
    case = new_case()
    clock.shift(dt.timedelta(minutes=30))
    svc.case_return(case=case, by=cast.community_staff, reason="该地址属于西山街道")
    assert (case.status, case.current_unit) == ("returned", cast.centre)
    assert case.events.last().note == "该地址属于西山街道"


def test_return_after_the_window_is_refused(cast, new_case, clock):
    case = new_case()
    clock.shift(dt.timedelta(hours=3))
    with pytest.raises(NotAllowed) as refused:
        svc.case_return(case=case, by=cast.community_staff, reason="不属本社区")
    assert refused.value.code == "return_window_passed"


def test_return_without_a_reason_names_the_field(cast, new_case):
    with pytest.raises(InvalidInput) as refused:
        svc.case_return(case=new_case(), by=cast.community_staff, reason="  ")
    assert refused.value.field == "reason"


def test_escalation_climbs_grid_community_street_then_command_centre(cast, new_case):
    case = new_case(auto_route=False)
    svc.case_dispatch(case=case, to=cast.grid1, by=cast.operator)
    climbed = []
    for holder in (cast.grid_worker, cast.community_staff, cast.street_dispatcher):
        svc.case_accept(case=case, by=holder)
        svc.case_escalate(case=case, by=holder, reason="本级无法解决")
        climbed.append(case.current_unit)
    assert climbed == [cast.xingfu, cast.east, cast.centre]
    assert case.status == "escalated"


def test_department_escalates_to_the_command_centre(cast, new_case):
    case = new_case(category=cast.trees)
    svc.case_accept(case=case, by=cast.parks_handler)
    svc.case_escalate(case=case, by=cast.parks_handler, reason="涉及多部门")
    assert case.current_unit == cast.centre


def test_street_summons_departments_and_gets_the_case_back_when_all_report(cast, new_case):
    case = new_case(auto_route=False)
    svc.case_dispatch(case=case, to=cast.east, by=cast.operator)
    svc.case_accept(case=case, by=cast.street_dispatcher)
    due = timezone.now() + dt.timedelta(hours=4)
    svc.case_summon(case=case, by=cast.street_dispatcher, departments=[cast.parks, cast.water], report_due_at=due)
    svc.case_report_back(case=case, by=cast.parks_handler, report="已修剪树枝")
    assert case.status == "summoned"
    with pytest.raises(Forbidden):
        svc.case_report_back(case=case, by=cast.parks_handler, report="重复报到")
    svc.case_report_back(case=case, by=cast.water_handler, report="已修复管道")
    assert case.status == "in_progress"
    assert sorted(case.assignments.values_list("report", flat=True)) == ["已修剪树枝", "已修复管道"]
    svc.case_resolve(case=case, by=cast.street_dispatcher, result="各部门已处置完毕")


def test_only_a_street_may_summon(cast, new_case):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    with pytest.raises(NotAllowed):
        svc.case_summon(case=case, by=cast.community_staff, departments=[cast.parks],
                        report_due_at=timezone.now() + dt.timedelta(hours=2))


def test_approved_extension_moves_the_completion_deadline(cast, new_case):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    until = case.completion_due_at + dt.timedelta(days=3)
    svc.case_request_extension(case=case, by=cast.community_staff, until=until, reason="需等待配件")
    with pytest.raises(Forbidden):
        svc.case_approve_extension(case=case, by=cast.community_staff)
    svc.case_approve_extension(case=case, by=cast.leader, note="同意")
    assert (case.status, case.completion_due_at, case.extension_until) == ("in_progress", until, None)


def test_refused_extension_keeps_the_deadline(cast, new_case):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    due = case.completion_due_at
    svc.case_request_extension(case=case, by=cast.community_staff, until=due + dt.timedelta(days=1), reason="人手不足")
    svc.case_approve_extension(case=case, by=cast.command, approve=False, note="不同意，请按时办结")
    assert (case.status, case.completion_due_at) == ("in_progress", due)


def test_extension_must_be_later_than_the_current_deadline(cast, new_case):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    with pytest.raises(InvalidInput) as refused:
        svc.case_request_extension(case=case, by=cast.community_staff, until=case.completion_due_at, reason="x")
    assert refused.value.field == "until"


def test_reopened_case_goes_back_to_its_unit_with_a_fresh_deadline(cast, new_case, clock):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_resolve(case=case, by=cast.community_staff, result="已处理")
    clock.shift(dt.timedelta(days=1))
    svc.case_reopen(case=case, by=cast.operator, reason="回访：垃圾仍未清运")
    assert (case.status, case.current_unit, case.reopen_count, case.resolved_at) == (
        "reopened", cast.xingfu, 1, None)
    assert case.completion_due_at > timezone.now()
    svc.case_accept(case=case, by=cast.community_staff)


def test_merged_case_points_at_the_open_one_and_both_timelines_say_so(cast, new_case):
    first, repeat = new_case(), new_case(description="3号楼垃圾没人收")
    svc.case_merge(case=repeat, into=first, by=cast.operator, note="同一地点同一问题")
    assert (repeat.status, repeat.merged_into) == ("merged", first)
    assert first.events.filter(action="merge_in", data__from=repeat.number).exists()


def test_cannot_merge_into_a_closed_case(cast, new_case):
    first, repeat = new_case(), new_case()
    svc.case_invalidate(case=first, by=cast.command, reason="测试来电")
    with pytest.raises(InvalidInput) as refused:
        svc.case_merge(case=repeat, into=first, by=cast.operator)
    assert refused.value.field == "into"


def test_handler_asks_and_a_supervisor_decides_invalidation(cast, new_case):
    case = new_case()
    with pytest.raises(Forbidden):
        svc.case_invalidate(case=case, by=cast.community_staff, reason="恶意骚扰")
    svc.case_request_invalidation(case=case, by=cast.community_staff, reason="同一号码一天内骚扰来电二十次")
    assert case.status == "dispatched"
    svc.case_invalidate(case=case, by=cast.leader, reason="核实为恶意骚扰")
    assert case.status == "invalid"
    assert case.events.last().data == {"approved_by": cast.leader.pk, "requested_by": cast.community_staff.pk}


def test_merge_target_outside_the_callers_scope_is_unknown(cast, new_case):
    west, east = new_case(address="", lat=30.705, lon=114.405), new_case()
    with pytest.raises(InvalidInput) as refused:
        svc.case_merge(case=east, into=west, by=cast.street_dispatcher)
    assert refused.value.field == "into"


def test_rerouting_needs_a_reason(cast, new_case):
    case = new_case()
    with pytest.raises(InvalidInput):
        svc.case_dispatch(case=case, to=cast.east, by=cast.command)
    svc.case_dispatch(case=case, to=cast.east, by=cast.command, reason="需街道统筹", tier=cast.tier_b)
    assert (case.current_unit, case.tier) == (cast.east, cast.tier_b)


def test_cohandlers_are_recorded_beside_the_lead_unit(cast, new_case):
    case = new_case(category=cast.trees)
    svc.case_add_cohandlers(case=case, by=cast.parks_handler, units=[cast.water, cast.water_co])
    assert set(case.assignments.filter(role="co").values_list("unit__name", flat=True)) == {"水务局", "供水公司"}


def test_anonymous_reporter_keeps_no_name(cast, new_case):
    case = new_case(anonymous=True)
    assert case.reporter_name == ""


def test_case_without_description_is_refused_and_nothing_is_written(cast, new_case):
    with pytest.raises(InvalidInput) as refused:
        new_case(description="   ")
    assert refused.value.field == "description"
    assert Case.objects.count() == 0


def test_grid_worker_solves_what_they_found_on_the_spot(cast, new_case):
    case = new_case(by=cast.grid_worker, channel="patrol", proactive=True, auto_route=False)
    svc.case_solve_on_spot(case=case, by=cast.grid_worker, result="已当场清理")
    assert (case.status, case.current_unit, case.resolved_at) == ("resolved", cast.grid1, timezone.now())


def test_only_the_finder_may_solve_on_the_spot(cast, new_case):
    residents_case = new_case(auto_route=False)
    with pytest.raises(Forbidden):
        svc.case_solve_on_spot(case=residents_case, by=cast.grid_worker, result="x")
    found = new_case(by=cast.grid_worker, channel="patrol", proactive=True, auto_route=False)
    with pytest.raises(Forbidden):
        svc.case_solve_on_spot(case=found, by=cast.community_staff, result="x")
