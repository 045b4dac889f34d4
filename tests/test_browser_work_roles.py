"""Every role signs in through the real login page, lands on its own home and walks its main pages.

A full-page screenshot of each page is kept under var/screenshots/ (test artefacts).
"""

from urllib.parse import urlsplit

import pytest

from tests.browser import screenshot
from tests.cast import PASSWORD

# role login → (the page it lands on, the pages of its day)
WALKS = {
    "operator": ("/console/hotline/", ["/work/queues/", "/work/map/"]),
    "gridworker": ("/work/grid/", ["/patrol/", "/work/queues/"]),
    "community": ("/work/queues/", ["/work/map/", "/console/visit/"]),
    "street": ("/work/queues/", ["/work/map/"]),
    "parks": ("/work/queues/", ["/work/map/"]),
    "command": ("/work/queues/", ["/work/map/", "/work/screen/"]),
    "leader": ("/work/screen/", ["/work/queues/", "/work/map/"]),
}


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("username", sorted(WALKS))
def test_each_role_lands_on_its_home_and_walks_its_pages(desk_page, cast, new_case, username):
    case = new_case()
    landing, pages = WALKS[username]
    errors: list[str] = []
    desk_page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(desk_page, username)
    assert urlsplit(desk_page.url).path == landing
    screenshot(desk_page, f"role-{username}-home")
    for path in pages:
        response = desk_page.goto(path)
        assert response is not None and response.status == 200, path
        desk_page.wait_for_load_state("networkidle")
        screenshot(desk_page, f"role-{username}{path.rstrip('/').replace('/', '-')}")
    if username in ("street", "community", "command"):  # a unit that may see this case opens it
        desk_page.goto(f"/work/cases/{case.number}/")
        assert case.number in desk_page.content()
        screenshot(desk_page, f"role-{username}-case")
    assert errors == []  # no script failed on any page


def test_a_desk_left_idle_for_half_an_hour_is_signed_out(desk_page, cast, clock):
    sign_in(desk_page, "street")
    clock.shift(31 * 60)
    desk_page.goto("/work/queues/")
    assert urlsplit(desk_page.url).path == "/accounts/login/"
