"""The place index kept in memory per process, and the version stamp that tells it to rebuild.

Besides the grid polygons it files every building name and alias under the ways residents write it: the
compound (幸福里小区, 幸福里) with its building numbers, the road and door number, and the whole name.
"""

import functools
import itertools
import math
import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from huying.geo.mentions import (
    COMPOUND_WORDS,
    PlaceMention,
    compound_split,
    name_read,
    without_admin_prefix,
    without_filler,
)
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
    # Every place lookup asks this first: plain SQL costs a tenth of the ORM's query building on this hot path.
    table = connection.ops.quote_name(RegistryVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {table} WHERE id = %s", [1])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


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
class Compound:
    """One compound (小区) name as the registry spells it, with its buildings."""

    numbered: dict[str, set[int]] = field(default_factory=dict)  # building number ("3", "b") → building ids
    whole: set[int] = field(default_factory=set)  # rows named as the compound itself (no building number)
    members: set[int] = field(default_factory=set)
    listed: bool = False  # some row spells it so; False when only derived (幸福里小区 → 幸福里)


@dataclass
class PlaceIndex:
    version: int
    grid_ids: list[int] = field(default_factory=list)
    grid_shapes: list[BaseGeometry] = field(default_factory=list)
    tree: STRtree | None = None
    # normalised building name or alias → building id; the first building to claim a name keeps it
    names: dict[str, int] = field(default_factory=dict)
    numbered_names: set[str] = field(default_factory=set)  # names that carry a building number
    grid_of: dict[int, int] = field(default_factory=dict)  # building id → grid id
    building_no: dict[int, str] = field(default_factory=dict)
    compounds: dict[str, Compound] = field(default_factory=dict)
    roads: dict[str, set[int]] = field(default_factory=dict)  # "解放大道1234号" → building ids
    # for scanning a text: its first two characters → names and compound names, longest first
    starts: dict[str, list[str]] = field(default_factory=dict)
    # for fuzzy matching: compound stem (幸福里) → compound names, and pairs of characters → stems holding both
    stems: dict[str, list[str]] = field(default_factory=dict)
    stem_pairs: dict[str, list[str]] = field(default_factory=dict)  # two characters (sorted) → stems with both
    longest_stem: int = 0

    def grid_covering(self, lon: float, lat: float) -> int | None:
        if self.tree is None:
            return None
        point = Point(lon, lat)
        hits = sorted(int(i) for i in self.tree.query(point))
        return next((self.grid_ids[i] for i in hits if self.grid_shapes[i].covers(point)), None)

    def similar_stems(self, query: str) -> list[str]:
        """Compound stems that share enough characters with the query's ending to be 75 alike (fuzzy candidates).

        A stem of length n and an ending one character longer or shorter that are 75 alike have a common
        subsequence of at least 0.375 × (2n − 1) characters; a stem sharing k characters is listed under k×(k−1)/2
        of the query's character pairs, so counting pairs filters without comparing strings.
        """
        chars = sorted(set(query[-(self.longest_stem + 1) :]))
        counts: Counter[str] = Counter()
        for pair in itertools.combinations(chars, 2):
            counts.update(self.stem_pairs.get("".join(pair), ()))
        return [stem for stem, pairs in counts.items() if pairs >= _PAIRS_NEEDED[min(len(stem), 20)]]

    def words_agree(self, stem: str, word: str) -> bool:
        """Whether a text's compound word fits the compounds filed under this stem: 小区 fits any (residents call
        every compound a 小区), another word must be one the registry uses (阳光苑 is not 阳光花园)."""
        if word in ("", GENERIC_COMPOUND_WORD):
            return True
        words = {compound_split(key)[1] for key in self.stems.get(stem, ())} - {""}
        return not words or word in words

    def add_building(self, building: Building) -> None:
        self.grid_of[building.pk] = building.grid_id
        for raw in building.names():
            key = _normalised(raw)
            read = _name_read(key) if key else None
            if raw == building.address and read is not None and read.kind == "road":
                self._file_road(read, building.pk)  # a compound's street address names no one building of it
            elif key:
                self.names.setdefault(key, building.pk)
                self._file(key, read, building.pk)

    def _file(self, key: str, read: PlaceMention | None, building_id: int) -> None:
        if read is None:  # a landmark's name: found whole in a text, or not at all
            return
        if read.kind == "road":
            self._file_road(read, building_id)
            return
        compounds = [self._compound(form, listed, building_id) for form, listed in compound_forms(read.name)]
        if read.kind == "compound":
            for compound in compounds:
                compound.whole.add(building_id)
            return
        self.numbered_names.add(key)
        self.building_no.setdefault(building_id, read.building)
        for compound in compounds:
            compound.numbered.setdefault(read.building, set()).add(building_id)

    def _file_road(self, road: PlaceMention, building_id: int) -> None:
        for form in {road.name, without_admin_prefix(road.name)}:
            self.roads.setdefault(f"{form}{road.door}号", set()).add(building_id)
        if road.building:
            self.building_no.setdefault(building_id, road.building)

    def _compound(self, key: str, listed: bool, building_id: int) -> Compound:
        compound = self.compounds.get(key)
        if compound is None:
            compound = self.compounds[key] = Compound()
        compound.listed |= listed
        compound.members.add(building_id)
        return compound

    def finish(self) -> None:
        """Build the lookup tables that scanning and fuzzy matching need, once every building is in."""
        scanned = [*self.names, *(key for key in self.compounds if len(key) >= SCANNED_COMPOUND_LENGTH)]
        for key in sorted(set(scanned), key=len, reverse=True):
            if len(key) >= 2:
                self.starts.setdefault(key[:2], []).append(key)
        for key in self.compounds:
            self.stems.setdefault(compound_split(key)[0], []).append(key)
        for stem in self.stems:
            if len(stem) >= 2:
                self.longest_stem = max(self.longest_stem, len(stem))
                for pair in itertools.combinations(sorted(set(stem)), 2):
                    self.stem_pairs.setdefault("".join(pair), []).append(stem)


# Character pairs a stem of length n must share with the query: k = ⌈0.375 × (2n − 1)⌉ characters, k(k−1)/2 pairs.
_PAIRS_NEEDED = [max(math.comb(max(2, math.ceil(0.375 * (2 * n - 1))), 2), 1) for n in range(21)]

# Shorter compound names (幸福, 和平, 光明) are everyday words: found only next to a building number or a
# compound word, never on their own in running text.
SCANNED_COMPOUND_LENGTH = 3
GENERIC_COMPOUND_WORD = "小区"


@functools.lru_cache(maxsize=1 << 16)
def compound_forms(name: str) -> tuple[tuple[str, bool], ...]:
    """The keys a compound's name is filed under: as written, without an admin prefix, without its phase (2期),
    and without 小区/花园."""
    written = {name, without_admin_prefix(name)}
    bare = {without_filler(form) for form in written} - written  # 阳光花园2期 is also filed under 阳光花园
    forms = [(form, True) for form in written] + [(form, False) for form in bare]
    forms += [(stem, False) for form in written | bare if (stem := compound_split(form)[0]) != form]
    return tuple((form, listed) for form, listed in forms if len(form) >= 2 and form not in COMPOUND_WORDS)


# Rebuilding the index re-reads every name; most are unchanged since the last build (and a compound's street
# address repeats on each of its buildings), so their readings are kept.
_normalised = functools.lru_cache(maxsize=1 << 17)(normalise_address)
_name_read = functools.lru_cache(maxsize=1 << 17)(name_read)


def _build(version: int) -> PlaceIndex:
    index = PlaceIndex(version=version)
    grids = Unit.objects.filter(kind=UnitKind.GRID, active=True, boundary__isnull=False).order_by("pk")
    for grid_id, boundary in grids.values_list("pk", "boundary"):
        index.grid_ids.append(grid_id)
        index.grid_shapes.append(shape(boundary))
    if index.grid_shapes:
        index.tree = STRtree(index.grid_shapes)
    for building in Building.objects.order_by("pk").only("pk", "name", "aliases", "address", "grid_id"):
        index.add_building(building)
    index.finish()
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
