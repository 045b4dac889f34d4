"""The queues of the 考核 desk: 待回访 (resolved rounds nobody has evaluated yet) for the hotline and the command
centre, and 核减待审批 (exclusion requests) for supervisors — who sees them, when a case leaves, what they cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.cases import services as svc
from huying.cases.models import Case
from huying.feedback.services import callback_record, rating_create
from tests.test_feedback_helpers import handle_to_result
from tests.test_work_queues import WEST_POINT, counts, listed, numbers, queue


@pytest.fixture
def resolved(cast, new_case):
    return handle_to_result(cast, new_case())


def test_a_resolved_case_waits_for_a_call_back_at_the_hotline_and_the_command_centre(cast, new_case, resolved,
                                                                                    client):
    still_open = new_case(description="幸福里3号楼楼道堆物")
    assert listed(client, cast.operator, "to_call_back") == [resolved.number]
    assert listed(client, cast.command, "to_call_back") == [resolved.number]
    assert still_open.number not in listed(client, cast.operator, "to_call_back")
    page = queue(client, cast.operator, tab="to_call_back").content.decode()
    assert "待回访" in page and "办结于 09-30 10:00" in page


def test_the_call_back_tab_is_not_offered_to_handling_units_or_leaders(cast, resolved, client):
    for user in (cast.community_staff, cast.street_dispatcher, cast.leader):
        assert 'data-tab="to_call_back"' not in queue(client, user).content.decode()


def test_a_reached_call_back_takes_the_case_off_and_an_unanswered_one_keeps_it(cast, resolved, client):
    callback_record(case=resolved, by=cast.operator, reached=False)
    assert listed(client, cast.operator, "to_call_back") == [resolved.number]  # try again later
    callback_record(case=resolved, by=cast.operator, reached=True, solved=True, satisfaction="satisfied")
    assert listed(client, cast.operator, "to_call_back") == []


def test_a_residents_rating_of_the_round_takes_the_case_off(cast, resolved, client):
    rating_create(case=resolved, responsiveness=5, completion=5, satisfaction=5, solved=True)
    assert listed(client, cast.operator, "to_call_back") == []


def test_a_reopened_case_waits_again_once_its_new_round_is_resolved(cast, resolved, client):
    callback_record(case=resolved, by=cast.operator, reached=True, solved=False, satisfaction="unsatisfied")
    assert listed(client, cast.operator, "to_call_back") == []  # reopened: being handled again
    handle_to_result(cast, Case.objects.get(pk=resolved.pk), result="已再次清运")
    assert listed(client, cast.operator, "to_call_back") == [resolved.number]  # round 1 has no evaluation yet


def test_cases_nobody_can_be_called_about_or_already_excluded_do_not_wait(cast, new_case, client):
    no_phone = handle_to_result(cast, new_case(reporter_phone="", description="匿名来电，无号码"))
    excluded = handle_to_result(cast, new_case(description="幸福里3号楼重复来电"))
    svc.case_request_exclusion(case=excluded, by=cast.community_staff, reason="malicious", note="同号码恶意重复来电")
    svc.case_decide_exclusion(case=excluded, by=cast.command, approve=True)
    found = listed(client, cast.operator, "to_call_back")
    assert no_phone.number not in found and excluded.number not in found


def test_a_closed_case_leaves_the_call_back_queue(cast, resolved, client):
    svc.case_close(case=resolved, by=cast.operator, note="归档")
    assert listed(client, cast.operator, "to_call_back") == []


def test_exclusion_requests_wait_for_supervisors_of_their_scope_until_decided(cast, new_case, client):
    east = new_case()
    west = new_case(address="", **WEST_POINT)
    svc.case_request_exclusion(case=east, by=cast.community_staff, reason="invalid", note="无具体诉求")
    svc.case_request_exclusion(case=west, by=cast.outsider, reason="duplicate", note="与前单重复")
    assert set(listed(client, cast.command, "exclusions")) == {east.number, west.number}
    for user in (cast.street_dispatcher, cast.operator, cast.community_staff):  # not supervisors: no such tab
        assert 'data-tab="exclusions"' not in queue(client, user).content.decode()
    page = queue(client, cast.leader, tab="exclusions").content.decode()
    assert '<span class="flag">核减待审批</span>' in page
    assert counts(queue(client, cast.leader))["exclusions"] == "2"
    svc.case_decide_exclusion(case=east, by=cast.command, approve=False, note="诉求明确，不予核减")
    assert listed(client, cast.leader, "exclusions") == [west.number]


def _queries(client, user, tab: str) -> tuple[int, list[str]]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/work/queues/", {"tab": tab})
    return len(captured), numbers(response)


def test_both_tabs_cost_the_same_queries_for_two_rows_or_twenty(cast, new_case, client):
    def more(n: int, start: int) -> None:
        for i in range(start, start + n):
            case = handle_to_result(cast, new_case(description=f"幸福里3号楼第{i}件"))
            svc.case_request_exclusion(case=case, by=cast.community_staff, reason="invalid", note=f"第{i}件无效")
            callback_record(case=case, by=cast.operator, reached=False)

    more(2, 0)
    few_back, few_rows = _queries(client, cast.command, "to_call_back")
    few_excl, few_excl_rows = _queries(client, cast.command, "exclusions")
    assert len(few_rows) == len(few_excl_rows) == 2
    more(18, 2)
    many_back, many_rows = _queries(client, cast.command, "to_call_back")
    many_excl, many_excl_rows = _queries(client, cast.command, "exclusions")
    assert len(many_rows) == len(many_excl_rows) == 20
    assert many_back == few_back <= 25 and many_excl == few_excl <= 25
