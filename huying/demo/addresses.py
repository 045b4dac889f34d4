"""The demo address registry: about ten compounds per community, each with a few buildings inside its grid."""

import random
from dataclasses import dataclass

from huying.demo import names
from huying.demo.district import DemoDistrict
from huying.geo.models import Building
from huying.geo.registry import registry_changed

COMPOUNDS_PER_COMMUNITY = 10


@dataclass(frozen=True)
class Compound:
    name: str  # 幸福里小区
    short: str  # 幸福里 (how people say it: 幸福里3号楼)
    stem: str  # 幸福
    road: str
    number: int

    @property
    def address(self) -> str:
        return f"示范区{self.road}{self.number}号"


def compounds_plan(count: int) -> list[Compound]:
    """`count` compounds with distinct stems, spread along the roads with rising door numbers."""
    plan = []
    for i in range(count):
        stem = names.COMPOUND_STEMS[i % len(names.COMPOUND_STEMS)]
        suffix = names.COMPOUND_SUFFIXES[i % len(names.COMPOUND_SUFFIXES)]
        road = names.ROADS[i % len(names.ROADS)]
        number = 8 + (i // len(names.ROADS)) * 16 + (i % 3) * 2
        plan.append(Compound(stem + suffix, stem + suffix.removesuffix("小区"), stem, road, number))
    return plan


def buildings_build(rng: random.Random, demo: DemoDistrict) -> list[Building]:
    """Create the registry; each compound sits in one grid of its community and its buildings near its gate."""
    compounds = iter(compounds_plan(COMPOUNDS_PER_COMMUNITY * len(demo.communities)))
    rows = []
    for community in demo.communities:
        grids = [g for g in demo.grids if g.parent_id == community.pk]
        for k in range(COMPOUNDS_PER_COMMUNITY):
            grid = grids[k % len(grids)]
            rows.extend(_compound_buildings(rng, next(compounds), grid, demo.quads[grid.pk]))
    created = Building.objects.bulk_create(rows)
    registry_changed()  # bulk_create sends no signals: tell running processes to rebuild their place index
    return created


def _compound_buildings(rng: random.Random, compound: Compound, grid, quad) -> list[Building]:
    u, v = rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)
    rows = []
    for n in range(1, rng.randint(3, 6) + 1):
        # Buildings cluster around the compound's centre and stay well inside the grid's edges.
        bu = min(max(u + rng.uniform(-0.1, 0.1), 0.08), 0.92)
        bv = min(max(v + rng.uniform(-0.06, 0.06), 0.08), 0.92)
        lon, lat = quad.point(bu, bv)
        aliases = [f"{compound.short}{n}号楼", f"{compound.stem}{n}栋"]
        if n == 1:  # the compound's own name and street address find its first building, hence its grid
            aliases += [compound.name, f"{compound.road}{compound.number}号"]
        rows.append(Building(name=f"{compound.name}{n}栋", aliases="\n".join(aliases), address=compound.address,
                             grid=grid, lat=round(lat, 6), lon=round(lon, 6)))
    return rows
