"""The demo organisation tree: 示范市 › 示范区 › 3 streets › 9 communities › 30 grids, and the units beside them."""

import random
from dataclasses import dataclass, field

from huying.demo import layout, names
from huying.org.models import Unit, UnitKind

# 15-digit codes in the style of the statistical division codes: district, street, community, grid.
CITY_CODE = "420100000000000"
DISTRICT_CODE = "420102000000000"


@dataclass
class DemoDistrict:
    city: Unit
    district: Unit
    centre: Unit
    streets: list[Unit] = field(default_factory=list)
    communities: list[Unit] = field(default_factory=list)
    grids: list[Unit] = field(default_factory=list)
    # Departments and utilities by name (园林局, 供水公司, …).
    departments: dict[str, Unit] = field(default_factory=dict)
    # Each grid's quadrilateral, for placing buildings inside it.
    quads: dict[int, layout.Quad] = field(default_factory=dict)


def _unit(rng: random.Random, code: str, name: str, kind: str, parent: Unit | None, **extra) -> Unit:
    return Unit.objects.create(
        code=code, name=name, kind=kind, parent=parent, contact_name=names.person_name(rng),
        contact_phone=names.office_phone(rng), **extra,
    )


def district_build(rng: random.Random) -> DemoDistrict:
    """Create the whole tree; the caller holds the transaction."""
    city = _unit(rng, CITY_CODE, names.CITY[0], UnitKind.CITY, None, name_en=names.CITY[1])
    district = _unit(rng, DISTRICT_CODE, names.DISTRICT[0], UnitKind.DISTRICT, city, name_en=names.DISTRICT[1],
                     boundary=layout.district_quad().polygon())
    centre = _unit(rng, "420102000000000-ZH", "示范区民呼我应指挥中心", UnitKind.COMMAND_CENTRE, district,
                   name_en="Shifan District Command Centre")
    demo = DemoDistrict(city=city, district=district, centre=centre)
    for s, (street_name, street_en, community_names) in enumerate(names.STREETS):
        _street_build(rng, demo, s, street_name, street_en, community_names)
    _departments_build(rng, demo)
    _population_sum(demo)
    return demo


def _street_build(rng: random.Random, demo: DemoDistrict, s: int, name: str, name_en: str,
                  community_names: tuple[str, ...]) -> None:
    code = f"420102{s + 1:03d}000000"
    street = _unit(rng, code, name, UnitKind.STREET, demo.district, name_en=name_en,
                   boundary=layout.street_quad(s).polygon())
    demo.streets.append(street)
    for c, community_name in enumerate(community_names):
        _community_build(rng, demo, street, s, c, community_name)
    _unit(rng, f"{code[:9]}000000-GJ", names.COBUILDING[s * 3], UnitKind.COBUILDING, street)


def _community_build(rng: random.Random, demo: DemoDistrict, street: Unit, s: int, c: int, name: str) -> None:
    code = f"{street.code[:9]}{c + 1:03d}000"
    community = _unit(rng, code, name, UnitKind.COMMUNITY, street, population=rng.randrange(6000, 22000, 10),
                      boundary=layout.community_quad(s, c).polygon())
    demo.communities.append(community)
    short = name.removesuffix("社区")
    for g, quad in enumerate(layout.grid_quads(rng, s, c)):
        grid = _unit(rng, f"{code[:12]}{g + 1:03d}", f"{short}第{g + 1}网格", UnitKind.GRID, community,
                     boundary=quad.polygon())
        demo.grids.append(grid)
        demo.quads[grid.pk] = quad
    firm = names.PROPERTY_FIRMS[len(demo.communities) - 1]
    _unit(rng, f"{code[:12]}000-WY", f"{firm}{short}项目部", UnitKind.PROPERTY, community)
    if c > 0:  # the first community's co-building unit sits with its street
        _unit(rng, f"{code[:12]}000-GJ", names.COBUILDING[s * 3 + c], UnitKind.COBUILDING, community)


def _departments_build(rng: random.Random, demo: DemoDistrict) -> None:
    for i, (name, name_en) in enumerate(names.DEPARTMENTS, start=1):
        demo.departments[name] = _unit(rng, f"{DISTRICT_CODE}-BM{i:02d}", name, UnitKind.DEPARTMENT,
                                       demo.district, name_en=name_en)
    for i, (name, name_en) in enumerate(names.UTILITIES, start=1):
        demo.departments[name] = _unit(rng, f"{DISTRICT_CODE}-GY{i:02d}", name, UnitKind.UTILITY,
                                       demo.district, name_en=name_en)


def _population_sum(demo: DemoDistrict) -> None:
    """Streets and the district count the people of their communities (the demo gives each one a count)."""
    for street in demo.streets:
        street.population = sum(c.population or 0 for c in demo.communities if c.parent_id == street.pk)
        street.save(update_fields=["population"])
    demo.district.population = sum(c.population or 0 for c in demo.communities)
    demo.district.save(update_fields=["population"])


def district_load(district: Unit) -> DemoDistrict:
    """The tree an earlier run built, read back (grid shapes stay in the database: no quads needed)."""
    below = list(Unit.objects.filter(path__startswith=district.path).order_by("code"))
    by_kind: dict[str, list[Unit]] = {}
    for unit in below:
        by_kind.setdefault(unit.kind, []).append(unit)
    if district.parent is None:  # district_build puts it under the city; someone has moved it since
        raise LookupError(f"demo district {district.code} has no city above it")
    return DemoDistrict(
        city=district.parent, district=district, centre=by_kind[UnitKind.COMMAND_CENTRE][0],
        streets=by_kind.get(UnitKind.STREET, []), communities=by_kind.get(UnitKind.COMMUNITY, []),
        grids=by_kind.get(UnitKind.GRID, []),
        departments={u.name: u for u in [*by_kind.get(UnitKind.DEPARTMENT, []), *by_kind.get(UnitKind.UTILITY, [])]},
    )
