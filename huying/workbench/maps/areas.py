"""The boundaries on the map: grid polygons, and community and street outlines (社区/街道边界).

Communities and streets have no polygons of their own: their outline is the union of their grids' polygons
(shapely), so it can never disagree with the grids. The union is computed once per area and language and
kept in this process until the units change: the cache key holds the place registry's stamp (bumped by
every grid save, including a grid's boundary, name or parent) and a fingerprint of the streets and
communities (their names, parents and active flags), both read with one small query each.
"""

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import get_language
from shapely import union_all
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from huying.geo.registry import registry_version
from huying.org.models import Unit, UnitKind, User

OUTLINED = (UnitKind.STREET, UnitKind.COMMUNITY)
PRECISION = 6  # decimal degrees: about 0.1 m, and a third of the bytes of full float precision

Bounds = list[list[float]]  # [[south, west], [north, east]], as Leaflet takes them


def map_root(user: User) -> str | None:
    """The path of the territory a user's map shows: the district around their unit (a department or a
    grid worker still sees the whole district as context); "" (everything) for a superuser without a unit,
    None (no map) for anyone else without one."""
    unit = user.unit
    if unit is None:
        return "" if user.is_superuser else None
    district = unit.ancestor_of_kind(UnitKind.DISTRICT)
    return district.path if district is not None else unit.scope_path()


def user_scope(user: User) -> str:
    """The subtree the user oversees (the map's first view fits it); "" for a superuser without a unit."""
    return user.unit.scope_path() if user.unit is not None else ""


@dataclass(frozen=True)
class Grid:
    pk: int
    name: str
    path: str
    shape: BaseGeometry


@dataclass(frozen=True)
class Areas:
    geojson: dict  # FeatureCollection with "bounds"; each feature's properties say its kind
    grid_boxes: dict[int, tuple[float, float, float, float]]  # grid id → (west, south, east, north)

    def bounds(self, grid_ids: Iterable[int]) -> Bounds | None:
        boxes = [self.grid_boxes[pk] for pk in grid_ids if pk in self.grid_boxes]
        if not boxes:
            return None
        return [[min(b[1] for b in boxes), min(b[0] for b in boxes)],
                [max(b[3] for b in boxes), max(b[2] for b in boxes)]]


_lock = threading.Lock()
_cache: dict[tuple[str, str, str], Areas] = {}


def areas_for(root: str) -> Areas:
    """The streets, communities and grids under `root`, built once per version of the units."""
    key = (root, _fingerprint(root), get_language() or "")
    found = _cache.get(key)
    if found is None:
        found = _build(root)
        with _lock:
            # Older versions of this area are dead weight: keep only the newest per area and language.
            for old in [k for k in _cache if k[0] == key[0] and k[2] == key[2]]:
                del _cache[old]
            _cache[key] = found
    return found


def _fingerprint(root: str) -> str:
    outlined = (Unit.objects.filter(path__startswith=root, kind__in=OUTLINED).order_by("pk")
                .values_list("pk", "name", "name_en", "path", "active"))
    digest = hashlib.sha256(repr((registry_version(), list(outlined))).encode())
    return digest.hexdigest()


def _label(name: str, name_en: str) -> str:
    return name_en if name_en and (get_language() or "").startswith("en") else name


def _build(root: str) -> Areas:
    units = list(Unit.objects.filter(path__startswith=root, active=True, kind__in=(*OUTLINED, UnitKind.GRID))
                 .order_by("path").values_list("pk", "kind", "name", "name_en", "path", "boundary"))
    names = {pk: _label(name, name_en) for pk, _kind, name, name_en, _path, _b in units}
    grids = [Grid(pk, names[pk], path, shape(boundary))
             for pk, kind, _n, _e, path, boundary in units if kind == UnitKind.GRID and boundary]
    communities = [pk for pk, kind, *_rest in units if kind == UnitKind.COMMUNITY]
    streets = [pk for pk, kind, *_rest in units if kind == UnitKind.STREET]
    colour = {pk: i for i, pk in enumerate(communities)}  # the client picks palette[colour % len]
    members: dict[int, list[BaseGeometry]] = {}  # unit → the shapes of the grids under it
    for grid in grids:
        for pk in _path_ids(grid.path):
            members.setdefault(pk, []).append(grid.shape)
    features = []
    for kind, ids in ((UnitKind.STREET, streets), (UnitKind.COMMUNITY, communities)):
        for pk in ids:
            if pk in members:
                props = {"kind": kind, "id": pk, "name": names[pk], "colour": colour.get(pk)}
                features.append(_feature(union_all(members[pk]), props))
    for grid in grids:
        community = _nearest(grid.path, colour)
        props = {"kind": UnitKind.GRID, "id": grid.pk, "name": grid.name, "community": community,
                 "community_name": names.get(community or 0, ""), "colour": colour.get(community or 0)}
        features.append(_feature(grid.shape, props))
    areas = Areas(geojson={"type": "FeatureCollection", "features": features},
                  grid_boxes={g.pk: tuple(round(c, PRECISION) for c in g.shape.bounds) for g in grids})
    areas.geojson["bounds"] = areas.bounds(areas.grid_boxes)
    return areas


def _nearest(path: str, among: dict[int, int]) -> int | None:
    """The nearest ancestor on `path` that is one of `among` (a grid's community)."""
    return next((pk for pk in reversed(_path_ids(path)) if pk in among), None)


def _path_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def _feature(geometry: BaseGeometry, props: dict) -> dict:
    geo = mapping(geometry)
    return {"type": "Feature", "properties": props,
            "geometry": {"type": geo["type"], "coordinates": _rounded(geo["coordinates"])}}


def _rounded(coords):
    if isinstance(coords[0], float | int):
        return [round(c, PRECISION) for c in coords]
    return [_rounded(c) for c in coords]


def scope_bounds(areas: Areas, scope: str) -> Bounds | None:
    """The bounds of the grids inside `scope` (where the user works): the map's first view."""
    return areas.bounds(Unit.objects.filter(kind=UnitKind.GRID, path__startswith=scope).values_list("pk", flat=True))


# ---- grid centres: where a case with a grid but no coordinates is drawn -------------------------------------

_centres: tuple[int, dict[int, tuple[float, float]]] | None = None


def grid_centres() -> dict[int, tuple[float, float]]:
    """(lat, lon) of a point inside each grid, for every grid; rebuilt when the registry stamp moves."""
    global _centres
    version = registry_version()
    memo = _centres
    if memo is None or memo[0] != version:
        grids = Unit.objects.filter(kind=UnitKind.GRID, boundary__isnull=False).values_list("pk", "boundary")
        points = {pk: shape(boundary).representative_point() for pk, boundary in grids}
        memo = _centres = (version, {pk: (round(p.y, PRECISION), round(p.x, PRECISION)) for pk, p in points.items()})
    return memo[1]

