"""Who sees which case: own unit and below, plus cases dispatched or summoned to the unit."""

import datetime as dt

import pytest
from django.utils import timezone

from huying.cases import services as svc
from huying.cases.selectors import access_case, cases_visible_to
from huying.lib.errors import NotFound


def visible(user) -> set[str]:
    return set(cases_visible_to(user).values_list("number", flat=True))


def test_each_unit_sees_the_cases_of_its_own_subtree(cast, new_case):
    east_case = new_case()
    west_case = new_case(lat=30.705, lon=114.405, address="")
    assert visible(cast.community_staff) == {east_case.number}
    assert visible(cast.street_dispatcher) == {east_case.number}
    assert visible(cast.grid_worker) == {east_case.number}
    assert visible(cast.outsider) == {west_case.number}
    assert visible(cast.command) == visible(cast.leader) == {east_case.number, west_case.number}


def test_outsider_from_another_street_gets_not_found(cast, new_case):
    case = new_case()
    with pytest.raises(NotFound):
        access_case(cast.outsider, case.number)
    assert access_case(cast.street_dispatcher, case.number) == case


def test_department_sees_only_what_is_dispatched_or_summoned_to_it(cast, new_case):
    tree_case, rubbish_case = new_case(category=cast.trees), new_case()
    assert visible(cast.parks_handler) == {tree_case.number}
    assert visible(cast.water_handler) == set()
    svc.case_dispatch(case=rubbish_case, to=cast.east, by=cast.command, reason="街道统筹")
    svc.case_accept(case=rubbish_case, by=cast.street_dispatcher)
    svc.case_summon(case=rubbish_case, by=cast.street_dispatcher, departments=[cast.water],
                    report_due_at=timezone.now() + dt.timedelta(hours=4))
    assert visible(cast.water_handler) == {rubbish_case.number}


def test_unit_keeps_seeing_a_case_it_escalated_from_its_own_territory(cast, new_case):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_escalate(case=case, by=cast.community_staff, reason="需街道协调")
    assert case.number in visible(cast.community_staff)


def test_inactive_or_unitless_users_see_nothing(cast, new_case):
    new_case()
    cast.community_staff.is_active = False
    assert visible(cast.community_staff) == set()
    cast.admin.unit = None
    assert visible(cast.admin) == set()
