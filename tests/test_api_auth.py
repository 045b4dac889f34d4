"""Who may call the API: staff by session (with CSRF on writes), systems by bearer token; nobody else."""

import hashlib
import io
import logging

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from huying.org.models import ApiToken, User
from huying.org.tokens import token_create
from tests.cast import PASSWORD
from tests.test_api_helpers import Api, assert_error, create_body


def test_anonymous_caller_gets_401_json_everywhere(new_case):
    case = new_case()
    api = Api()
    for response in (api.get("/cases"), api.get(f"/cases/{case.number}"), api.post("/cases", create_body()),
                     api.post(f"/cases/{case.number}/accept"), api.get("/units")):
        assert_error(response, 401, "unauthenticated")


def test_anonymous_write_is_401_even_when_csrf_is_enforced(cast):
    response = Client(enforce_csrf_checks=True).post("/api/v1/cases", create_body(), content_type="application/json")
    assert_error(response, 401, "unauthenticated")


def test_staff_session_reads_without_csrf(cast, new_case, client):
    case = new_case()
    client.force_login(cast.community_staff)
    assert client.get(f"/api/v1/cases/{case.number}").json()["number"] == case.number


def test_staff_session_write_needs_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.operator)
    response = client.post("/api/v1/cases", create_body(), content_type="application/json")
    assert_error(response, 403, "csrf_failed")
    client.get("/api/docs")  # any page that renders a form sets the CSRF cookie; the docs page does
    token = client.cookies["csrftoken"].value
    response = client.post("/api/v1/cases", create_body(), content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.content
    assert response.json()["timeline"][0]["actor"] == "operator"


def test_staff_can_log_in_with_a_password_and_use_the_session(cast):
    client = Client()
    assert client.login(username="operator", password=PASSWORD)
    assert client.get("/api/v1/catalog/tiers").status_code == 200


def test_system_creates_a_case_with_a_token_and_needs_no_csrf(cast):
    _token, key = token_create(user=cast.operator, name="12345 hotline")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/cases", create_body(), content_type="application/json",
                           headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 201, response.content


def test_token_records_when_it_was_last_used(cast):
    token, key = token_create(user=cast.operator, name="x")
    assert token.last_used_at is None
    Client().get("/api/v1/units", headers={"Authorization": f"Bearer {key}"})
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_is_refused(cast):
    token, key = token_create(user=cast.operator, name="old system")
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    assert_error(Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {key}"}), 401, "unauthenticated")


def test_token_of_a_deactivated_user_is_refused(cast):
    _token, key = token_create(user=cast.operator, name="x")
    User.objects.filter(pk=cast.operator.pk).update(is_active=False)
    assert_error(Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {key}"}), 401, "unauthenticated")


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer nope", "Token {key}", "Basic {key}", "{key}"])
def test_malformed_or_wrong_authorization_is_refused(cast, header):
    _token, key = token_create(user=cast.operator, name="x")
    response = Client().get("/api/v1/cases", headers={"Authorization": header.format(key=key)})
    assert_error(response, 401, "unauthenticated")


def test_a_key_in_the_wrong_scheme_is_not_logged_even_in_debug(cast, settings, caplog):
    settings.DEBUG = True
    _token, key = token_create(user=cast.operator, name="x")
    with caplog.at_level(logging.DEBUG):
        Client().get("/api/v1/cases", headers={"Authorization": f"Token {key}"})
    assert key not in caplog.text


def test_token_create_prints_the_key_once_and_stores_only_its_hash(cast):
    out, err = io.StringIO(), io.StringIO()
    call_command("token_create", "operator", "--name", "12345 hotline", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(name="12345 hotline")
    assert token.user == cast.operator
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.key_prefix == key[:8] and len(key) > 40
    assert key not in err.getvalue() and key not in str(ApiToken.objects.values().get(pk=token.pk))
    assert Client().get("/api/v1/units", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_token_create_refuses_an_unknown_user(cast):
    with pytest.raises(CommandError):
        call_command("token_create", "nobody", "--name", "x", stdout=io.StringIO(), stderr=io.StringIO())


def test_admin_shows_a_new_key_once(cast):
    admin_client = Client()
    admin_client.force_login(User.objects.create_superuser("root", password=PASSWORD))
    response = admin_client.post("/admin/org/apitoken/add/", {"user": cast.operator.pk, "name": "网格通"})
    assert response.status_code == 200, response.content
    token = ApiToken.objects.get(name="网格通")
    page = response.content.decode()
    key = next(word for word in page.split(">") if word.startswith(token.key_prefix)).split("<")[0]
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert "no-store" in response.headers["Cache-Control"]
    assert key not in admin_client.get(f"/admin/org/apitoken/{token.pk}/change/").content.decode()
