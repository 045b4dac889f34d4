"""The API's call-back (回访) and exclusion (考核核减) endpoints: the services run, the case comes back, only those
allowed may, and bad input is a 422 naming the field in Chinese."""

import pytest

from huying.cases.models import Case
from huying.feedback.models import CallBack
from tests.test_api_helpers import Api, assert_error, ok
from tests.test_feedback_helpers import handle_to_result


@pytest.fixture
def resolved(cast, new_case) -> Case:
    return handle_to_result(cast, new_case())


@pytest.fixture
def operator(cast) -> Api:
    return Api(cast.operator)


@pytest.fixture
def community(cast) -> Api:
    return Api(cast.community_staff)


@pytest.fixture
def command(cast) -> Api:
    return Api(cast.command)


# ---- call-backs ------------------------------------------------------------------------------------------


def test_an_operator_records_a_reached_call_back_and_gets_the_case(cast, resolved, operator):
    assert "callback" in ok(operator.get(f"/cases/{resolved.number}"))["allowed_actions"]
    body = ok(operator.post(f"/cases/{resolved.number}/callback", {
        "reached": True, "solved": True, "satisfaction": "satisfied", "note": "居民满意", "version": resolved.version}))
    assert body["status"] == "resolved" and body["timeline"][-1]["action"] == "callback"
    assert body["timeline"][-1]["data"] == {"round": 0, "reached": True, "solved": True, "satisfaction": "satisfied"}
    stored = CallBack.objects.get(case=resolved)
    assert (stored.solved, stored.satisfaction, stored.note, stored.operator) == (True, "satisfied", "居民满意",
                                                                                   cast.operator)


def test_an_unreached_call_back_needs_nothing_more(cast, resolved, operator):
    ok(operator.post(f"/cases/{resolved.number}/callback", {"reached": False}))
    assert CallBack.objects.get(case=resolved).reached is False


def test_a_not_solved_call_back_answers_with_the_reopened_case(cast, resolved, operator):
    body = ok(operator.post(f"/cases/{resolved.number}/callback",
                            {"reached": True, "solved": False, "satisfaction": "unsatisfied"}))
    assert (body["status"], body["reopen_count"]) == ("reopened", 1)
    assert body["timeline"][-1]["action"] == "reopen" and body["timeline"][-1]["data"] == {"after": "callback"}


def test_a_reached_call_back_without_its_verdict_names_the_field(cast, resolved, operator):
    response = operator.post(f"/cases/{resolved.number}/callback", {"reached": True, "satisfaction": "satisfied"})
    assert "问题是否已解决" in assert_error(response, 422, "invalid_input", "solved")["message"]
    response = operator.post(f"/cases/{resolved.number}/callback", {"reached": True, "solved": True})
    assert_error(response, 422, "invalid_input", "satisfaction")
    assert not CallBack.objects.exists()


def test_a_satisfaction_outside_the_three_levels_is_refused_with_the_choices(cast, resolved, operator):
    response = operator.post(f"/cases/{resolved.number}/callback",
                             {"reached": True, "solved": True, "satisfaction": "ecstatic"})
    body = assert_error(response, 422, "invalid_input", "satisfaction")
    assert "satisfied" in body["message"] and "取值无效" in body["message"]


def test_a_call_back_note_is_bounded(cast, resolved, operator):
    response = operator.post(f"/cases/{resolved.number}/callback", {"reached": False, "note": "长" * 2001})
    assert_error(response, 422, "invalid_input", "note")


def test_only_the_hotline_and_the_command_centre_call_back(cast, resolved, community):
    assert "callback" not in ok(community.get(f"/cases/{resolved.number}"))["allowed_actions"]
    assert_error(community.post(f"/cases/{resolved.number}/callback", {"reached": False}), 403, "forbidden")
    assert_error(Api(cast.outsider).post(f"/cases/{resolved.number}/callback", {"reached": False}), 404,
                 "case_not_found")


def test_a_case_still_being_handled_cannot_be_called_back(cast, new_case, operator):
    case = new_case()
    assert_error(operator.post(f"/cases/{case.number}/callback", {"reached": False}), 409, "transition_not_allowed")


def test_a_call_back_from_a_stale_screen_is_refused(cast, resolved, operator):
    response = operator.post(f"/cases/{resolved.number}/callback", {"reached": False, "version": 1})
    assert_error(response, 409, "version_conflict")
    assert not CallBack.objects.exists()


# ---- exclusions ------------------------------------------------------------------------------------------


def test_an_exclusion_is_asked_for_approved_and_restored(cast, resolved, community, command):
    body = ok(community.post(f"/cases/{resolved.number}/exclusion/request",
                             {"reason": "out_of_jurisdiction", "note": "属于市级管辖事项"}))
    assert (body["exclusion_requested"], body["exclusion"]) == ("out_of_jurisdiction", "")
    assert body["timeline"][-1]["action"] == "request_exclusion"
    assert "exclusion/decide" in ok(command.get(f"/cases/{resolved.number}"))["allowed_actions"]
    body = ok(command.post(f"/cases/{resolved.number}/exclusion/decide",
                           {"approve": True, "version": body["version"]}))
    assert (body["exclusion_requested"], body["exclusion"]) == ("", "out_of_jurisdiction")
    assert body["timeline"][-1]["data"]["approved"] is True
    assert "exclusion/restore" in ok(command.get(f"/cases/{resolved.number}"))["allowed_actions"]
    body = ok(command.post(f"/cases/{resolved.number}/exclusion/restore", {"note": "复核后属本区职责"}))
    assert body["exclusion"] == "" and body["timeline"][-1]["action"] == "restore_counting"


def test_a_refused_exclusion_says_why(cast, resolved, community, command):
    ok(community.post(f"/cases/{resolved.number}/exclusion/request", {"reason": "duplicate", "note": "重复来电"}))
    response = command.post(f"/cases/{resolved.number}/exclusion/decide", {"approve": False})
    assert_error(response, 422, "invalid_input", "note")
    body = ok(command.post(f"/cases/{resolved.number}/exclusion/decide", {"approve": False, "note": "并非重复"}))
    assert (body["exclusion_requested"], body["exclusion"]) == ("", "")


def test_an_exclusion_request_names_a_missing_or_unknown_reason_and_a_missing_note(cast, resolved, community):
    path = f"/cases/{resolved.number}/exclusion/request"
    assert_error(community.post(path, {"note": "说明"}), 422, "invalid_input", "reason")
    body = assert_error(community.post(path, {"reason": "lazy", "note": "说明"}), 422, "invalid_input", "reason")
    assert "malicious" in body["message"]
    assert_error(community.post(path, {"reason": "invalid"}), 422, "invalid_input", "note")
    assert_error(community.post(path, {"reason": "invalid", "note": "  "}), 422, "invalid_input", "note")


def test_the_asking_unit_cannot_approve_its_own_request(cast, resolved, community):
    ok(community.post(f"/cases/{resolved.number}/exclusion/request", {"reason": "invalid", "note": "无实际诉求"}))
    assert "exclusion/decide" not in ok(community.get(f"/cases/{resolved.number}"))["allowed_actions"]
    assert_error(community.post(f"/cases/{resolved.number}/exclusion/decide", {"approve": True}), 403, "forbidden")


def test_a_second_request_while_one_waits_is_refused(cast, resolved, community):
    path = f"/cases/{resolved.number}/exclusion/request"
    ok(community.post(path, {"reason": "invalid", "note": "无实际诉求"}))
    assert_error(community.post(path, {"reason": "malicious", "note": "恶意"}), 409, "exclusion_exists")


def test_nothing_to_restore_on_a_counted_case(cast, resolved, command):
    assert_error(command.post(f"/cases/{resolved.number}/exclusion/restore", {"note": "撤销"}), 409, "not_excluded")


def test_the_new_endpoints_are_documented(cast, operator):
    paths = operator.client.get("/api/openapi.json").json()["paths"]
    for path, summary in (("callback", "回访"), ("exclusion/request", "申请核减"), ("exclusion/decide", "核减审批"),
                          ("exclusion/restore", "撤销核减")):
        operation = paths[f"/api/v1/cases/{{number}}/{path}"]["post"]
        assert summary in operation["summary"] and operation["description"]
