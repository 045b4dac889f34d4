"""/r/emergency/: one-key emergency call (一键紧急呼叫) — what, where, a phone; it lands as 特急 at once."""

import pytest

from huying.cases.models import Case
from tests.test_intake_web_helpers import PHONE, aged_token, fresh_cache, media  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("fresh_cache", "media")
URL = "/r/emergency/"


def emergency_post(clock, **overrides) -> dict:
    data = {"form_token": aged_token(clock), "website": "", "description": "幸福里3号楼楼道里有很浓的煤气味",
            "address": "幸福里3号楼", "lat": "", "lon": "", "reporter_phone": PHONE}
    data.update(overrides)
    return data


def test_an_emergency_call_is_an_emergency_case_dispatched_to_the_districts_command_centre(cast, client, clock):
    response = client.post(URL, emergency_post(clock))
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.channel, case.urgency, case.request_type) == ("emergency", "emergency", cast.help)
    # Dispatched at creation, not waiting for triage: the command centre's queue puts 特急 first.
    assert (case.status, case.current_unit, case.community) == ("dispatched", cast.centre, cast.xingfu)
    assert case.dispatched_at is not None


def test_the_done_page_says_the_duty_officer_has_it(cast, client, clock):
    page = client.post(URL, emergency_post(clock), follow=True).content.decode()
    assert Case.objects.get().number in page and "值班人员" in page


def test_the_phones_position_alone_is_enough(cast, client, clock):
    client.post(URL, emergency_post(clock, address="", lat="30.605", lon="114.305"))
    assert Case.objects.get().grid == cast.grid1


def test_without_a_place_or_a_position_the_place_is_asked_for(cast, client, clock):
    response = client.post(URL, emergency_post(clock, address=""))
    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "在哪里" in page and "请填写地点" in page


def test_a_phone_is_required_to_call_back(cast, client, clock):
    page = client.post(URL, emergency_post(clock, reporter_phone="")).content.decode()
    assert "联系电话" in page.split("error-summary")[1] and not Case.objects.exists()


def test_the_emergency_page_shows_the_emergency_numbers(db, client):
    page = client.get(URL).content.decode()
    assert 'href="tel:110"' in page and 'href="tel:119"' in page and 'href="tel:120"' in page
