"""Taking in, listing and reading cases through /api/v1/cases, and the pick lists beside them."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.cases.models import Case
from tests.test_api_helpers import WEST_POINT, Api, assert_error, create_body


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


def test_operator_creates_a_case_with_a_token_and_it_is_routed(cast):
    response = Api(cast.operator).post("/cases", create_body())
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(number=body["number"])
    assert case.created_by == cast.operator and case.channel == "hotline"
    assert body["status"] == "dispatched"
    assert body["current_unit"] == {"code": cast.xingfu.code, "name": cast.xingfu.name, "kind": "community"}
    assert body["category"]["code"] == "T010101" and body["tier"]["code"] == "A2"
    assert [e["action"] for e in body["timeline"]] == ["create", "dispatch"]
    assert body["created_at"] == "2026-09-30T10:00:00+08:00"


def test_channel_defaults_to_api_and_category_is_optional(cast):
    body = create_body()
    del body["channel"], body["category"]
    response = Api(cast.operator).post("/cases", body)
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "api"
    assert response.json()["current_unit"]["code"] == cast.centre.code  # no rule: the command centre's queue


def test_anonymous_case_keeps_no_name(cast):
    response = Api(cast.operator).post("/cases", create_body(anonymous=True))
    assert response.json()["reporter_name"] == ""


def test_list_masks_the_reporter(cast, new_case):
    new_case()
    item = Api(cast.operator).get("/cases").json()["items"][0]
    assert (item["reporter_name"], item["reporter_phone"]) == ("张*", "138****8000")


def test_detail_shows_the_phone_to_the_handling_unit_and_masks_it_for_others(cast, new_case):
    case = new_case()
    handler = Api(cast.community_staff).get(f"/cases/{case.number}").json()
    onlooker = Api(cast.grid_worker).get(f"/cases/{case.number}").json()
    assert (handler["reporter_name"], handler["reporter_phone"]) == ("张先生", "13800138000")
    assert (onlooker["reporter_name"], onlooker["reporter_phone"]) == ("张*", "138****8000")
    assert Api(cast.command).get(f"/cases/{case.number}").json()["reporter_phone"] == "13800138000"


def test_anonymous_reporters_phone_is_masked_even_for_the_handling_unit(cast, new_case):
    case = new_case(anonymous=True)
    assert Api(cast.community_staff).get(f"/cases/{case.number}").json()["reporter_phone"] == "138****8000"
    assert Api(cast.operator).get(f"/cases/{case.number}").json()["reporter_phone"] == "13800138000"


def test_detail_has_timeline_deadlines_and_the_actions_the_caller_may_take(cast, new_case):
    case = new_case()
    body = Api(cast.community_staff).get(f"/cases/{case.number}").json()
    dispatch = body["timeline"][1]
    assert dispatch["action"] == "dispatch" and dispatch["actor"] == "operator"
    assert (dispatch["from_status"], dispatch["to_status"]) == ("received", "dispatched")
    assert dispatch["unit"] == "幸福里社区"
    assert body["deadlines"]["completion_due_at"] == "2026-10-08T10:00:00+08:00"  # 1 working day, after the holiday
    assert body["deadlines"]["overdue"] is False
    assert set(body["allowed_actions"]) >= {"accept", "return", "escalate", "notes"}
    assert "close" not in body["allowed_actions"] and "approve-extension" not in body["allowed_actions"]


def test_outsider_from_the_other_street_sees_none_of_east_streets_cases(cast, new_case):
    case = new_case()
    outsider = Api(cast.outsider)
    assert numbers(outsider.get("/cases")) == []
    assert_error(outsider.get(f"/cases/{case.number}"), 404, "case_not_found")


def test_unknown_case_number_is_404(cast):
    assert_error(Api(cast.operator).get("/cases/HY20260930999999"), 404, "case_not_found")


def test_each_street_sees_its_own_cases(cast, new_case):
    east, west = new_case(), new_case(address="", **WEST_POINT)
    assert numbers(Api(cast.street_dispatcher).get("/cases")) == [east.number]
    assert numbers(Api(cast.outsider).get("/cases")) == [west.number]
    assert set(numbers(Api(cast.command).get("/cases"))) == {east.number, west.number}


def test_filters_by_status_channel_street_and_current_unit(cast, new_case):
    east, west = new_case(), new_case(address="", channel="web", **WEST_POINT)
    api = Api(cast.command)
    assert numbers(api.get("/cases", channel="web")) == [west.number]
    assert numbers(api.get("/cases", street=cast.east.code)) == [east.number]
    assert numbers(api.get("/cases", current_unit=cast.taoyuan.code)) == [west.number]
    assert numbers(api.get("/cases", status="dispatched", ordering="created_at")) == [east.number, west.number]
    assert numbers(api.get("/cases", status="resolved")) == []


def test_category_filter_includes_sub_categories(cast, new_case):
    rubbish, tree, noise = new_case(), new_case(category=cast.trees), new_case(category=cast.noise)
    api = Api(cast.command)
    assert set(numbers(api.get("/cases", category="T01"))) == {rubbish.number, tree.number}
    assert numbers(api.get("/cases", category="T02")) == [noise.number]
    assert numbers(api.get("/cases", category="T010201")) == [tree.number]


def test_overdue_filter_uses_the_completion_deadline(cast, new_case, clock):
    late = new_case()
    clock.move_to(dt.datetime(2026, 10, 8, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    fresh = new_case()
    clock.move_to(dt.datetime(2026, 10, 8, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    api = Api(cast.command)
    assert numbers(api.get("/cases", overdue="true")) == [late.number]
    assert numbers(api.get("/cases", overdue="false")) == [fresh.number]
    assert api.get(f"/cases/{late.number}").json()["overdue"] is True


def test_created_range_and_text_search(cast, new_case, clock):
    first = new_case()
    clock.shift(dt.timedelta(days=1))
    second = new_case(description="小区路灯不亮", category=cast.noise)
    api = Api(cast.command)
    assert numbers(api.get("/cases", created_from="2026-10-01T00:00:00+08:00")) == [second.number]
    assert numbers(api.get("/cases", created_to="2026-10-01")) == [first.number]
    assert numbers(api.get("/cases", q="路灯")) == [second.number]
    assert numbers(api.get("/cases", q=first.number)) == [first.number]


def test_list_is_paginated(cast, new_case):
    for _ in range(3):
        new_case()
    api = Api(cast.command)
    page = api.get("/cases", page_size=2).json()
    assert page["count"] == 3 and len(page["items"]) == 2
    assert len(api.get("/cases", page_size=2, page=2).json()["items"]) == 1
    assert len(api.get("/cases", page_size=500).json()["items"]) == 3  # capped at 100, not refused


def test_list_query_count_does_not_grow_with_page_size(cast, new_case):
    for _ in range(12):
        new_case()
    new_case(category=cast.trees)
    api = Api(cast.street_dispatcher)
    api.get("/cases")  # the token's first use writes last_used_at; leave that out of the count
    with CaptureQueriesContext(connection) as one:
        assert len(api.get("/cases", page_size=1).json()["items"]) == 1
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/cases", page_size=100).json()["items"]) == 13
    assert len(many) == len(one) <= 4  # token, count, page (+ a savepoint at most)


def test_units_and_catalogue_pick_lists(cast):
    api = Api(cast.operator)
    departments = api.get("/units", kind="department").json()
    assert {u["code"] for u in departments} == {"TD-PARKS", "TD-WATER"}
    assert departments[0]["parent"] == cast.district.code
    assert {u["code"] for u in api.get("/units", parent=cast.east.code).json()} == {cast.xingfu.code}
    categories = {c["code"]: c for c in api.get("/catalog/categories").json()}
    assert categories["T010101"]["parent"] == "T0101" and categories["T010101"]["level"] == 3
    assert {t["code"] for t in api.get("/catalog/request-types").json()} >= {"consult", "complaint", "help"}
    assert {t["code"] for t in api.get("/catalog/tiers").json()} >= {"A1", "A2", "B", "C"}


def test_api_docs_load_from_local_static_files(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/cases/{number}/dispatch" in schema["paths"]
