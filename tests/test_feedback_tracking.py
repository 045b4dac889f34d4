"""A resident follows a case by its private link, or by case number plus the last four digits of their phone."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from huying.cases import services as svc
from huying.org.models import Unit, User
from tests.test_feedback_helpers import RESULT, handle_to_result, photo


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # uploaded photos land in the test's own directory
    return tmp_path


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # the lookup counts attempts in the cache, which outlives each test's database


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_case_page_shows_status_result_and_the_public_timeline(cast, new_case, client, media):
    case = new_case()
    svc.case_add_note(case=case, by=cast.community_staff, note="内部：已联系物业王经理 13911112222")
    handle_to_result(cast, case, attachments=[photo()])
    html = page(client, f"/t/{case.tracking_token}/")
    for shown in (case.number, case.title, "已办结", "垃圾清运", RESULT, "138****8000", "幸福里社区",
                  "响应时限", "办结时限"):
        assert shown in html, shown
    steps = re.findall(r'<li class="step-(\w+)">', html)
    assert steps == ["create", "dispatch", "accept", "resolve"]


def test_the_case_page_never_shows_staff_the_full_phone_or_internal_notes(cast, new_case, client):
    User.objects.filter(pk=cast.community_staff.pk).update(first_name="李", last_name="四")
    case = new_case(reporter_name="张先生")
    svc.case_add_note(case=case, by=cast.community_staff, note="内部：已联系物业王经理 13911112222")
    handle_to_result(cast, case)
    html = page(client, f"/t/{case.tracking_token}/")
    hidden = ["13800138000", "张先生", "李", "内部", "13911112222", *User.objects.values_list("username", flat=True)]
    assert [text for text in hidden if text in html] == []


def test_an_unknown_link_is_not_found(cast, new_case, client):
    new_case()
    assert client.get("/t/not-a-real-token-at-all/").status_code == 404


def test_number_and_last_four_digits_lead_to_the_case_page(cast, new_case, client):
    case = new_case()
    response = client.post("/t/", {"number": case.number.lower(), "phone_last4": "8000"})
    assert response.status_code == 302 and response.url == f"/t/{case.tracking_token}/"


def _answer(client: Client, number: str, last4: str) -> str:
    html = client.post("/t/", {"number": number, "phone_last4": last4}).content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html.replace(number, "NUMBER")


def test_a_wrong_pair_gets_one_neutral_answer_whether_or_not_the_number_exists(cast, new_case, client):
    case = new_case()
    wrong_phone = _answer(client, case.number, "1234")
    unknown_number = _answer(client, "HY20260930999999", "1234")
    assert "未找到" in wrong_phone and wrong_phone == unknown_number
    assert case.title not in wrong_phone and case.tracking_token not in wrong_phone


def test_a_case_without_a_phone_cannot_be_found_by_any_digits(cast, new_case, client):
    case = new_case(reporter_phone="", anonymous=True)
    assert "未找到" in client.post("/t/", {"number": case.number, "phone_last4": "0000"}).content.decode()


def test_lookups_are_limited_per_address(cast, new_case, settings):
    settings.HUYING = {**settings.HUYING, "RATE_LIMITS": {"track_ip": (3, 600)}}
    case = new_case()
    guesser = Client(REMOTE_ADDR="10.0.0.9")
    for digits in ("0001", "0002", "0003"):
        assert "未找到" in guesser.post("/t/", {"number": case.number, "phone_last4": digits}).content.decode()
    refused = guesser.post("/t/", {"number": case.number, "phone_last4": "8000"})
    assert refused.status_code == 200 and "查询过于频繁" in refused.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.10").post("/t/", {"number": case.number, "phone_last4": "8000"})
    assert other.status_code == 302


def test_result_photos_are_served_only_through_their_own_case_link(cast, new_case, client, media):
    case = new_case(attachments=[photo("reporter.png")])
    handle_to_result(cast, case, attachments=[photo()])
    other = handle_to_result(cast, new_case(description="另一件事：路灯不亮"))
    result_photo = case.events.get(action="resolve").attachments.get()
    reporters_photo = case.events.get(action="create").attachments.get()
    shown = client.get(f"/t/{case.tracking_token}/photo/{result_photo.pk}/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content).startswith(b"\x89PNG")
    assert f"/t/{case.tracking_token}/photo/{result_photo.pk}/" in page(client, f"/t/{case.tracking_token}/")
    assert client.get(f"/t/{other.tracking_token}/photo/{result_photo.pk}/").status_code == 404
    assert client.get(f"/t/{case.tracking_token}/photo/{reporters_photo.pk}/").status_code == 404


def test_a_passed_deadline_is_marked_overdue(cast, new_case, client, clock):
    case = new_case()
    assert "已超时" not in page(client, f"/t/{case.tracking_token}/")
    # A2: respond within 2 hours, complete within 1 working day — after the National Day holidays (Oct 1–7).
    clock.shift(dt.timedelta(days=10))
    assert page(client, f"/t/{case.tracking_token}/").count("已超时") == 2


def test_the_case_page_costs_the_same_queries_however_long_the_timeline(cast, new_case, client, media):
    short = handle_to_result(cast, new_case())
    long = handle_to_result(cast, new_case(description="楼道灯坏了"), attachments=[photo(), photo("b.png")])
    svc.case_reopen(case=long, by=cast.operator, reason="复核未解决")
    handle_to_result(cast, long, attachments=[photo("c.png")])

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            page(client, url)
        return len(captured)

    queries(f"/t/{short.tracking_token}/")  # the first request also creates the feedback policy row
    assert queries(f"/t/{short.tracking_token}/") == queries(f"/t/{long.tracking_token}/")


def test_an_english_reader_sees_english_labels_and_unit_names(cast, new_case):
    Unit.objects.filter(pk=cast.xingfu.pk).update(name_en="Xingfuli Community")
    case = handle_to_result(cast, new_case())
    with translation.override("zh-hans"):  # LocaleMiddleware leaves English active: keep it from later tests
        html = Client(headers={"Accept-Language": "en"}).get(f"/t/{case.tracking_token}/").content.decode()
    assert "Resolved" in html and "Xingfuli Community" in html and "幸福里社区" not in html
