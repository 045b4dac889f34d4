"""Bad input on every endpoint is a JSON error naming the field, with a stable code — never a 500."""

import json

import pytest

from tests.test_api_helpers import Api, assert_error, create_body

ACTIONS = ["dispatch", "accept", "start", "return", "escalate", "summon", "report-back", "cohandlers",
           "request-extension", "approve-extension", "notes", "resolve", "close", "reopen", "merge",
           "request-invalidation", "invalidate", "supervise", "lift-supervision", "instruct", "response-group",
           "group-report", "video", "reclassify", "not-duplicate", "callback", "exclusion/request",
           "exclusion/decide", "exclusion/restore"]


@pytest.fixture
def case(new_case):
    return new_case()


@pytest.fixture
def community(cast):
    return Api(cast.community_staff)


@pytest.mark.parametrize(("action", "field"), [
    ("dispatch", "to"), ("return", "reason"), ("escalate", "reason"), ("summon", "departments"),
    ("report-back", "report"), ("cohandlers", "units"), ("request-extension", "until"), ("notes", "note"),
    ("resolve", "result"), ("reopen", "reason"), ("merge", "into"), ("request-invalidation", "reason"),
])
def test_missing_required_field_is_named(case, community, action, field):
    body = assert_error(community.post(f"/cases/{case.number}/{action}", {}), 422, "invalid_input", field)
    assert body["errors"][0] == {"field": field, "code": "missing", "message": body["message"]}
    assert field in body["message"]


def test_create_names_every_missing_field(cast):
    body = assert_error(Api(cast.operator).post("/cases", {"title": "x"}), 422, "invalid_input", "request_type")
    assert [e["field"] for e in body["errors"]] == ["request_type", "description"]


@pytest.mark.parametrize(("action", "body", "field"), [
    ("dispatch", {"to": "NOPE", "reason": "x"}, "to"),
    ("dispatch", {"to": "T310101001", "reason": "x", "tier": "Z9"}, "tier"),
    ("summon", {"departments": ["TD-PARKS", "NOPE"], "report_due_at": "2026-09-30T17:00:00+08:00"}, "departments"),
    ("cohandlers", {"units": ["NOPE"]}, "units"),
])
def test_unknown_unit_or_tier_code_is_named(case, community, action, body, field):
    assert_error(community.post(f"/cases/{case.number}/{action}", body), 422, "unknown_code", field)


def test_unknown_merge_target_is_named(cast, case):
    operator = Api(cast.operator)
    assert_error(operator.post(f"/cases/{case.number}/merge", {"into": "HY20990101000001"}), 422, "unknown_case",
                 "into")


def test_merge_target_the_caller_cannot_see_is_unknown(cast, new_case):
    west = new_case(address="", lat=30.705, lon=114.405)
    east = new_case()
    assert_error(Api(cast.street_dispatcher).post(f"/cases/{east.number}/merge", {"into": west.number}), 422,
                 "unknown_case", "into")


@pytest.mark.parametrize(("field", "value", "code"), [
    ("request_type", "nope", "unknown_code"), ("category", "T99", "unknown_code"),
    ("lat", "north", "invalid_input"), ("lat", 91, "invalid_input"), ("anonymous", "perhaps", "invalid_input"),
    ("urgency", "very", "invalid_input"), ("channel", "pigeon", "invalid_input"),
    ("title", "长" * 201, "invalid_input"),
    ("reporter_phone", 13800138000, "invalid_input"), ("description", "\x00", "invalid_input"),
])
def test_bad_create_input_is_named(cast, field, value, code):
    assert_error(Api(cast.operator).post("/cases", create_body(**{field: value})), 422, code, field)


def test_blank_description_is_refused_by_the_service(cast):
    assert_error(Api(cast.operator).post("/cases", create_body(description="   ")), 422, "invalid_input", "description")


@pytest.mark.parametrize(("action", "body", "field"), [
    ("accept", {"version": "abc"}, "version"),
    ("accept", {"version": 0}, "version"),
    ("start", {"note": ["a"]}, "note"),
    ("summon", {"departments": "TD-PARKS", "report_due_at": "2026-09-30T17:00:00"}, "departments"),
    ("summon", {"departments": ["TD-PARKS"], "report_due_at": "tomorrow"}, "report_due_at"),
    ("request-extension", {"until": "2026-13-01", "reason": "x"}, "until"),
    ("request-extension", {"until": "9999-12-31T23:59:59+14:00", "reason": "x"}, "until"),
    ("approve-extension", {"approve": "maybe"}, "approve"),
    ("close", {"note": {"a": 1}}, "note"),
    ("invalidate", {"reason": 5}, "reason"),
])
def test_wrong_types_are_named(case, community, action, body, field):
    assert_error(community.post(f"/cases/{case.number}/{action}", body), 422, "invalid_input", field)


def test_blank_reason_is_named_by_the_service(case, community):
    assert_error(community.post(f"/cases/{case.number}/return", {"reason": "  "}), 422, "invalid_input", "reason")


def test_past_report_deadline_is_named(cast, case):
    street = Api(cast.street_dispatcher)
    Api(cast.operator).post(f"/cases/{case.number}/dispatch", {"to": cast.east.code, "reason": "街道协调"})
    street.post(f"/cases/{case.number}/accept")
    body = {"departments": ["TD-PARKS"], "report_due_at": "2026-09-30T09:00:00+08:00"}
    assert_error(street.post(f"/cases/{case.number}/summon", body), 422, "invalid_input", "report_due_at")


def test_malformed_json_is_400(case, community):
    assert_error(community.post(f"/cases/{case.number}/notes", raw="{note:"), 400, "malformed_body")


def test_body_that_is_not_an_object_is_422(case, community):
    response = community.post(f"/cases/{case.number}/notes", raw="[1, 2]")
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


@pytest.mark.parametrize(("params", "field", "code"), [
    ({"category": "T99"}, "category", "unknown_code"),
    ({"street": "NOPE"}, "street", "unknown_code"),
    ({"current_unit": "NOPE"}, "current_unit", "unknown_code"),
    ({"status": "lost"}, "status", "invalid_input"),
    ({"created_from": "yesterday"}, "created_from", "invalid_input"),
    ({"overdue": "maybe"}, "overdue", "invalid_input"),
    ({"ordering": "title"}, "ordering", "invalid_input"),
    ({"page": 0}, "page", "invalid_input"),
    ({"page": 10**20}, "page", "invalid_input"),
    ({"q": "a\x00b"}, "q", "invalid_input"),
])
def test_bad_list_filters_are_named(cast, params, field, code):
    assert_error(Api(cast.operator).get("/cases", **params), 422, code, field)


def test_stale_version_is_a_conflict(case, community):
    assert_error(community.post(f"/cases/{case.number}/accept", {"version": 1}), 409, "version_conflict")


def test_action_the_workflow_does_not_allow_is_a_conflict(cast, case, community):
    assert_error(community.post(f"/cases/{case.number}/start"), 409, "transition_not_allowed")
    assert_error(Api(cast.operator).post(f"/cases/{case.number}/close"), 409, "transition_not_allowed")


def test_role_that_may_not_act_is_forbidden(cast, case):
    assert_error(Api(cast.grid_worker).post(f"/cases/{case.number}/accept"), 403, "forbidden")
    assert_error(Api(cast.community_staff).post(f"/cases/{case.number}/close"), 403, "forbidden")


@pytest.mark.parametrize("action", ACTIONS)
def test_outsider_cannot_act_on_a_case_it_cannot_see(cast, case, action):
    assert Api(cast.outsider).post(f"/cases/{case.number}/{action}", {}).status_code in (404, 422)


def test_outsider_gets_404_on_a_well_formed_action(cast, case):
    assert_error(Api(cast.outsider).post(f"/cases/{case.number}/notes", {"note": "x"}), 404, "case_not_found")


def test_english_request_gets_the_same_code_and_field(cast, case):
    zh = Api(cast.community_staff).post(f"/cases/{case.number}/return", {})
    en = Api(cast.community_staff, language="en").post(f"/cases/{case.number}/return", {})
    assert en.headers["Content-Language"] == "en" and zh.headers["Content-Language"] == "zh-hans"
    assert (en.json()["code"], en.json()["field"]) == (zh.json()["code"], zh.json()["field"]) == ("invalid_input",
                                                                                                 "reason")


# ---- never a 500: every field of every body, and every filter, with values of the wrong shape -------------

JUNK_VALUES = [None, [], {}, -1, 0, 10**30, 1.5, True, "", "x" * 5000, "\x00", "2026-02-30", ["NOPE"], [None]]
JUNK_BODIES = ["", "null", "[]", "42", '"text"', "{", '{"version": 1e999}', "{}"]


def _post_operations(client) -> dict[str, list[str]]:
    """Each POST path in the OpenAPI document, with the fields of its JSON body."""
    schema = client.get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    found = {}
    for path, operations in schema["paths"].items():
        if "post" in operations:
            body = operations["post"]["requestBody"]["content"]["application/json"]["schema"]
            ref = body.get("$ref") or body["anyOf"][0]["$ref"]  # an optional body is "that schema or null"
            found[path] = list(components[ref.rsplit("/", 1)[1]]["properties"])
    return found


def test_no_junk_input_to_any_endpoint_yields_a_500(cast, new_case):
    operations = _post_operations(Api().client)
    # every case action, the case create, and the upper platforms' create (上级派)
    assert {"/api/v1/cases", "/api/v1/upstream/cases"} <= set(operations)
    assert len(operations) == len(ACTIONS) + 2
    for user in (cast.community_staff, cast.operator, cast.outsider):
        api, case = Api(user), new_case()
        for path, fields in operations.items():
            url = path.removeprefix("/api/v1").replace("{number}", case.number)
            for raw in JUNK_BODIES:
                _assert_json_answer(api.post(url, raw=raw), url, raw)
            for field in fields:
                for value in JUNK_VALUES:
                    _assert_json_answer(api.post(url, {field: value}), url, {field: value})


def test_no_junk_filter_yields_a_500(cast, new_case):
    new_case()
    api = Api(cast.command)
    for name in ["status", "channel", "category", "street", "current_unit", "overdue", "created_from", "created_to",
                 "q", "ordering", "page", "page_size"]:
        for value in ["", "\x00", "-1", "0", "9" * 30, "x" * 5000, "2026-02-30", "true"]:
            _assert_json_answer(api.get("/cases", **{name: value}), name, value)
    for number in ["x" * 5000, "%00", "HY'--", "..", "　"]:
        _assert_json_answer(api.get(f"/cases/{number}"), "detail", number)


def _assert_json_answer(response, where, sent) -> None:
    assert response.status_code < 500, (where, sent, response.content[:300])
    if response.status_code >= 400:
        body = json.loads(response.content)
        assert body["code"] and body["message"], (where, sent, body)
