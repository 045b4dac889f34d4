"""Place resolution: a point or an address text → the grid it lies in."""

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from shapely.geometry import Point, shape

from huying.geo.models import Building
from huying.lib.text import normalise_address
from huying.org.models import Unit, UnitKind

FUZZY_MIN_SCORE = 90


@dataclass(frozen=True)
class PlaceMatch:
    grid: Unit
    how: str  # "point", "address" or "fuzzy"
    building: Building | None = None


def grid_at(lat: float, lon: float) -> Unit | None:
    """The active grid whose polygon contains the point (GeoJSON order: lon, lat)."""
    point = Point(lon, lat)
    for grid in Unit.objects.filter(kind=UnitKind.GRID, active=True, boundary__isnull=False):
        if shape(grid.boundary).covers(point):
            return grid
    return None


def building_for_address(text: str) -> tuple[Building, str] | None:
    """The building whose name or alias the address names; exact containment first, then fuzzy."""
    wanted = normalise_address(text)
    if not wanted:
        return None
    candidates: dict[str, Building] = {}
    for building in Building.objects.select_related("grid"):
        for name in building.names():
            key = normalise_address(name)
            if key:
                candidates.setdefault(key, building)
    contained = [key for key in candidates if key in wanted]
    if contained:
        return candidates[max(contained, key=len)], "address"
    best = process.extractOne(wanted, list(candidates), scorer=fuzz.partial_ratio, score_cutoff=FUZZY_MIN_SCORE)
    return (candidates[best[0]], "fuzzy") if best else None


def place_resolve(*, lat: float | None = None, lon: float | None = None, address: str = "") -> PlaceMatch | None:
    """Coordinates win when given and inside a grid; otherwise the address registry."""
    if lat is not None and lon is not None:
        grid = grid_at(lat, lon)
        if grid is not None:
            return PlaceMatch(grid=grid, how="point")
    found = building_for_address(address)
    if found:
        building, how = found
        return PlaceMatch(grid=building.grid, how=how, building=building)
    return None
