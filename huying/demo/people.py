"""Demo staff: one login per role for people trying Huying, and enough colleagues to sign the history."""

import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from huying.demo import names
from huying.demo.district import DemoDistrict
from huying.org.models import Role, Unit, User

DEMO_PASSWORD = "huying-demo"

# username → role, in the order demo_info shows them.
LOGINS = {
    "operator": Role.OPERATOR,
    "grid": Role.GRID_WORKER,
    "community": Role.COMMUNITY_STAFF,
    "street": Role.STREET_DISPATCHER,
    "dept": Role.DEPARTMENT_HANDLER,
    "command": Role.COMMAND_CENTRE,
    "leader": Role.LEADER,
    "admin": Role.ADMIN,
}


# The demo logins that head their unit (单位负责人): they get the overdue alerts as well as the reminders.
HEADS = frozenset({"community", "street", "dept", "command"})


@dataclass
class Staff:
    by_unit: dict[int, list[User]] = field(default_factory=lambda: defaultdict(list))
    operators: list[User] = field(default_factory=list)
    command: list[User] = field(default_factory=list)

    def one(self, rng: random.Random, unit: Unit | None) -> User | None:
        """Someone who works in `unit`, or nobody when the unit has no staff in the demo."""
        people = self.by_unit.get(unit.pk) if unit is not None else None
        return rng.choice(people) if people else None


def _main_units(demo: DemoDistrict) -> dict[str, Unit]:
    return {
        "operator": demo.centre, "grid": demo.grids[0], "community": demo.communities[0], "street": demo.streets[0],
        "dept": demo.departments["园林局"], "command": demo.centre, "leader": demo.district, "admin": demo.district,
    }


def _colleagues(demo: DemoDistrict) -> list[tuple[str, Unit, Role]]:
    """Staff beside the demo logins: a worker per grid, someone per community, street, department, utility."""
    rows = [(f"grid{i:02d}", g, Role.GRID_WORKER) for i, g in enumerate(demo.grids[1:], start=2)]
    rows += [(f"community{i}", c, Role.COMMUNITY_STAFF) for i, c in enumerate(demo.communities[1:], start=2)]
    rows += [(f"street{i}", s, Role.STREET_DISPATCHER) for i, s in enumerate(demo.streets[1:], start=2)]
    others = [u for name, u in demo.departments.items() if name != "园林局"]
    rows += [(f"dept{i:02d}", u, Role.DEPARTMENT_HANDLER) for i, u in enumerate(others, start=2)]
    rows += [(f"operator{i}", demo.centre, Role.OPERATOR) for i in range(2, 5)]
    rows += [("command2", demo.centre, Role.COMMAND_CENTRE)]
    return rows


def staff_build(rng: random.Random, demo: DemoDistrict) -> Staff:
    """Create every demo user with the one shared password (hashed once: Argon2 is slow on purpose)."""
    password = make_password(DEMO_PASSWORD)
    units = _main_units(demo)
    rows = [(username, units[username], role) for username, role in LOGINS.items()] + _colleagues(demo)
    users = [
        User(username=username, password=password, unit=unit, role=role, first_name=names.person_name(rng),
             phone=names.mobile_phone(rng), is_staff=username == "admin", is_superuser=username == "admin",
             is_unit_head=username in HEADS)
        for username, unit, role in rows
    ]
    return staff_index(User.objects.bulk_create(users))


def staff_index(users: list[User]) -> Staff:
    staff = Staff()
    for user in users:
        if user.role == Role.OPERATOR:
            staff.operators.append(user)
            continue
        if user.role == Role.COMMAND_CENTRE:
            staff.command.append(user)
        # Every demo user has a unit; one without could not be looked up by unit anyway.
        if user.role not in (Role.LEADER, Role.ADMIN) and user.unit_id is not None:
            staff.by_unit[user.unit_id].append(user)
    return staff
