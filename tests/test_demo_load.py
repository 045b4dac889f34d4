"""`huying demo_load`: the demo district's shape, its logins and a history that follows the workflow."""

import re
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from shapely.geometry import shape

from huying.cases.models import Case, CaseEvent, CaseNumberCounter
from huying.cases.services import case_create
from huying.cases.workflow import Status, transition_target
from huying.catalog.models import DispatchRule, RequestType
from huying.demo.district import DISTRICT_CODE
from huying.demo.people import DEMO_PASSWORD, LOGINS
from huying.geo.models import Building
from huying.geo.places import grid_at, place_resolve
from huying.org.models import Role, Unit, UnitKind, User

CASES = 300
NUMBER = re.compile(r"^HY(\d{8})(\d{6})$")


def load(**options) -> str:
    out = StringIO()
    call_command("demo_load", cases=CASES, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def district(db, clock):
    load()
    return Unit.objects.get(code=DISTRICT_CODE)


def units(kind: str) -> list[Unit]:
    return list(Unit.objects.filter(kind=kind).order_by("code"))


def test_demo_district_has_three_streets_of_three_communities_and_thirty_grids(district):
    streets, communities, grids = units(UnitKind.STREET), units(UnitKind.COMMUNITY), units(UnitKind.GRID)
    assert len(streets) == 3 and len(communities) == 9 and len(grids) == 30
    assert all(s.parent == district for s in streets)
    assert Counter(c.parent_id for c in communities) == {s.pk: 3 for s in streets}
    assert {g.parent_id for g in grids} == {c.pk for c in communities}
    assert all(c.population for c in communities)


def test_district_has_its_command_centre_departments_and_utilities(district):
    centre = Unit.objects.get(kind=UnitKind.COMMAND_CENTRE)
    assert centre.parent == district and centre.name == "示范区民呼我应指挥中心"
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT, parent=district).count() == 8
    assert set(Unit.objects.filter(kind=UnitKind.UTILITY).values_list("name", flat=True)) == {
        "供水公司", "供电公司", "燃气公司", "热力公司"}
    assert Unit.objects.filter(kind=UnitKind.PROPERTY, parent__kind=UnitKind.COMMUNITY).count() == 9


def test_every_grid_polygon_is_found_from_its_own_centre(district):
    for grid in units(UnitKind.GRID):
        centre = shape(grid.boundary).centroid
        match = place_resolve(lat=centre.y, lon=centre.x)
        assert match is not None and match.grid == grid, grid.name


def test_buildings_lie_in_their_grid_and_their_names_find_it(district):
    buildings = list(Building.objects.select_related("grid"))
    assert len(buildings) >= 9 * 10 * 3
    assert all(grid_at(b.lat, b.lon) == b.grid for b in buildings[::7])
    for building in buildings[::37]:
        assert place_resolve(address=building.name).grid == building.grid
        alias = building.aliases.splitlines()[0]
        assert place_resolve(address=f"示范区{alias}门口").grid == building.grid


def test_every_role_has_a_demo_login_in_a_fitting_unit(district):
    users = {u.username: u for u in User.objects.filter(username__in=LOGINS).select_related("unit")}
    assert {u.role for u in users.values()} == set(Role.values)
    assert users["grid"].unit.kind == UnitKind.GRID
    assert users["community"].unit.kind == UnitKind.COMMUNITY
    assert users["street"].unit.kind == UnitKind.STREET
    assert users["dept"].unit.kind == UnitKind.DEPARTMENT
    assert users["admin"].is_superuser and users["admin"].check_password(DEMO_PASSWORD)
    # The community, street, department and command-centre logins head their units: they see overdue alerts.
    assert {name for name, u in users.items() if u.is_unit_head} == {"community", "street", "dept", "command"}


def test_history_has_the_requested_cases_placed_consistently(district):
    cases = list(Case.objects.select_related("grid"))
    assert len(cases) == CASES
    for case in cases:
        community = case.grid.parent
        assert (case.community_id, case.street_id, case.district) == (community.pk, community.parent_id, district)
        assert case.place_path == case.grid.path


def test_history_mixes_channels_types_and_statuses_from_the_workflow(district):
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert set(statuses) <= set(Status.values)
    assert statuses[Status.CLOSED] > CASES * 0.7
    assert len(set(Case.objects.values_list("channel", flat=True))) >= 5
    assert len(set(Case.objects.values_list("request_type", flat=True))) >= 4


def test_every_case_opens_with_a_create_event_and_its_events_run_in_time_order(district):
    timelines = defaultdict(list)
    for event in CaseEvent.objects.order_by("case_id", "created_at", "id"):
        timelines[event.case_id].append(event)
    assert len(timelines) == CASES
    for events in timelines.values():
        assert events[0].action == "create" and events[0].to_status == Status.RECEIVED
        assert all(a.created_at < b.created_at for a, b in zip(events, events[1:], strict=False))


def test_every_event_is_a_transition_the_workflow_table_allows(district):
    for event in CaseEvent.objects.exclude(action__in=["create", "merge_in"]):
        if event.action == "report_back" and event.to_status == Status.IN_PROGRESS:
            continue  # the last department to report back hands the case back to the street
        assert transition_target(event.action, event.from_status) == event.to_status, event.action
    last = {e.case_id: e.to_status for e in CaseEvent.objects.exclude(action="merge_in").order_by("created_at", "id")}
    assert all(last[pk] == status for pk, status in Case.objects.values_list("pk", "status"))


def test_most_resolved_cases_met_their_completion_deadline(district):
    done = Case.objects.filter(resolved_at__isnull=False, completion_due_at__isnull=False)
    on_time = sum(c.resolved_at <= c.completion_due_at for c in done)
    assert 0.75 < on_time / done.count() < 0.97


def test_case_numbers_are_unique_per_day_and_counted(district):
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    last_by_day = Counter()
    for number in numbers:
        day, seq = NUMBER.match(number).groups()
        last_by_day[day] = max(last_by_day[day], int(seq))
    counters = {c.day.strftime("%Y%m%d"): c.last for c in CaseNumberCounter.objects.all()}
    assert all(counters[day] >= last for day, last in last_by_day.items())


def test_loading_twice_reuses_the_district(district):
    before = (Unit.objects.count(), Case.objects.count(), CaseEvent.objects.count(), User.objects.count())
    assert "复用" in load()
    assert (Unit.objects.count(), Case.objects.count(), CaseEvent.objects.count(), User.objects.count()) == before


def _building_with_rule(district, **rule_filter):
    rule = DispatchRule.objects.filter(area=district, **rule_filter).select_related("category", "department").first()
    building = Building.objects.select_related("grid__parent").order_by("pk")[5]
    return rule, building


def test_live_case_at_a_demo_building_goes_to_its_community_with_a_fresh_number(district):
    rule, building = _building_with_rule(district, department=None, tier__handling_level=UnitKind.COMMUNITY)
    history = set(Case.objects.values_list("number", flat=True))
    case = case_create(
        by=User.objects.get(username="operator"), channel="hotline", request_type=RequestType.objects.first(),
        category=rule.category, description="楼下垃圾好几天没人清运", address=building.name,
    )
    assert case.current_unit == building.grid.parent and case.tier == rule.tier
    same_day = [n for n in history if n[:10] == case.number[:10]]
    assert same_day and case.number > max(same_day)  # the history already used today's first numbers


def test_live_department_case_at_a_demo_building_goes_to_the_department(district):
    rule, building = _building_with_rule(district, department__isnull=False)
    case = case_create(
        by=User.objects.get(username="operator"), channel="hotline", request_type=RequestType.objects.first(),
        category=rule.category, description="树枝挡住了路灯", address=building.aliases.splitlines()[0],
    )
    assert case.current_unit == rule.department and case.grid == building.grid


def test_a_failed_history_leaves_no_cases_and_the_next_run_completes_it(db, clock, monkeypatch):
    def fail(counters):
        raise RuntimeError("disk full")

    monkeypatch.setattr("huying.demo.history._counters_write", fail)
    with pytest.raises(RuntimeError):
        load()
    assert Unit.objects.filter(code=DISTRICT_CODE).exists()
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    monkeypatch.undo()
    assert "补充生成" in load()
    assert Case.objects.count() == CASES


def test_each_street_is_on_duty_for_its_own_area_in_office_hours(district, clock):
    from huying.org.models import DutyShift, duty_shift_at
    from tests.cast import FROZEN_NOW  # 10:00 on a Wednesday: office hours

    streets = units(UnitKind.STREET)
    assert DutyShift.objects.filter(unit__in=streets).count() > 0
    grid = Unit.objects.filter(kind=UnitKind.GRID, path__startswith=streets[0].path).first()
    assert duty_shift_at(grid, FROZEN_NOW).unit == streets[0]
    night = FROZEN_NOW.replace(hour=23)
    assert duty_shift_at(grid, night) is None  # then the command centre takes emergencies
