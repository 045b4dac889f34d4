from huying.catalog.models import DispatchRule
from huying.geo.places import place_resolve
from huying.routing.route import route_case


def test_address_with_a_building_alias_resolves_to_its_grid(cast):
    match = place_resolve(address="示范区幸福里 3 号楼2单元")
    assert match.grid == cast.grid1 and match.building == cast.building3


def test_coordinates_inside_a_grid_polygon_win_over_the_address(cast):
    match = place_resolve(lat=30.705, lon=114.405, address="幸福里3号楼")
    assert match.grid == cast.grid3 and match.how == "point"


def test_coordinates_outside_every_grid_fall_back_to_the_address(cast):
    assert place_resolve(lat=1.0, lon=1.0, address="幸福里三栋").grid == cast.grid1


def test_fuzzy_address_still_finds_the_building(cast):
    match = place_resolve(address="幸福里小区3")
    assert match is not None and match.grid == cast.grid1


def test_unknown_place_resolves_to_nothing(cast):
    assert place_resolve(address="火星基地") is None


def test_community_tier_goes_to_the_places_community(cast):
    route = route_case(category=cast.sanitation, request_type=cast.complaint, address="幸福里3号楼")
    assert (route.unit, route.tier, route.unassigned) == (cast.xingfu, cast.tier_a2, False)


def test_grid_tier_goes_to_the_grid_found_by_coordinates(cast):
    DispatchRule.objects.create(category=cast.noise, tier=cast.tier_a1)
    route = route_case(category=cast.noise, request_type=cast.complaint, lat=30.605, lon=114.315)
    assert route.unit == cast.grid2


def test_department_matter_goes_to_the_department_even_without_a_place(cast):
    route = route_case(category=cast.trees, request_type=cast.complaint, address="")
    assert (route.unit, route.tier) == (cast.parks, cast.tier_c)


def test_no_rule_sends_the_case_to_the_command_centre_queue(cast):
    route = route_case(category=cast.noise, request_type=cast.complaint, address="幸福里3号楼")
    assert (route.unit, route.unassigned, route.reason) == (cast.centre, True, "no_dispatch_rule")


def test_no_place_for_a_territorial_tier_sends_the_case_to_the_command_centre(cast):
    route = route_case(category=cast.sanitation, request_type=cast.complaint, address="不知道在哪里")
    assert (route.unit, route.unassigned, route.reason) == (cast.centre, True, "no_place")


def test_deeper_category_and_typed_rules_beat_general_ones(cast):
    DispatchRule.objects.create(category=cast.sanitation.parent, tier=cast.tier_b)
    DispatchRule.objects.create(category=cast.sanitation, request_type=cast.help, tier=cast.tier_a1)
    assert route_case(category=cast.sanitation, request_type=cast.help, address="幸福里3号楼").unit == cast.grid1
    assert route_case(category=cast.sanitation, request_type=cast.complaint, address="幸福里3号楼").unit == cast.xingfu


def test_an_area_rule_only_applies_inside_its_area(cast):
    DispatchRule.objects.create(category=cast.sanitation, area=cast.west, tier=cast.tier_b)
    assert route_case(category=cast.sanitation, request_type=cast.complaint, address="幸福里3号楼").unit == cast.xingfu
    west = route_case(category=cast.sanitation, request_type=cast.complaint, lat=30.705, lon=114.405)
    assert west.unit == cast.west


def test_case_without_a_route_is_still_dispatched_to_the_command_centre(cast, new_case):
    case = new_case(category=cast.noise)
    assert (case.status, case.current_unit) == ("dispatched", cast.centre)
    assert case.events.get(action="dispatch").data["unassigned"] is True


def test_a_renamed_building_is_found_by_its_new_alias_at_once(cast):
    assert place_resolve(address="老幸福楼") is None
    cast.building3.aliases += "\n老幸福楼"
    cast.building3.save()
    assert place_resolve(address="老幸福楼").building == cast.building3


def test_a_redrawn_grid_boundary_is_used_at_once(cast):
    from tests.cast import square

    assert place_resolve(lat=30.905, lon=114.905) is None
    cast.grid3.boundary = square(114.90, 30.90)
    cast.grid3.save()
    assert place_resolve(lat=30.905, lon=114.905).grid == cast.grid3


def test_a_deactivated_grid_no_longer_claims_points(cast):
    cast.grid3.active = False
    cast.grid3.save()
    assert place_resolve(lat=30.705, lon=114.405) is None
