"""Cases forwarded by an upper-level platform through /api/v1/upstream/cases: once only, on its deadlines."""

import datetime as dt

import pytest

from huying.cases.models import Case, CaseEvent, IdempotencyKey
from huying.cases.services import case_accept
from tests.cast import FROZEN_NOW
from tests.test_api_errors import JUNK_BODIES, JUNK_VALUES
from tests.test_api_helpers import Api, assert_error
from tests.test_upstream_helpers import forward_body, platform_make

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def platform(cast):
    return platform_make()


@pytest.fixture
def city(platform):
    return Api(platform.user)


def post_with_key(api: Api, body: dict, key: str):
    return api.client.post("/api/v1/upstream/cases", body, content_type="application/json",
                           headers={**api.headers, "Idempotency-Key": key})


def test_forwarded_case_is_created_once_however_often_the_platform_retries(city):
    answers = [city.post("/upstream/cases", forward_body()) for _ in range(100)]
    assert answers[0].status_code == 201 and answers[0].json()["created"] is True
    assert {a.status_code for a in answers[1:]} == {200}
    assert {a.json()["created"] for a in answers[1:]} == {False}
    assert len({a.json()["number"] for a in answers}) == 1
    assert Case.objects.filter(upstream_id="SH12345-2026-000001").count() == 1 == Case.objects.count()
    assert CaseEvent.objects.filter(action="create").count() == 1


def test_forwarded_case_comes_in_on_the_upstream_channel_and_is_routed(cast, platform, city):
    response = city.post("/upstream/cases", forward_body())
    body = response.json()
    case = Case.objects.get(number=body["number"])
    assert (case.channel, case.upstream_source, case.upstream_id) == ("upstream", platform.code,
                                                                        "SH12345-2026-000001")
    assert case.created_by == platform.user and case.current_unit == cast.xingfu
    assert body["status"] == "dispatched" and body["status_label"] == "已派单"
    assert body["tracking_url"] == f"http://127.0.0.1:8000/t/{case.tracking_token}/"


def test_without_upstream_deadlines_ours_apply(city, new_case):
    case = Case.objects.get(number=city.post("/upstream/cases", forward_body()).json()["number"])
    ours = new_case()  # the same complaint taken on the hotline: tier A2, 2 hours to respond
    assert case.response_due_at == dt.datetime(2026, 9, 30, 12, 0, tzinfo=BEIJING) == ours.response_due_at
    assert case.completion_due_at == ours.completion_due_at is not None


def test_upstream_deadlines_replace_ours(city):
    sent = forward_body(response_due_at="2026-09-30T11:00:00+08:00", completion_due_at="2026-10-09T18:00:00+08:00")
    body = city.post("/upstream/cases", sent).json()
    case = Case.objects.get(number=body["number"])
    assert case.response_due_at == dt.datetime(2026, 9, 30, 11, 0, tzinfo=BEIJING)
    assert case.completion_due_at == dt.datetime(2026, 10, 9, 18, 0, tzinfo=BEIJING)
    assert (body["response_due_at"], body["completion_due_at"]) == ("2026-09-30T11:00:00+08:00",
                                                                    "2026-10-09T18:00:00+08:00")


def test_an_upstream_deadline_without_offset_is_beijing_time(city):
    body = city.post("/upstream/cases", forward_body(completion_due_at="2026-10-09T18:00:00")).json()
    assert body["completion_due_at"] == "2026-10-09T18:00:00+08:00"


def test_same_upstream_id_from_two_platforms_is_two_cases(cast, city):
    other = Api(platform_make("citybbs").user)
    first = city.post("/upstream/cases", forward_body("X-1")).json()["number"]
    second = other.post("/upstream/cases", forward_body("X-1")).json()["number"]
    assert first != second and Case.objects.count() == 2


def test_idempotency_key_repeated_with_the_same_body_returns_the_first_case(city):
    first = post_with_key(city, forward_body(), "key-1")
    again = post_with_key(city, forward_body(), "key-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"] and again.json()["created"] is False


def test_idempotency_key_reused_with_a_different_body_is_refused(city):
    first = post_with_key(city, forward_body("A-1"), "key-1")
    assert first.status_code == 201
    refused = post_with_key(city, forward_body("A-2"), "key-1")
    assert_error(refused, 422, "idempotency_key_reused", "Idempotency-Key")
    assert Case.objects.count() == 1


def test_an_overlong_idempotency_key_is_refused(city):
    assert_error(post_with_key(city, forward_body(), "k" * 201), 422, "invalid_input", "Idempotency-Key")
    assert Case.objects.count() == 0


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"upstream_id": None}, "invalid_input", "upstream_id"),
    ({"upstream_id": "   "}, "invalid_input", "upstream_id"),
    ({"upstream_id": "x" * 101}, "invalid_input", "upstream_id"),
    ({"upstream_id": 17}, "invalid_input", "upstream_id"),
    ({"description": None}, "invalid_input", "description"),
    ({"description": "   "}, "invalid_input", "description"),
    ({"request_type": None}, "invalid_input", "request_type"),
    ({"request_type": "NOPE"}, "unknown_code", "request_type"),
    ({"category": "NOPE"}, "unknown_code", "category"),
    ({"completion_due_at": "next tuesday"}, "invalid_input", "completion_due_at"),
    ({"response_due_at": "9999-01-01T00:00:00+08:00"}, "invalid_input", "response_due_at"),
    ({"response_due_at": "2026-10-02T10:00:00+08:00", "completion_due_at": "2026-10-01T10:00:00+08:00"},
     "invalid_input", "completion_due_at"),
    ({"lat": 30.6}, "invalid_input", "lon"),
    ({"lat": 200, "lon": 114.3}, "invalid_input", "lat"),
    ({"urgency": "very"}, "invalid_input", "urgency"),
    ({"title": "标" * 201}, "invalid_input", "title"),
    ({"reporter_phone": "1\x0038"}, "invalid_input", "reporter_phone"),
])
def test_garbage_is_refused_naming_the_field_and_nothing_is_stored(city, change, code, field):
    body = forward_body()
    for name, value in change.items():
        if value is None:
            del body[name]
        else:
            body[name] = value
    assert_error(city.post("/upstream/cases", body), 422, code, field)
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0 and IdempotencyKey.objects.count() == 0


def test_no_junk_input_yields_a_500(city):
    for raw in JUNK_BODIES:
        response = city.post("/upstream/cases", raw=raw)
        assert response.status_code in (400, 422) and response.json()["code"], (raw, response.content)
    for field in forward_body(response_due_at=None, completion_due_at=None, lat=None, lon=None, urgency=None):
        for value in JUNK_VALUES:
            assert_refused(city.post("/upstream/cases", forward_body(**{field: value})), (field, value))
    for upstream_id in ["x" * 5000, "%00", "'--", "..", "　"]:
        assert_error(city.get(f"/upstream/cases/{upstream_id}"), 404, "case_not_found")


def assert_refused(response, sent=None) -> None:
    """Some junk is fine for some fields (a blank title); none of it may break the endpoint."""
    assert response.status_code < 500, (sent, response.content[:300])
    if response.status_code >= 400:
        assert response.json()["code"] and response.json()["message"], sent


def test_a_body_that_is_not_json_is_refused(city):
    assert_error(city.post("/upstream/cases", raw="{upstream_id: 1"), 400, "malformed_body")
    assert Case.objects.count() == 0


def test_staff_who_are_not_a_platform_are_forbidden(cast, platform):
    assert_error(Api(cast.operator).post("/upstream/cases", forward_body()), 403, "not_upstream_platform")
    assert Case.objects.count() == 0


def test_an_inactive_platform_is_forbidden(cast):
    retired = platform_make("oldboard", active=False)
    assert_error(Api(retired.user).post("/upstream/cases", forward_body()), 403, "not_upstream_platform")
    assert Case.objects.count() == 0


def test_a_caller_without_a_token_is_unauthenticated(platform):
    assert_error(Api().post("/upstream/cases", forward_body()), 401, "unauthenticated")


def test_platform_reads_the_status_of_its_own_case(cast, city, clock):
    number = city.post("/upstream/cases", forward_body()).json()["number"]
    clock.shift(dt.timedelta(minutes=5))
    case_accept(case=Case.objects.get(number=number), by=cast.community_staff)
    response = city.get("/upstream/cases/SH12345-2026-000001")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["number"], body["status"], body["responded_at"]) == (number, "accepted",
                                                                      "2026-09-30T10:05:00+08:00")
    assert "created" not in body and "reporter_phone" not in body


def test_platform_cannot_read_another_platforms_case(cast, city):
    other = Api(platform_make("citybbs").user)
    other.post("/upstream/cases", forward_body("BBS-1"))
    assert_error(city.get("/upstream/cases/BBS-1"), 404, "case_not_found")
    assert_error(city.get("/upstream/cases/" + "x" * 101), 404, "case_not_found")


def test_staff_cannot_read_through_the_platform_endpoint(cast, city):
    city.post("/upstream/cases", forward_body())
    assert_error(Api(cast.operator).get("/upstream/cases/SH12345-2026-000001"), 403, "not_upstream_platform")


def test_created_at_is_the_moment_it_arrived(city):
    number = city.post("/upstream/cases", forward_body()).json()["number"]
    assert Case.objects.get(number=number).created_at == FROZEN_NOW
