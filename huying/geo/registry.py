"""The place index kept in memory per process, and the version stamp that tells it to rebuild."""

import secrets
import threading
from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from huying.geo.models import Building, RegistryVersion
from huying.lib.text import normalise_address
from huying.org.models import Unit, UnitKind


def registry_changed() -> None:
    """Stamp a new version; call after bulk writes that bypass signals (e.g. bulk_create of buildings)."""
    # A random stamp, not a counter: a rolled-back transaction must not let a later change reuse its number
    # and leave another process's index (built inside that transaction) looking current.
    stamp = secrets.randbits(62)
    if not RegistryVersion.objects.filter(pk=1).update(version=stamp):
        RegistryVersion.objects.update_or_create(pk=1, defaults={"version": stamp})


def registry_version() -> int:
    return RegistryVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


@receiver(post_save, sender=Building)
@receiver(post_delete, sender=Building)
def _building_changed(sender, **kwargs) -> None:
    registry_changed()


@receiver(post_save, sender=Unit)
@receiver(post_delete, sender=Unit)
def _unit_changed(sender, instance: Unit, **kwargs) -> None:
    if instance.kind == UnitKind.GRID:
        registry_changed()


@dataclass
class PlaceIndex:
    version: int
    grid_ids: list[int] = field(default_factory=list)
    grid_shapes: list[BaseGeometry] = field(default_factory=list)
    tree: STRtree | None = None
    # normalised building name or alias → building id; the first building to claim a name keeps it
    names: dict[str, int] = field(default_factory=dict)

    def grid_covering(self, lon: float, lat: float) -> int | None:
        if self.tree is None:
            return None
        point = Point(lon, lat)
        hits = sorted(int(i) for i in self.tree.query(point))
        return next((self.grid_ids[i] for i in hits if self.grid_shapes[i].covers(point)), None)


def _build(version: int) -> PlaceIndex:
    index = PlaceIndex(version=version)
    grids = Unit.objects.filter(kind=UnitKind.GRID, active=True, boundary__isnull=False).order_by("pk")
    for grid_id, boundary in grids.values_list("pk", "boundary"):
        index.grid_ids.append(grid_id)
        index.grid_shapes.append(shape(boundary))
    if index.grid_shapes:
        index.tree = STRtree(index.grid_shapes)
    for building in Building.objects.order_by("pk").only("pk", "name", "aliases", "address"):
        for name in building.names():
            key = normalise_address(name)
            if key:
                index.names.setdefault(key, building.pk)
    return index


_lock = threading.Lock()
_current: PlaceIndex | None = None


def place_index() -> PlaceIndex:
    """The index for the registry as it is now (rebuilt when another process or thread changed it)."""
    global _current
    version = registry_version()
    index = _current
    if index is not None and index.version == version:
        return index
    with _lock:  # one thread rebuilds; the others wait and then use its result
        if _current is None or _current.version != version:
            _current = _build(version)
        return _current
