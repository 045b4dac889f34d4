"""/r/suggest/: while a resident types, the likeliest categories the form offers and a warning when the words
describe an emergency — nothing else, never anything about other cases; counted per address, CSRF-protected."""

import re

import pytest
from django.test import Client

from huying.intake.web.forms import category_choices
from tests.test_intake_web_helpers import fresh_cache  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("fresh_cache")
URL = "/r/suggest/"
RUBBISH = "幸福里3号楼门口垃圾桶满溢，垃圾两天没人清运"


def suggest(client: Client, description: str):
    return client.post(URL, {"description": description})


def test_the_likeliest_categories_the_form_offers_come_with_their_confidence(cast, client):
    data = suggest(client, RUBBISH).json()
    assert data["categories"][0]["name"] == "垃圾清运" and 0 < data["categories"][0]["confidence"] <= 100
    offered = set(category_choices()[0])
    assert 1 <= len(data["categories"]) <= 3 and all(c["id"] in offered for c in data["categories"])
    assert data["urgent"] is False and data["dangers"] == []


def test_a_first_level_category_the_select_does_not_offer_is_never_suggested(cast, client):
    data = suggest(client, "城管市政建设的问题").json()  # only the first level's keywords
    assert all(c["id"] in set(category_choices()[0]) for c in data["categories"])


def test_a_gas_leak_shows_the_urgency_hint(cast, client):
    data = suggest(client, "楼道里燃气味道很大，好像漏气了").json()
    assert data["urgent"] is True and data["dangers"] == ["燃气泄漏"]


def test_the_answer_never_names_another_case_even_an_identical_one(cast, client, new_case, duplicate_filter):
    earlier = new_case(description=RUBBISH, address="幸福里3号楼")
    response = suggest(client, RUBBISH)
    assert set(response.json()) == {"categories", "urgent", "dangers"}
    body = response.content.decode()
    assert earlier.number not in body and "幸福里" not in body and "13800138000" not in body
    assert all(set(c) == {"id", "name", "confidence"} for c in response.json()["categories"])


def test_requests_over_the_limit_are_refused_with_json(cast, client, settings):
    settings.HUYING = {**settings.HUYING, "RATE_LIMITS": {**settings.HUYING["RATE_LIMITS"], "suggest_ip": (2, 600)}}
    assert [suggest(client, RUBBISH).status_code for _ in range(2)] == [200, 200]
    refused = suggest(client, RUBBISH)
    assert refused.status_code == 429 and refused.json()["error"] and refused.json()["field"] is None


def test_an_empty_or_overlong_text_is_a_json_error_naming_the_field(cast, client):
    assert suggest(client, " ").json() == {"error": "请填写诉求内容", "field": "description"}
    overlong = suggest(client, "垃圾" * 1001)
    assert overlong.status_code == 422 and overlong.json()["field"] == "description"
    assert client.get(URL).status_code == 405


def test_the_endpoint_is_csrf_protected(cast):
    client = Client(enforce_csrf_checks=True)
    assert suggest(client, RUBBISH).status_code == 403
    page = client.get("/r/new/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(URL, {"description": RUBBISH}, headers={"X-CSRFToken": token}).status_code == 200


def test_the_resident_form_carries_the_suggestion_row_and_the_emergency_hint(cast, client):
    page = client.get("/r/new/").content.decode()
    assert f'data-suggest="{URL}"' in page and 'id="category-suggest"' in page
    hint = page.split('id="urgent-hint"')[1].split("</div>")[0]
    assert 'href="tel:110"' in hint and 'href="tel:119"' in hint and 'href="tel:120"' in hint
    assert 'href="/r/emergency/"' in hint


def test_the_emergency_form_has_no_suggestions(cast, client):
    page = client.get("/r/emergency/").content.decode()
    assert "data-suggest" not in page and 'id="urgent-hint"' not in page
