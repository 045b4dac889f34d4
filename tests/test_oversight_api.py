"""The oversight endpoints of /api/v1/cases: supervise, lift, instruct, response group, group report, video."""

import pytest

from huying.cases.models import AssignmentRole, CaseAssignment, CaseEvent
from tests.test_api_helpers import Api, assert_error, ok


@pytest.fixture
def case(new_case):
    return new_case()


def test_the_command_centre_supervises_and_lifts_through_the_api(cast, case):
    command = Api(cast.command)
    assert "supervise" in ok(command.get(f"/cases/{case.number}"))["allowed_actions"]
    body = ok(command.post(f"/cases/{case.number}/supervise", {"note": "限期两日", "version": case.version}))
    assert body["supervised_at"] == "2026-09-30T10:00:00+08:00" and body["supervision_note"] == "限期两日"
    assert body["timeline"][-1]["action"] == "supervise" and "lift-supervision" in body["allowed_actions"]
    assert "supervise" not in body["allowed_actions"]
    assert_error(command.post(f"/cases/{case.number}/supervise", {}), 409, "already_supervised")
    body = ok(Api(cast.leader).post(f"/cases/{case.number}/lift-supervision"))
    assert body["supervised_at"] is None and body["timeline"][-1]["data"]["requirement"] == "限期两日"


def test_a_handler_may_not_supervise(cast, case):
    assert_error(Api(cast.community_staff).post(f"/cases/{case.number}/supervise", {}), 403, "forbidden")
    assert not CaseEvent.objects.filter(case=case, action="supervise").exists()


def test_a_too_long_requirement_is_a_422(cast, case):
    assert_error(Api(cast.command).post(f"/cases/{case.number}/supervise", {"note": "督" * 501}), 422,
                 "invalid_input", "note")


def test_the_leader_instructs_through_the_api(cast, case):
    body = ok(Api(cast.leader).post(f"/cases/{case.number}/instruct", {"instruction": "请街道牵头处理"}))
    assert (body["timeline"][-1]["action"], body["timeline"][-1]["note"]) == ("instruct", "请街道牵头处理")
    assert_error(Api(cast.leader).post(f"/cases/{case.number}/instruct", {"instruction": ""}), 422, "invalid_input",
                 "instruction")


def test_a_response_group_is_convened_by_unit_codes(cast, case):
    body = ok(Api(cast.leader).post(f"/cases/{case.number}/response-group",
                                    {"lead": cast.east.code, "units": [cast.parks.code, cast.water.code],
                                     "note": "联合整治"}))
    roles = {a["unit"]["code"]: a["role"] for a in body["assignments"]}
    assert roles == {cast.east.code: "group_lead", cast.parks.code: "group", cast.water.code: "group"}
    assert body["timeline"][-1]["data"]["lead"] == cast.east.pk
    assert "group-report" in ok(Api(cast.water_handler).get(f"/cases/{case.number}"))["allowed_actions"]
    body = ok(Api(cast.water_handler).post(f"/cases/{case.number}/group-report", {"report": "已排查"}))
    assert body["timeline"][-1]["action"] == "group_report"
    assert CaseAssignment.objects.get(case=case, unit=cast.water, role=AssignmentRole.GROUP).report == "已排查"


def test_unknown_unit_codes_in_a_group_are_named(cast, case):
    leader = Api(cast.leader)
    assert_error(leader.post(f"/cases/{case.number}/response-group", {"lead": "NOPE", "units": [cast.parks.code]}),
                 422, "unknown_code", "lead")
    assert_error(leader.post(f"/cases/{case.number}/response-group", {"lead": cast.east.code, "units": ["NOPE"]}),
                 422, "unknown_code", "units")
    assert not CaseAssignment.objects.filter(case=case).exists()


def test_a_unit_outside_the_group_cannot_report_to_it(cast, case):
    assert_error(Api(cast.parks_handler).post(f"/cases/{case.number}/group-report", {"report": "x"}), 404,
                 "case_not_found")  # it cannot even see the case
    assert_error(Api(cast.community_staff).post(f"/cases/{case.number}/group-report", {"report": "x"}), 403,
                 "forbidden")


def test_a_video_room_link_comes_back_in_the_timeline(cast, case, settings):
    assert_error(Api(cast.community_staff).post(f"/cases/{case.number}/video"), 409, "no_video_server")
    settings.HUYING = {**settings.HUYING, "VIDEO_SERVER": "https://meet.intranet"}
    assert "video" in ok(Api(cast.community_staff).get(f"/cases/{case.number}"))["allowed_actions"]
    body = ok(Api(cast.community_staff).post(f"/cases/{case.number}/video", {"version": case.version}))
    event = body["timeline"][-1]
    assert event["action"] == "video" and event["data"]["url"].startswith(f"https://meet.intranet/huying-{case.number}-")


def test_a_stale_version_is_a_conflict(cast, case):
    ok(Api(cast.leader).post(f"/cases/{case.number}/instruct", {"instruction": "先批一条"}))
    assert_error(Api(cast.command).post(f"/cases/{case.number}/supervise", {"version": case.version}), 409,
                 "version_conflict")
