"""Every action endpoint on its happy path: the right service runs and the updated case comes back."""

import pytest

from huying.cases.models import AssignmentRole, Case, CaseAssignment, CaseEvent
from tests.test_api_helpers import Api, assert_error, ok


@pytest.fixture
def case(new_case):
    """A sanitation complaint dispatched to 幸福里社区 (version 2: created, then dispatched)."""
    return new_case()


@pytest.fixture
def community(cast):
    return Api(cast.community_staff)


@pytest.fixture
def accepted(case, community):
    ok(community.post(f"/cases/{case.number}/accept"))
    return case


def at_street(case, cast) -> Case:
    """Re-route the case to 东湖街道 and have the street dispatcher sign for it."""
    ok(Api(cast.operator).post(f"/cases/{case.number}/dispatch", {"to": cast.east.code, "reason": "需街道协调"}))
    ok(Api(cast.street_dispatcher).post(f"/cases/{case.number}/accept"))
    return case


def test_operator_reroutes_with_a_reason_and_a_tier(cast, case):
    body = ok(Api(cast.operator).post(f"/cases/{case.number}/dispatch",
                                      {"to": cast.east.code, "reason": "需街道协调", "tier": "B", "version": 2}))
    assert body["current_unit"]["code"] == cast.east.code and body["tier"]["code"] == "B"
    assert body["version"] == 3 and body["timeline"][-1]["note"] == "需街道协调"


def test_community_accepts_and_starts(cast, case, community):
    body = ok(community.post(f"/cases/{case.number}/accept", {"version": 2}))
    assert body["status"] == "accepted" and body["deadlines"]["responded_at"] is not None
    body = ok(community.post(f"/cases/{case.number}/start", {"note": "已联系环卫"}))
    assert body["status"] == "in_progress"


def test_accept_needs_no_body_at_all(cast, case, community):
    response = community.client.post(f"/api/v1/cases/{case.number}/accept", headers=community.headers,
                                      content_type="application/json")
    assert ok(response)["status"] == "accepted"


def test_community_returns_a_wrong_dispatch(cast, case, community):
    body = ok(community.post(f"/cases/{case.number}/return", {"reason": "不属于本社区"}))
    assert body["status"] == "returned" and body["current_unit"]["code"] == cast.centre.code


def test_community_escalates_to_its_street(cast, case, community):
    body = ok(community.post(f"/cases/{case.number}/escalate", {"reason": "需街道协调"}))
    assert body["status"] == "escalated" and body["current_unit"]["code"] == cast.east.code


def test_street_summons_departments_and_their_reports_hand_it_back(cast, case):
    at_street(case, cast)
    body = ok(Api(cast.street_dispatcher).post(f"/cases/{case.number}/summon", {
        "departments": ["TD-PARKS", "TD-WATER"], "report_due_at": "2026-09-30T17:00:00+08:00", "note": "联合处置",
    }))
    assert body["status"] == "summoned"
    assert {a["unit"]["code"] for a in body["assignments"]} == {"TD-PARKS", "TD-WATER"}
    assert "report-back" in ok(Api(cast.parks_handler).get(f"/cases/{case.number}"))["allowed_actions"]
    body = ok(Api(cast.parks_handler).post(f"/cases/{case.number}/report-back", {"report": "已修剪树枝"}))
    assert body["status"] == "summoned"
    body = ok(Api(cast.water_handler).post(f"/cases/{case.number}/report-back", {"report": "已疏通管道"}))
    assert body["status"] == "in_progress"


def test_cohandlers_are_added(cast, case, community):
    body = ok(community.post(f"/cases/{case.number}/cohandlers", {"units": ["TD-PARKS"]}))
    assert body["assignments"][0]["unit"]["code"] == "TD-PARKS" and body["assignments"][0]["role"] == "co"
    assert CaseAssignment.objects.filter(case=case, role=AssignmentRole.CO).count() == 1


def test_extension_is_requested_and_approved(cast, accepted, community):
    body = ok(community.post(f"/cases/{accepted.number}/request-extension",
                             {"until": "2026-10-12T17:00:00", "reason": "需采购设备"}))
    assert body["status"] == "extension_requested"
    assert body["deadlines"]["extension_until"] == "2026-10-12T17:00:00+08:00"
    body = ok(Api(cast.command).post(f"/cases/{accepted.number}/approve-extension", {"approve": True}))
    assert body["status"] == "in_progress"
    assert body["deadlines"]["completion_due_at"] == "2026-10-12T17:00:00+08:00"


def test_a_note_joins_the_timeline(cast, case, community):
    body = ok(community.post(f"/cases/{case.number}/notes", {"note": "已电话联系诉求人"}))
    assert body["timeline"][-1]["action"] == "add_note" and body["timeline"][-1]["note"] == "已电话联系诉求人"
    assert body["status"] == "dispatched"


def test_resolve_close_and_reopen(cast, accepted, community):
    body = ok(community.post(f"/cases/{accepted.number}/resolve", {"result": "垃圾已清运"}))
    assert body["status"] == "resolved" and body["result"] == "垃圾已清运"
    operator = Api(cast.operator)
    body = ok(operator.post(f"/cases/{accepted.number}/reopen", {"reason": "诉求人反映仍未清运"}))
    assert body["status"] == "reopened" and body["reopen_count"] == 1
    ok(community.post(f"/cases/{accepted.number}/accept"))
    ok(community.post(f"/cases/{accepted.number}/resolve", {"result": "已彻底清运"}))
    body = ok(operator.post(f"/cases/{accepted.number}/close", {"note": "回访满意"}))
    assert body["status"] == "closed" and body["allowed_actions"] == ["reopen", "callback", "exclusion/request"]


def test_repeat_is_merged_into_the_open_case(cast, new_case):
    first, repeat = new_case(), new_case()
    body = ok(Api(cast.operator).post(f"/cases/{repeat.number}/merge", {"into": first.number, "note": "重复诉求"}))
    assert body["status"] == "merged" and body["merged_into"] == first.number
    assert CaseEvent.objects.filter(case=first, action="merge_in").exists()


def test_handler_asks_and_the_leader_invalidates(cast, case, community):
    asked = ok(community.post(f"/cases/{case.number}/request-invalidation", {"reason": "恶意骚扰"}))
    assert asked["status"] == "dispatched" and "invalidate" not in asked["allowed_actions"]
    assert_error(community.post(f"/cases/{case.number}/invalidate", {"reason": "恶意骚扰"}), 403, "forbidden")
    body = ok(Api(cast.leader).post(f"/cases/{case.number}/invalidate", {"reason": "核实为恶意骚扰"}))
    assert body["status"] == "invalid"
    assert CaseEvent.objects.get(case=case, action="invalidate").data == {
        "approved_by": cast.leader.pk, "requested_by": cast.community_staff.pk}
