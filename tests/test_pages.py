"""The few pages this issue serves: home, login, admin, API docs — each renders, in both languages."""

from django.test import Client

from tests.cast import PASSWORD


def test_home_page_is_chinese_by_default_and_english_on_request(db):
    assert "接诉即办" in Client().get("/").content.decode()
    english = Client(headers={"Accept-Language": "en"}).get("/").content.decode()
    assert "接诉即办" not in english and 'lang="en"' in english


def test_staff_log_in_with_their_password_and_land_on_home(cast):
    client = Client()
    response = client.post("/accounts/login/", {"username": "community", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/work/"  # the role-based landing


def test_wrong_password_is_refused_with_a_message(cast):
    response = Client().post("/accounts/login/", {"username": "community", "password": "wrong"})
    assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()


def test_api_docs_are_served_from_our_own_static_files(db):
    page = Client().get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "http" not in page.split("<body")[1].split("</body")[0]


def test_admin_lists_cases_read_only(cast, new_case, client):
    case = new_case()
    client.force_login(cast.admin.__class__.objects.create_superuser("root", password=PASSWORD))
    assert client.get("/admin/cases/case/").status_code == 200
    page = client.get(f"/admin/cases/case/{case.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get("/admin/cases/case/add/").status_code == 403
