"""Community and street outlines are the union of their grids, built once and rebuilt when the units change."""

import pytest
from shapely.geometry import box, shape

from huying.workbench.maps.areas import areas_for
from tests.cast import square


def features(client, kind: str) -> dict[str, dict]:
    body = client.get("/work/map/areas.json").json()
    return {f["properties"]["name"]: f for f in body["features"] if f["properties"]["kind"] == kind}


@pytest.fixture
def signed_in(client, cast):
    client.force_login(cast.command)
    return client


def test_a_community_outline_is_the_union_of_its_grids(signed_in):
    outline = shape(features(signed_in, "community")["幸福里社区"]["geometry"])
    assert outline.geom_type == "Polygon"  # two neighbouring squares merge into one shape, no inner edge
    assert outline.equals(box(114.30, 30.60, 114.32, 30.61))


def test_a_street_outline_is_the_union_of_the_grids_of_its_communities(signed_in):
    streets = features(signed_in, "street")
    assert shape(streets["东湖街道"]["geometry"]).equals(box(114.30, 30.60, 114.32, 30.61))
    assert shape(streets["西山街道"]["geometry"]).equals(box(114.40, 30.70, 114.41, 30.71))


def test_grids_carry_their_community_and_its_colour(signed_in):
    grids = features(signed_in, "grid")
    communities = features(signed_in, "community")
    assert grids["幸福里网格1"]["properties"]["community_name"] == "幸福里社区"
    assert grids["幸福里网格1"]["properties"]["colour"] == grids["幸福里网格2"]["properties"]["colour"]
    assert grids["桃园网格1"]["properties"]["colour"] == communities["桃园社区"]["properties"]["colour"]
    assert grids["桃园网格1"]["properties"]["colour"] != grids["幸福里网格1"]["properties"]["colour"]


def test_the_outlines_are_built_once_while_nothing_changes(signed_in, cast):
    first = areas_for(cast.district.path)
    assert areas_for(cast.district.path) is first


def test_a_moved_grid_boundary_redraws_its_community(signed_in, cast):
    before = areas_for(cast.district.path)
    cast.grid2.boundary = square(114.31, 30.61)  # moved north: the community is now an L of two squares
    cast.grid2.save()
    outline = shape(features(signed_in, "community")["幸福里社区"]["geometry"])
    assert areas_for(cast.district.path) is not before
    assert outline.area == pytest.approx(0.0002) and not outline.equals(box(114.30, 30.60, 114.32, 30.61))


def test_a_renamed_community_is_renamed_on_the_map(signed_in, cast):
    features(signed_in, "community")  # built and cached
    cast.xingfu.name = "幸福社区"
    cast.xingfu.save()
    assert "幸福社区" in features(signed_in, "community")
    assert features(signed_in, "grid")["幸福里网格1"]["properties"]["community_name"] == "幸福社区"


def test_an_inactive_grid_leaves_the_map(signed_in, cast):
    cast.grid3.active = False
    cast.grid3.save()
    assert "桃园网格1" not in features(signed_in, "grid")
    assert "西山街道" not in features(signed_in, "street")  # a street with no grid left has no outline
