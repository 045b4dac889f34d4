"""Triage on the hotline desk while the call is typed (研判): categories with confidence, the urgency proposal, the
place, and possible duplicates among the cases the operator may see — JSON, CSRF-protected, staff only."""

import re

import pytest
from django.test import Client

from huying.cases.models import Case
from huying.org.models import Role, User

URL = "/console/hotline/triage/"
RUBBISH = "幸福里3号楼门口垃圾两天没人清运"


@pytest.fixture
def desk(cast) -> Client:
    client = Client()
    client.force_login(cast.operator)
    return client


def ask(client: Client, description: str, **fields):
    return client.post(URL, {"description": description, **fields})


def test_the_desk_suggests_three_categories_with_their_confidence_from_the_catalogue_keywords(cast, desk):
    response = ask(desk, "小区垃圾桶满溢，垃圾没人收，垃圾站臭气熏天")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert data["method"] == "keywords" and data["method_label"] == "关键词规则"
    top = data["categories"][0]
    assert (top["code"], top["name"]) == ("010101", "垃圾清运")
    assert 0 < top["confidence"] <= 100 and len(data["categories"]) <= 3
    assert [c["confidence"] for c in data["categories"]] == sorted((c["confidence"] for c in data["categories"]),
                                                                  reverse=True)
    assert data["trust_note"]  # what happens when the operator leaves the category empty


def test_a_gas_leak_is_proposed_for_the_emergency_path_with_its_evidence(cast, desk):
    data = ask(desk, "楼道里燃气味道很大，好像漏气了").json()
    assert [u["danger"] for u in data["urgent"]] == ["gas"]
    assert data["urgent"][0]["label"] == "燃气泄漏" and "燃气" in data["urgent"][0]["evidence"]
    assert ask(desk, "燃气费怎么交").json()["urgent"] == []


def test_the_place_named_in_the_address_is_found(cast, desk):
    data = ask(desk, RUBBISH, address="幸福里3号楼").json()
    assert data["place"]["building"] == "幸福里小区3栋" and data["place"]["grid"] == "幸福里网格1"
    assert data["place"]["how"] == "address" and data["place"]["how_label"]


def test_possible_duplicates_are_listed_with_their_evidence_and_a_link(cast, desk, new_case, duplicate_filter):
    earlier = new_case(description=RUBBISH, address="幸福里3号楼")
    data = ask(desk, RUBBISH, address="幸福里3号楼").json()
    found = data["duplicates"][0]
    assert (found["number"], found["title"], found["status"]) == (earlier.number, earlier.title, earlier.status)
    assert found["url"] == f"/work/cases/{earlier.number}/" and 0 < found["score"] <= 100
    assert found["hours_apart"] == 0 and found["text_similarity"] == 1.0
    assert "同一楼栋" in found["evidence"] and "文字相似度 100%" in found["evidence"]


def test_no_duplicates_are_looked_for_when_the_filter_is_switched_off(cast, desk, new_case):
    new_case(description=RUBBISH, address="幸福里3号楼")  # the cast switches the filter off
    assert ask(desk, RUBBISH, address="幸福里3号楼").json()["duplicates"] == []


def test_an_operator_of_another_street_is_not_shown_this_streets_duplicates(cast, new_case, duplicate_filter):
    new_case(description=RUBBISH, address="幸福里3号楼")
    west_operator = User.objects.create(username="west_operator", unit=cast.west, role=Role.OPERATOR)
    client = Client()
    client.force_login(west_operator)
    response = ask(client, RUBBISH, address="幸福里3号楼")
    assert response.status_code == 200 and response.json()["duplicates"] == []
    assert Case.objects.get().number not in response.content.decode()


def test_staff_without_the_hotline_role_and_strangers_get_json_refusals(cast, desk):
    client = Client()
    client.force_login(cast.outsider)
    refused = ask(client, RUBBISH)
    assert refused.status_code == 403 and refused.json()["field"] is None and refused.json()["error"]
    signed_out = ask(Client(), RUBBISH)
    assert signed_out.status_code == 401 and signed_out.json()["error"]
    assert desk.get(URL).status_code == 405


def test_a_missing_or_overlong_description_is_a_json_error_naming_the_field(cast, desk):
    empty = ask(desk, "  ")
    assert empty.status_code == 422 and empty.json() == {"error": "请填写诉求内容", "field": "description"}
    assert ask(desk, "垃圾" * 2001).json()["field"] == "description"
    assert ask(desk, RUBBISH, category="999999").json()["field"] == "category"


def test_the_endpoint_is_csrf_protected(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.operator)
    assert ask(client, RUBBISH).status_code == 403
    page = client.get("/console/hotline/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(URL, {"description": RUBBISH}, headers={"X-CSRFToken": token}).status_code == 200


def test_the_desk_page_has_the_suggestion_row_the_triage_panel_and_the_urgency_choice(cast, desk):
    page = desk.get("/console/hotline/").content.decode()
    assert 'id="suggest"' in page and f'data-url="{URL}"' in page and 'id="triage"' in page
    assert 'id="urgent-path"' in page and "hotline_triage.js" in page
    assert re.search(r'name="urgency" value="emergency"', page)


def test_a_call_marked_emergency_without_a_category_takes_the_emergency_path(cast, desk):
    page = desk.get("/console/hotline/").content.decode()
    key = re.search(r'name="form_key" value="([0-9a-f]+)"', page).group(1)
    response = desk.post("/console/hotline/", {
        "form_key": key, "reporter_phone": "13800138000", "description": "3号楼楼道燃气味道很大", "category": "",
        "request_type": cast.help.pk, "address": "幸福里3号楼", "urgency": "emergency", "action": "dispatch"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.urgency == "emergency" and case.category is None
    assert case.events.get(action="dispatch").data["reason"].startswith("on_duty")  # 值班


def test_a_call_without_urgency_stays_ordinary(cast, desk):
    page = desk.get("/console/hotline/").content.decode()
    key = re.search(r'name="form_key" value="([0-9a-f]+)"', page).group(1)
    desk.post("/console/hotline/", {"form_key": key, "reporter_phone": "13800138000", "description": RUBBISH,
                                    "category": cast.sanitation.pk, "request_type": cast.complaint.pk,
                                    "action": "dispatch"})
    assert Case.objects.get().urgency == "normal"
