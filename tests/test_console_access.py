"""Who may open which staff entry screen: the landing lists exactly the screens a role may use; others get 403."""

import pytest
from django.test import Client

from huying.org.models import User

CALLER = "/console/hotline/caller/"  # POST only: the number travels in the body
SCREENS = ("/console/hotline/", CALLER, "/console/visit/", "/patrol/",
           "/patrol/report/")
ALLOWED = {
    "operator": {"/console/hotline/", CALLER},
    "command": {"/console/hotline/", CALLER},
    "admin": {"/console/hotline/", CALLER},
    "grid_worker": {"/console/visit/", "/patrol/", "/patrol/report/"},
    "community_staff": {"/console/visit/"},
    "street_dispatcher": set(),
    "parks_handler": set(),
    "leader": set(),
    "outsider": set(),
}


def open_screen(client: Client, screen: str):
    return client.post(screen, {"phone": "13800138000"}) if screen == CALLER else client.get(screen)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("member", sorted(ALLOWED))
def test_each_role_opens_its_own_screens_and_is_refused_the_others(cast, member):
    client = client_for(getattr(cast, member))
    statuses = {screen: open_screen(client, screen).status_code for screen in SCREENS}
    assert {screen for screen, status in statuses.items() if status == 200} == ALLOWED[member]
    assert {screen for screen, status in statuses.items() if status == 403} == set(SCREENS) - ALLOWED[member]


def test_a_superuser_may_take_calls_and_enter_visits_but_has_no_grid_to_patrol(cast):
    client = client_for(User.objects.create_superuser("root", password="x"))
    assert client.get("/console/hotline/").status_code == 200
    assert client.get("/console/visit/").status_code == 200
    assert client.get("/patrol/").status_code == 403


@pytest.mark.parametrize("screen", ["/console/", *SCREENS])
def test_anonymous_visitors_are_sent_to_the_login_page(db, screen):
    response = open_screen(Client(), screen)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=")


def test_posting_to_a_refused_screen_creates_nothing(cast):
    response = client_for(cast.community_staff).post("/console/hotline/", {"action": "dispatch"})
    assert response.status_code == 403
    assert client_for(cast.operator).post("/patrol/start/").status_code == 403
    assert not cast.operator.patrols.exists()


@pytest.mark.parametrize(("member", "links"), [
    ("operator", ["/console/hotline/"]),
    ("command", ["/console/hotline/"]),
    ("grid_worker", ["/patrol/", "/console/visit/"]),
    ("community_staff", ["/console/visit/"]),
    ("parks_handler", []),
])
def test_the_landing_lists_only_the_entry_screens_of_the_role(cast, member, links):
    page = client_for(getattr(cast, member)).get("/console/").content.decode()
    shown = [href for href in ("/console/hotline/", "/patrol/", "/console/visit/") if f'href="{href}"' in page]
    assert shown == links
    if not links:
        assert "暂无可用的录入入口" in page
