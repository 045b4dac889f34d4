"""What the history generator knows about the demo district, held in memory so 20,000 cases cost no queries."""

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass, field

from huying.catalog.calendar import calendar_current
from huying.catalog.models import RequestType, Tier, TierDeadline
from huying.demo.catalogue import Catalogue, MatterRule
from huying.demo.district import DemoDistrict
from huying.demo.people import Staff
from huying.geo.models import Building
from huying.lib.workcal import WorkCalendar, statutory_is_workday
from huying.org.models import Unit, UnitKind


@dataclass
class World:
    rng: random.Random
    now: dt.datetime
    demo: DemoDistrict
    staff: Staff
    catalogue: Catalogue
    buildings: list[Building]
    calendar: WorkCalendar = field(default_factory=calendar_current)
    specs: dict[tuple[int, int], TierDeadline] = field(default_factory=dict)
    units: dict[int, Unit] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.calendar = _calendar_for(self.calendar, self.now)
        self.specs = {(d.tier_id, d.request_type_id): d for d in TierDeadline.objects.all()}
        self.units = {u.pk: u for u in [*self.demo.streets, *self.demo.communities, *self.demo.grids]}

    def deadlines(self, tier: Tier, request_type: RequestType, start: dt.datetime) -> dict[str, dt.datetime]:
        """As cases.deadlines.deadlines_for, with the calendar and the type overrides read once."""
        spec = self.specs.get((tier.pk, request_type.pk)) or tier
        return {
            "response_due_at": self.calendar.add(start, spec.response_amount, spec.response_unit),
            "completion_due_at": self.calendar.add(start, spec.completion_amount, spec.completion_unit),
        }

    def parent_of(self, unit: Unit) -> Unit:
        """The unit above a grid, community or street (the demo tree has no gaps)."""
        if unit.parent_id is None:
            raise AssertionError(f"demo unit {unit.code} has no parent")
        return self.units[unit.parent_id]

    def place_of(self, grid: Unit) -> dict[str, Unit]:
        community = self.parent_of(grid)
        return {"grid": grid, "community": community, "street": self.parent_of(community),
                "district": self.demo.district}

    def route(self, rule: MatterRule | None, grid: Unit) -> tuple[Unit, Tier | None, str]:
        """As routing.route.route_case for a known place and the demo's own rules."""
        if rule is None:
            return self.demo.centre, None, "no_dispatch_rule"
        if rule.department is not None:
            return rule.department, rule.tier, "dispatch_rule_department"
        level = rule.tier.handling_level
        place = self.place_of(grid)
        if level not in place or level == UnitKind.DISTRICT:
            return self.demo.centre, rule.tier, "district_level"
        return place[level], rule.tier, "tier_level"

    def operator(self):
        return self.rng.choice(self.staff.operators)

    def commander(self):
        return self.rng.choice(self.staff.command)


def _calendar_for(calendar: WorkCalendar, now: dt.datetime, years: int = 3) -> WorkCalendar:
    """The same calendar with each day's answer worked out once: the statutory lookup is slow per call."""
    first = now.date() - dt.timedelta(days=365 * years)
    days = (first + dt.timedelta(days=i) for i in range(365 * (years + 1)))
    known = {day: statutory_is_workday(day) for day in days}
    return dataclasses.replace(calendar, overrides={**known, **calendar.overrides})
