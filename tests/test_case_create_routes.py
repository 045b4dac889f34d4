from huying.cases.models import CaseEvent


def test_sanitation_case_at_known_building_goes_to_its_community(cast, new_case):
    case = new_case()
    assert case.status == "dispatched"
    assert case.current_unit == cast.xingfu
    place = (case.grid, case.community, case.street, case.district)
    assert place == (cast.grid1, cast.xingfu, cast.east, cast.district)
    assert case.tier == cast.tier_a2
    assert case.number.startswith("HY20260930")
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == ["create", "dispatch"]
