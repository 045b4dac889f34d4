"""The map's JSON is the user's: cases through cases_visible_to, boundaries of the user's own district."""

import pytest

from huying.org.models import Unit, UnitKind
from tests.cast import square


@pytest.fixture
def elsewhere(cast):
    """A grid in a second district (别区) of the same city, with its street and community."""
    district = Unit.objects.create(code="T310102", name="别区", kind=UnitKind.DISTRICT, parent=cast.city)
    street = Unit.objects.create(code="T310102001", name="别区街道", kind=UnitKind.STREET, parent=district)
    community = Unit.objects.create(code="T310102001001", name="别区社区", kind=UnitKind.COMMUNITY, parent=street)
    return Unit.objects.create(code="T310102001001001", name="别区网格", kind=UnitKind.GRID, parent=community,
                               boundary=square(115.00, 31.00))


def numbers(client, url: str = "/work/map/cases.json", **query) -> list[str]:
    response = client.get(url, query)
    assert response.status_code == 200
    return sorted(row[0] for row in response.json()["rows"])


def test_another_districts_cases_never_appear_on_the_map(client, cast, new_case, elsewhere):
    ours = new_case()
    theirs = new_case(address="", lat=31.005, lon=115.005)
    assert theirs.place_path.startswith(elsewhere.path)
    client.force_login(cast.command)
    assert numbers(client) == [ours.number]
    assert numbers(client, status="all") == [ours.number]
    heat = client.get("/work/map/heat.json", {"status": "all"}).json()
    assert sum(n for _lat, _lon, n in heat["cells"]) == 1


def test_a_street_sees_its_own_cases_and_not_the_other_streets(client, cast, new_case):
    east = new_case()
    west = new_case(address="", lat=30.705, lon=114.405)  # 桃园网格1, 西山街道
    client.force_login(cast.street_dispatcher)
    assert numbers(client) == [east.number]
    client.force_login(cast.outsider)  # the dispatcher of 西山街道
    assert numbers(client) == [west.number]


def test_a_department_sees_the_cases_dispatched_to_it(client, cast, new_case):
    trees = new_case(category=cast.trees, description="树枝挡路")
    new_case()  # sanitation goes to the community, not to 园林局
    client.force_login(cast.parks_handler)
    assert numbers(client) == [trees.number]


def test_the_boundaries_are_the_users_district_only(client, cast, elsewhere):
    client.force_login(cast.grid_worker)
    areas = client.get("/work/map/areas.json").json()
    names = {f["properties"]["name"] for f in areas["features"]}
    assert names == {"东湖街道", "西山街道", "幸福里社区", "桃园社区", "幸福里网格1", "幸福里网格2", "桃园网格1"}
    # The first view fits where the user works: the grid worker's own grid.
    assert areas["focus"] == [[30.60, 114.30], [30.61, 114.31]]
    assert areas["bounds"] == [[30.60, 114.30], [30.71, 114.41]]


def test_signed_out_visitors_are_sent_to_sign_in(client, cast):
    for url in ("/work/map/", "/work/map/cases.json", "/work/map/heat.json", "/work/map/areas.json"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["operator", "grid_worker", "community_staff", "street_dispatcher", "parks_handler",
                                 "command", "leader"])
def test_every_staff_role_has_the_map(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get("/work/map/").status_code == 200


def test_staff_without_a_unit_get_an_empty_map(client, cast, new_case):
    new_case()
    cast.street_dispatcher.unit = None
    cast.street_dispatcher.save()
    client.force_login(cast.street_dispatcher)
    assert client.get("/work/map/areas.json").json()["features"] == []
    assert numbers(client, status="all") == []
