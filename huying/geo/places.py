"""Place resolution: a point or an address text → the grid it lies in."""

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from huying.geo.models import Building
from huying.geo.registry import place_index
from huying.lib.text import normalise_address
from huying.org.models import Unit

FUZZY_MIN_SCORE = 90


@dataclass(frozen=True)
class PlaceMatch:
    grid: Unit
    how: str  # "point", "address" or "fuzzy"
    building: Building | None = None


def grid_at(lat: float, lon: float) -> Unit | None:
    """The active grid whose polygon contains the point (GeoJSON order: lon, lat)."""
    grid_id = place_index().grid_covering(lon, lat)
    return Unit.objects.filter(pk=grid_id).first() if grid_id else None


def building_for_address(text: str) -> tuple[Building, str] | None:
    """The building whose name or alias the address names; the longest contained name first, then fuzzy."""
    wanted = normalise_address(text)
    if not wanted:
        return None
    names = place_index().names
    contained = [key for key in names if key in wanted]
    if contained:
        building_id, how = names[max(contained, key=len)], "address"
    else:
        best = process.extractOne(wanted, names.keys(), scorer=fuzz.partial_ratio, score_cutoff=FUZZY_MIN_SCORE)
        if best is None:
            return None
        building_id, how = names[best[0]], "fuzzy"
    building = Building.objects.select_related("grid").filter(pk=building_id).first()
    return (building, how) if building else None


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
