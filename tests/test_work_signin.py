"""Signing in (登录): argon2 passwords, lockout after repeated failures, idle expiry, CSRF, role-based landing."""

import pytest
from django.test import Client

from tests.cast import PASSWORD


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_passwords_are_kept_as_argon2_hashes(cast):
    assert cast.street_dispatcher.password.startswith("argon2$")


def test_a_wrong_password_is_refused_with_a_message_and_the_username_kept(cast, client):
    response = sign_in(client, "street", "wrong-password")
    page = response.content.decode()
    assert response.status_code == 200 and "用户名或密码不正确" in page
    assert 'value="street"' in page and "_auth_user_id" not in client.session


@pytest.mark.usefixtures("lockout")
def test_repeated_failures_lock_the_account_even_against_the_right_password(cast, client):
    for _ in range(3):
        sign_in(client, "street", "wrong-password")
    response = sign_in(client, "street")
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("lockout")
def test_the_lock_is_per_user_and_address_and_lifts_after_the_cool_off(cast, client, clock):
    for _ in range(3):
        sign_in(client, "street", "wrong-password")
    assert sign_in(client, "community").status_code == 302  # another user at the same desk is not locked
    assert sign_in(Client(REMOTE_ADDR="10.0.0.9"), "street").status_code == 302  # nor the same user elsewhere
    clock.shift(16 * 60)
    assert sign_in(Client(), "street").status_code == 302


@pytest.mark.usefixtures("lockout")
def test_a_success_clears_the_failures(cast, client):
    for _ in range(2):
        sign_in(client, "street", "wrong-password")
    assert sign_in(client, "street").status_code == 302
    client.logout()
    for _ in range(2):
        sign_in(client, "street", "wrong-password")
    assert sign_in(client, "street").status_code == 302


def test_a_session_expires_after_idle_minutes_and_is_renewed_by_activity(cast, client, clock, settings):
    assert sign_in(client, "street").status_code == 302
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 30 * 60
    clock.shift(20 * 60)
    assert client.get("/console/").status_code == 200  # activity renews the session
    clock.shift(20 * 60)
    assert client.get("/console/").status_code == 200  # 40 minutes in, but only 20 idle
    clock.shift(31 * 60)
    response = client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_login_form_posted_without_its_csrf_token_is_refused(cast):
    client = Client(enforce_csrf_checks=True)
    assert sign_in(client, "street").status_code == 403


@pytest.mark.parametrize(("username", "landing"), [
    ("operator", "/console/hotline/"),
    ("gridworker", "/work/grid/"),
    ("community", "/work/queues/"),
    ("street", "/work/queues/"),
    ("parks", "/work/queues/"),
    ("command", "/work/queues/"),
    ("leader", "/work/screen/"),
])
def test_each_role_lands_on_its_own_home_after_login(cast, client, username, landing):
    response = sign_in(client, username)
    assert response["Location"] == "/work/"
    assert client.get("/work/")["Location"] == landing


def test_the_landing_asks_a_stranger_to_sign_in(db, client):
    response = client.get("/work/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/work/"


def test_activity_renews_the_session_at_most_once_a_minute(cast, client, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def session_writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/console/").status_code == 200
        return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)

    sign_in(client, "street")
    assert session_writes() == 0  # signing in just saved it
    clock.shift(30)
    assert session_writes() == 0
    clock.shift(31)
    assert session_writes() == 1


def test_a_partial_page_request_after_the_session_ended_sends_the_whole_page_to_login(db, client):
    response = client.get("/work/queues/?tab=in_progress", HTTP_HX_REQUEST="true",
                          HTTP_HX_CURRENT_URL="http://testserver/work/queues/?channel=hotline")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=/work/queues/%3Fchannel%3Dhotline"


def test_reloading_a_refused_action_form_goes_back_to_the_case(cast, client, new_case):
    case = new_case()
    client.force_login(cast.community_staff)
    response = client.get(f"/work/cases/{case.number}/return/")
    assert response.status_code == 302 and response["Location"] == f"/work/cases/{case.number}/"


def test_a_refused_page_says_so_in_chinese_with_a_way_back(cast, client):
    client.force_login(cast.parks_handler)
    response = client.get("/work/screen/")
    page = response.content.decode()
    assert response.status_code == 403 and "您没有权限查看此页面" in page and 'href="/work/"' in page


def test_the_login_page_switches_to_english_and_keeps_its_place(db, client):
    page = client.get("/accounts/login/?next=/work/map/").content.decode()
    assert 'name="language" value="en"' in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/?next=/work/map/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/work/map/"
    assert "Log in" in client.get("/accounts/login/?next=/work/map/").content.decode()
