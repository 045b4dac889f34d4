"""The fixed cast of a small district every test plays with (built fresh in each test's transaction).

示范市 › 示范区 › 东湖街道 › 幸福里社区 › 网格1 (and 网格2), 西山街道 › 桃园社区 › 网格3;
two departments (园林局, 水务局), a utility (供水公司), the district command centre (指挥中心);
one user per role, plus an outsider: the dispatcher of the other street.
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from huying.catalog.models import Category, DispatchRule, RequestType, Tier
from huying.geo.models import Building
from huying.org.models import Role, Unit, UnitKind, User

PASSWORD = "Huying-test-2026"


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class Cast:
    city: Unit
    district: Unit
    east: Unit  # 东湖街道
    west: Unit  # 西山街道
    xingfu: Unit  # 幸福里社区 (east)
    taoyuan: Unit  # 桃园社区 (west)
    grid1: Unit
    grid2: Unit
    grid3: Unit
    parks: Unit  # 园林局
    water: Unit  # 水务局
    water_co: Unit  # 供水公司
    centre: Unit  # 指挥中心
    operator: User
    grid_worker: User
    community_staff: User
    street_dispatcher: User
    parks_handler: User
    water_handler: User
    command: User
    leader: User
    admin: User
    outsider: User
    consult: RequestType
    complaint: RequestType
    help: RequestType
    tier_a1: Tier
    tier_a2: Tier
    tier_b: Tier
    tier_c: Tier
    sanitation: Category  # 城乡建设 › 市容环卫 › 垃圾清运 (→ A2, community)
    trees: Category  # 城乡建设 › 园林绿化 › 树木修剪 (→ C, 园林局)
    noise: Category  # 环境保护 › 噪声 (no rule → command centre)
    building3: Building


def _unit(code: str, name: str, kind: str, parent: Unit | None, **extra) -> Unit:
    return Unit.objects.create(code=code, name=name, kind=kind, parent=parent, **extra)


@functools.cache
def _password_hash() -> str:
    # One real Argon2 hash per test process: hashing is deliberately slow and the cast has ten users.
    return make_password(PASSWORD)


def _user(username: str, unit: Unit, role: str, **extra) -> User:
    return User.objects.create(username=username, password=_password_hash(), unit=unit, role=role, **extra)


def _tier(code: str, level: str, response: tuple[int, str], completion: tuple[int, str]) -> Tier:
    tier, _ = Tier.objects.update_or_create(code=code, defaults={
        "name": code, "handling_level": level, "response_amount": response[0], "response_unit": response[1],
        "completion_amount": completion[0], "completion_unit": completion[1], "return_window_hours": 2,
    })
    return tier


def _category(code: str, name: str, parent: Category | None = None) -> Category:
    return Category.objects.create(code=code, name=name, parent=parent)


def build_cast() -> Cast:
    city = _unit("T3100", "示范市", UnitKind.CITY, None)
    district = _unit("T310101", "示范区", UnitKind.DISTRICT, city)
    east = _unit("T310101001", "东湖街道", UnitKind.STREET, district)
    west = _unit("T310101002", "西山街道", UnitKind.STREET, district)
    xingfu = _unit("T310101001001", "幸福里社区", UnitKind.COMMUNITY, east)
    taoyuan = _unit("T310101002001", "桃园社区", UnitKind.COMMUNITY, west)
    grid1 = _unit("T310101001001001", "幸福里网格1", UnitKind.GRID, xingfu, boundary=square(114.30, 30.60))
    grid2 = _unit("T310101001001002", "幸福里网格2", UnitKind.GRID, xingfu, boundary=square(114.31, 30.60))
    grid3 = _unit("T310101002001001", "桃园网格1", UnitKind.GRID, taoyuan, boundary=square(114.40, 30.70))
    parks = _unit("TD-PARKS", "园林局", UnitKind.DEPARTMENT, district)
    water = _unit("TD-WATER", "水务局", UnitKind.DEPARTMENT, district)
    water_co = _unit("TU-WATER", "供水公司", UnitKind.UTILITY, district)
    centre = _unit("TC-CENTRE", "示范区指挥中心", UnitKind.COMMAND_CENTRE, district)

    types = {c: RequestType.objects.update_or_create(code=c, defaults={"name": n})[0]
             for c, n in (("consult", "咨询"), ("complaint", "投诉"), ("help", "求助"))}
    tier_a1 = _tier("A1", UnitKind.GRID, (30, "minutes"), (2, "hours"))
    tier_a2 = _tier("A2", UnitKind.COMMUNITY, (2, "hours"), (1, "working_days"))
    tier_b = _tier("B", UnitKind.STREET, (1, "working_days"), (3, "working_days"))
    tier_c = _tier("C", UnitKind.DISTRICT, (1, "working_days"), (5, "working_days"))

    urban = _category("T01", "城乡建设")
    sanitation = _category("T010101", "垃圾清运", _category("T0101", "市容环卫", urban))
    trees = _category("T010201", "树木修剪", _category("T0102", "园林绿化", urban))
    noise = _category("T0201", "噪声", _category("T02", "环境保护"))
    DispatchRule.objects.create(category=sanitation, tier=tier_a2)
    DispatchRule.objects.create(category=trees, tier=tier_c, department=parks)

    building3 = Building.objects.create(name="幸福里小区3栋", aliases="幸福里3号楼\n幸福里三栋", grid=grid1,
                                        lat=30.605, lon=114.305)
    return Cast(
        city=city, district=district, east=east, west=west, xingfu=xingfu, taoyuan=taoyuan,
        grid1=grid1, grid2=grid2, grid3=grid3, parks=parks, water=water, water_co=water_co, centre=centre,
        operator=_user("operator", centre, Role.OPERATOR),
        grid_worker=_user("gridworker", grid1, Role.GRID_WORKER),
        community_staff=_user("community", xingfu, Role.COMMUNITY_STAFF),
        street_dispatcher=_user("street", east, Role.STREET_DISPATCHER),
        parks_handler=_user("parks", parks, Role.DEPARTMENT_HANDLER),
        water_handler=_user("water", water, Role.DEPARTMENT_HANDLER),
        command=_user("command", centre, Role.COMMAND_CENTRE),
        leader=_user("leader", centre, Role.LEADER),
        admin=_user("admin", district, Role.ADMIN, is_staff=True),
        outsider=_user("outsider", west, Role.STREET_DISPATCHER),
        consult=types["consult"], complaint=types["complaint"], help=types["help"],
        tier_a1=tier_a1, tier_a2=tier_a2, tier_b=tier_b, tier_c=tier_c,
        sanitation=sanitation, trees=trees, noise=noise, building3=building3,
    )


# A Wednesday before the National Day week: 2026-10-01..07 are holidays, 2026-10-10 (Sat) is a make-up day.
FROZEN_NOW = dt.datetime(2026, 9, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def triage_set(**changes) -> None:
    """Change the triage settings the way the admin does (saved, so every cached copy is dropped)."""
    from huying.triage.models import TriageSettings

    row = TriageSettings.current()
    for name, value in changes.items():
        setattr(row, name, value)
    row.save()
