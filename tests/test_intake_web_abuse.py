"""Robots and floods are kept off the public forms: form token, honeypot, rate limits, blocklist."""

import datetime as dt

import pytest
from django.utils import timezone

from huying.cases.models import Case
from huying.intake.models import BlockedCaller
from huying.intake.web.abuse import Challenge, challenge_check, challenge_issue
from tests.test_intake_web_helpers import PHONE, aged_token, fresh_cache, media, resident_post  # noqa: F401

pytestmark = pytest.mark.usefixtures("fresh_cache", "media")
URL = "/r/new/"


def limits(settings, **named) -> None:
    settings.HUYING = {**settings.HUYING, "RATE_LIMITS": {**settings.HUYING["RATE_LIMITS"], **named}}


def test_a_form_posted_sooner_than_the_minimum_is_not_taken_and_keeps_the_text(cast, client, clock):
    response = client.post(URL, resident_post(clock, cast, form_token=challenge_issue()))
    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "提交过快" in page and "幸福里3号楼门口垃圾两天没人清运" in page


def test_the_minimum_age_is_a_setting(cast, client, clock, settings):
    settings.HUYING = {**settings.HUYING, "FORM_MIN_SECONDS": 0}
    assert client.post(URL, resident_post(clock, cast, form_token=challenge_issue())).status_code == 302


def test_the_same_form_can_wait_and_then_be_sent(cast, client, clock):
    token = challenge_issue()
    client.post(URL, resident_post(clock, cast, form_token=token))
    clock.shift(5)
    assert client.post(URL, resident_post(clock, cast, form_token=token)).status_code == 302


def test_a_form_older_than_the_maximum_gets_a_fresh_token_and_is_not_taken(cast, client, clock):
    old = aged_token(clock, seconds=7201)
    page = client.post(URL, resident_post(clock, cast, form_token=old)).content.decode()
    assert "页面已过期" in page and not Case.objects.exists()
    assert old not in page and 'name="form_token" value="' in page


def test_a_forged_token_is_invalid():
    assert challenge_check("eyJ0IjowfQ:forged") is Challenge.INVALID
    assert challenge_check("") is Challenge.INVALID


def test_a_replayed_form_creates_no_second_case(cast, client, clock):
    data = resident_post(clock, cast)
    assert client.post(URL, data).status_code == 302
    again = client.post(URL, data)
    assert again.status_code == 200 and "已经提交过" in again.content.decode()
    assert Case.objects.count() == 1


def test_a_filled_honeypot_is_refused_and_creates_nothing(cast, client, clock):
    response = client.post(URL, resident_post(clock, cast, website="http://spam.example"))
    assert response.status_code == 400 and not Case.objects.exists()
    assert "提交未成功" in response.content.decode()


def test_too_many_submissions_from_one_ip_are_refused_with_429(cast, client, clock, settings):
    limits(settings, submit_ip=(2, 600))
    for phone in ("13800138001", "13800138002"):
        assert client.post(URL, resident_post(clock, cast, reporter_phone=phone)).status_code == 302
    refused = client.post(URL, resident_post(clock, cast, reporter_phone="13800138003"))
    assert refused.status_code == 429 and "提交太频繁" in refused.content.decode()
    other_ip = client.post(URL, resident_post(clock, cast, reporter_phone="13800138003"), REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 302
    assert Case.objects.count() == 3


def test_behind_a_trusted_proxy_each_resident_is_counted_by_the_forwarded_address(cast, client, clock, settings):
    limits(settings, submit_ip=(1, 600))
    settings.HUYING = {**settings.HUYING, "TRUSTED_PROXIES": ["10.0.0.1"]}

    def post(forwarded: str, phone: str, remote: str = "10.0.0.1") -> int:
        data = resident_post(clock, cast, reporter_phone=phone)
        return client.post(URL, data, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert post("203.0.113.5", "13800138001") == 302
    assert post("203.0.113.6", "13800138002") == 302
    assert post("198.51.100.1, 203.0.113.5", "13800138003") == 429  # a forged first hop changes nothing
    # From an address that is no proxy of ours, X-Forwarded-For is the client's own say-so and is ignored.
    assert post("203.0.113.7", "13800138004", remote="192.0.2.8") == 302
    assert post("203.0.113.8", "13800138005", remote="192.0.2.8") == 429


def test_the_ip_window_passes(cast, client, clock, settings):
    limits(settings, submit_ip=(1, 600))
    client.post(URL, resident_post(clock, cast))
    clock.shift(600)
    assert client.post(URL, resident_post(clock, cast, reporter_phone="13900139000")).status_code == 302


def test_too_many_submissions_from_one_phone_are_refused_however_it_is_written(cast, client, clock, settings):
    limits(settings, submit_phone=(1, 3600))
    assert client.post(URL, resident_post(clock, cast), REMOTE_ADDR="10.0.0.1").status_code == 302
    again = client.post(URL, resident_post(clock, cast, reporter_phone="+86 138 0013 8000"), REMOTE_ADDR="10.0.0.2")
    assert again.status_code == 429 and Case.objects.count() == 1


def test_the_default_limits_allow_five_submissions_from_an_ip_in_ten_minutes(cast, client, clock):
    for n in range(5):
        assert client.post(URL, resident_post(clock, cast, reporter_phone=f"1380013800{n}")).status_code == 302
    assert client.post(URL, resident_post(clock, cast, reporter_phone="13800138009")).status_code == 429


def test_emergencies_are_counted_apart_from_ordinary_requests(cast, client, clock, settings):
    limits(settings, submit_ip=(1, 600))
    client.post(URL, resident_post(clock, cast))
    emergency = {"form_token": aged_token(clock), "description": "燃气泄漏", "address": "幸福里3号楼",
                 "reporter_phone": "13900139000"}
    assert client.post("/r/emergency/", emergency).status_code == 302


def test_a_blocked_caller_gets_a_neutral_refusal(cast, client, clock):
    BlockedCaller.objects.create(phone=PHONE, reason="恶意骚扰", expires_at=timezone.now() + dt.timedelta(days=30))
    response = client.post(URL, resident_post(clock, cast, reporter_phone="138-0013-8000"))
    page = response.content.decode()
    assert response.status_code == 403 and not Case.objects.exists()
    assert "12345" in page and "黑名单" not in page and "恶意" not in page


def test_an_expired_block_no_longer_refuses(cast, client, clock):
    BlockedCaller.objects.create(phone=PHONE, reason="恶意骚扰", expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.post(URL, resident_post(clock, cast)).status_code == 302
