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


def test_numbers_count_per_day_and_restart_the_next_day(cast, new_case, clock):
    import datetime as dt

    first, second = new_case(), new_case()
    assert (first.number, second.number) == ("HY20260930000001", "HY20260930000002")
    clock.shift(dt.timedelta(days=1))
    assert new_case().number == "HY20261001000001"


def test_the_case_number_day_is_beijing_time(cast, new_case, clock):
    import datetime as dt

    clock.move_to(dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.UTC))  # 00:30 on 1 October in Beijing
    assert new_case().number.startswith("HY20261001")
