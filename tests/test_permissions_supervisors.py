"""Supervisors supervise: a leader or the command centre does not do a unit's work, nor approve its own asks."""

import datetime as dt

import pytest
from django.utils import timezone

from huying.cases import services as svc
from huying.cases.permissions import actions_for
from huying.lib.errors import Forbidden


@pytest.fixture
def at_community(cast, new_case):
    case = new_case()  # sanitation → 幸福里社区
    return svc.case_accept(case=case, by=cast.community_staff)


@pytest.mark.parametrize("who", ["leader", "command"])
def test_a_supervisor_is_offered_no_handler_action_on_another_units_case(cast, at_community, who):
    offered = set(actions_for(getattr(cast, who), at_community))
    assert not offered & {"accept", "start", "return", "escalate", "summon", "request_extension", "resolve"}
    assert {"supervise", "instruct"} <= offered


def test_a_leader_cannot_resolve_a_units_case(cast, at_community):
    with pytest.raises(Forbidden):
        svc.case_resolve(case=at_community, by=cast.leader, result="领导代为办结")


def test_an_extension_is_approved_by_someone_other_than_the_unit_that_asked(cast, new_case):
    case = new_case(category=cast.noise)  # no rule: the command centre's own queue
    case = svc.case_accept(case=case, by=cast.command)
    case = svc.case_request_extension(case=case, by=cast.command, until=timezone.now() + dt.timedelta(days=9),
                                      reason="需协调多个部门")
    assert "decide_extension" not in actions_for(cast.command, case)
    with pytest.raises(Forbidden):
        svc.case_approve_extension(case=case, by=cast.command)
    assert "decide_extension" not in actions_for(cast.leader, case)  # same unit as the centre in the cast


def test_a_units_extension_is_approved_by_the_command_centre(cast, at_community):
    case = svc.case_request_extension(case=at_community, by=cast.community_staff,
                                      until=timezone.now() + dt.timedelta(days=9), reason="需采购配件")
    assert "decide_extension" in actions_for(cast.command, case)
    svc.case_approve_extension(case=case, by=cast.command)


def test_the_command_centre_cannot_return_a_case_to_itself(cast, new_case):
    case = new_case(category=cast.noise)  # 权责不清 → the centre
    assert case.current_unit == cast.centre
    assert "return" not in actions_for(cast.command, case)
    with pytest.raises(Forbidden):
        svc.case_return(case=case, by=cast.command, reason="不归我们管")
