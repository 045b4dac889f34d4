"""route(case facts) → tier and unit (分级分类派单).

The dispatch catalogue gives the tier (and the department for department matters); the place gives the
territorial unit at the tier's handling level. When either is missing the case goes to the command
centre's queue (权责不清) — never nowhere.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from huying.catalog.models import Category, DispatchRule, RequestType, Tier
from huying.geo.places import PlaceMatch, place_resolve
from huying.org.models import Unit, UnitKind, duty_shift_at


@dataclass(frozen=True)
class Route:
    unit: Unit
    tier: Tier | None
    place: PlaceMatch | None
    rule: DispatchRule | None
    unassigned: bool  # True when it fell to the command centre for want of a rule or a place
    reason: str


def rule_for(*, category: Category | None, request_type: RequestType, place_unit: Unit | None) -> DispatchRule | None:
    """The most specific active dispatch rule for this category (or an ancestor), type and place."""
    if category is None:
        return None
    lineage = category.lineage()
    depth = {c.pk: i for i, c in enumerate(lineage)}  # 0 = the category itself
    area_ids = [u.pk for u in place_unit.ancestors()] if place_unit else []
    rules = DispatchRule.objects.filter(
        Q(request_type=request_type) | Q(request_type__isnull=True),
        Q(area_id__in=area_ids) | Q(area__isnull=True),
        category_id__in=depth,
        active=True,
    ).select_related("tier", "department")

    def specificity(rule: DispatchRule) -> tuple:
        return (-depth[rule.category_id], rule.request_type_id is not None, rule.area_id is not None, rule.priority)

    return max(rules, key=specificity, default=None)


def command_centre_for(district: Unit | None) -> Unit:
    """The command centre of the place's district, or the first one configured when the place is unknown."""
    centres = Unit.objects.filter(kind=UnitKind.COMMAND_CENTRE, active=True).order_by("path")
    if district is not None:
        own = centres.filter(parent=district).first()
        if own:
            return own
    centre = centres.first()
    if centre is None:
        raise LookupError("no command centre configured: create one under the district")
    return centre


UNRESOLVED = object()  # `place` not given: resolve it here


def route_case(*, category: Category | None, request_type: RequestType, lat: float | None = None,
               lon: float | None = None, address: str = "", emergency: bool = False,
               place: "PlaceMatch | None | object" = UNRESOLVED) -> Route:
    """`place`, when triage already found it (or found nothing: None), is not looked up again."""
    if place is UNRESOLVED:
        place = place_resolve(lat=lat, lon=lon, address=address)
    assert place is None or isinstance(place, PlaceMatch)
    grid = place.grid if place else None
    district = grid.ancestor_of_kind(UnitKind.DISTRICT) if grid else None
    rule = rule_for(category=category, request_type=request_type, place_unit=grid)
    if emergency:
        return _emergency_route(grid, district, place, rule)
    if rule is not None and rule.department is not None:
        return Route(rule.department, rule.tier, place, rule, False, "dispatch_rule_department")
    if rule is None:
        return Route(command_centre_for(district), None, place, None, True, "no_dispatch_rule")
    if grid is None:
        return Route(command_centre_for(district), rule.tier, None, rule, True, "no_place")
    level = rule.tier.handling_level
    if level in (UnitKind.DISTRICT, UnitKind.CITY):
        return Route(command_centre_for(district), rule.tier, place, rule, False, "district_level")
    unit = grid.ancestor_of_kind(level)
    if unit is None:
        return Route(command_centre_for(district), rule.tier, place, rule, True, "no_unit_at_level")
    return Route(unit, rule.tier, place, rule, False, "tier_level")


def _emergency_route(grid: Unit | None, district: Unit | None, place: PlaceMatch | None,
                     rule: DispatchRule | None) -> Route:
    """An emergency skips the catalogue: straight to whoever is on duty (值班) around the place."""
    tier = rule.tier if rule else None
    shift = duty_shift_at(grid, timezone.now()) if grid is not None else None
    if shift is not None:
        return Route(shift.unit, tier, place, rule, False, "on_duty")
    return Route(command_centre_for(district), tier, place, rule, grid is None, "on_duty_command_centre")
