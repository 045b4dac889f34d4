"""The wall screen is for the command centre, leaders and administrators; it covers the user's own area."""

import pytest


@pytest.mark.parametrize("who", ["grid_worker", "community_staff", "street_dispatcher", "parks_handler", "operator"])
def test_other_roles_are_refused_the_screen_and_its_figures(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get("/work/screen/").status_code == 403
    assert client.get("/work/screen/stats.json").status_code == 403


@pytest.mark.parametrize("who", ["command", "leader", "admin"])
def test_the_command_centre_leaders_and_administrators_see_it(client, cast, who):
    client.force_login(getattr(cast, who))
    page = client.get("/work/screen/")
    assert page.status_code == 200
    assert "示范区 · 一网统管指挥大屏" in page.content.decode()
    assert client.get("/work/screen/stats.json").status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client, cast):
    response = client.get("/work/screen/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_page_carries_its_first_figures_so_it_draws_at_once(client, cast, new_case):
    new_case()
    new_case(channel="web")
    client.force_login(cast.command)
    page = client.get("/work/screen/").content.decode()
    assert 'data-kpi="today">2<' in page and 'data-kpi="month">2<' in page and 'data-kpi="open">2<' in page
    assert 'data-rate="satisfied">—<' in page  # no ratings: a dash, not 0% and not an error
    assert 'id="screen-board"' in page and 'id="screen-config"' in page


def test_the_figures_refresh_as_json_with_the_rates_and_lists(client, cast, new_case):
    emergency = new_case(urgency="emergency", description="燃气泄漏")
    client.force_login(cast.leader)
    body = client.get("/work/screen/stats.json").json()
    assert body["totals"]["today"] == 1
    assert set(body["rates"]) == {"period", "response", "solved", "satisfied", "composite"}
    assert [row["number"] for row in body["emergencies"]] == [emergency.number]
    assert body["emergencies"][0]["place"] == "幸福里网格1"


def test_the_stats_never_show_the_reporters_phone_or_name(client, cast, new_case):
    new_case(urgency="emergency", reporter_phone="13912345678", reporter_name="李四")
    client.force_login(cast.command)
    text = client.get("/work/screen/stats.json").content.decode("unicode_escape")
    assert "13912345678" not in text and "李四" not in text


def test_a_leader_lands_on_the_screen(client, cast):
    client.force_login(cast.leader)
    assert client.get("/work/")["Location"] == "/work/screen/"


def test_a_leader_without_a_unit_sees_no_figures_at_all(client, cast):
    cast.leader.unit = None
    cast.leader.save()
    client.force_login(cast.leader)
    assert client.get("/work/screen/stats.json").status_code == 403
