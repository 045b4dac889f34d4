"""What each history case is about, where, when and from whom: the intake half of the generator."""

import datetime as dt
import re
from dataclasses import dataclass

from huying.cases.models import Channel, Urgency
from huying.catalog.models import Category, RequestType
from huying.demo import names, texts
from huying.demo.catalogue import MatterRule
from huying.demo.matters import CHANNEL_MIX, TYPE_MIX, URGENT_SHARE
from huying.demo.world import World
from huying.geo.models import Building
from huying.lib.workcal import SHANGHAI
from huying.org.models import Unit

# Calls by hour of day (12345 answers round the clock; mornings and early evenings are busiest).
HOUR_WEIGHTS = (1, 0.5, 0.3, 0.3, 0.3, 0.6, 1.5, 3, 6, 9, 9, 8, 6, 6, 8, 8, 7, 7, 6, 6, 5, 4, 3, 2)
PATROL_HOURS = range(8, 18)
RECURRING_SHARE = 0.04  # cases that belong to a few problems that keep coming back (复诊, 高频高发)
SPIKE_SHARE = 0.01  # one burst: a two-day water outage in one community
UNRULED_SHARE = 0.03  # categories without a demo rule: the command centre works out who owns them
_BUILDING_NAME = re.compile(r"^(.*?)\d+栋$")  # 幸福里小区3栋 → 幸福里小区
_ADDRESS = re.compile(r"^示范区(.*?)\d+号$")  # 示范区东湖路18号 → 东湖路


@dataclass
class Draft:
    created_at: dt.datetime
    channel: str
    request_type: RequestType
    rule: MatterRule | None
    category: Category | None
    matter: str
    building: Building
    grid: Unit
    urgency: str
    reporter_name: str
    reporter_phone: str
    anonymous: bool
    address: str
    lat: float | None
    lon: float | None
    title: str
    description: str
    result: str
    place: dict[str, str]
    upstream_id: str = ""


class Drafter:
    """Draws drafts from weighted mixes; the hot spots and the spike are fixed at construction."""

    def __init__(self, world: World, count: int, months: int):
        self.world, self.rng = world, world.rng
        self.start = world.now - dt.timedelta(days=round(months * 30.4))
        self.rules = world.catalogue.rules
        self.by_grid = _group(world.buildings, lambda b: b.grid_id)
        self.grid_weights = {g: self.rng.lognormvariate(0, 0.5) for g in self.by_grid}
        self.callers = [(names.caller_name(self.rng), names.mobile_phone(self.rng)) for _ in range(400)]
        all_year = [r for r in self.rules if not r.matter.months]
        self.hot = [(self.rng.choice(world.buildings), self.rng.choice(all_year)) for _ in range(4)] \
            if all_year else []
        self.count = count
        mix = {c: w for c, w in CHANNEL_MIX.items() if c in Channel.values}
        self.channels, self.channel_weights = list(mix), list(mix.values())

    def drafts(self) -> list[Draft]:
        spike = self._spike()
        times = self._times(self.count - len(spike))
        plain = [self._draft(t) for t in times]
        return sorted(plain + spike, key=lambda d: d.created_at)

    def _times(self, count: int) -> list[dt.datetime]:
        days = (self.world.now - self.start).days
        dates = [(self.start + dt.timedelta(days=i)).astimezone(SHANGHAI).date() for i in range(days + 1)]
        weights = [self._day_weight(d, i / max(days, 1)) for i, d in enumerate(dates)]
        return [self._moment_before_now(day) for day in self.rng.choices(dates, weights=weights, k=count)]

    def _moment_before_now(self, day: dt.date) -> dt.datetime:
        for _ in range(20):  # today's calls can only have come in before now
            moment = self._moment(day)
            if moment < self.world.now:
                return moment
        return self.world.now - dt.timedelta(seconds=self.rng.randrange(60, 3600))

    def _day_weight(self, day: dt.date, progress: float) -> float:
        workday = self.world.calendar.is_workday(day)
        return (1.0 if workday else 0.75) * (0.9 + 0.2 * progress)  # volume grows slowly over the months

    def _moment(self, day: dt.date, hours=range(24)) -> dt.datetime:
        hour = self.rng.choices(hours, weights=[HOUR_WEIGHTS[h] for h in hours])[0]
        return dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60), self.rng.randrange(60)), SHANGHAI)

    def _spike(self) -> list[Draft]:
        rule = next((r for r in self.rules if r.matter.key == "water_supply"), None)
        if rule is None:
            return []
        community = self.world.demo.communities[4]
        buildings = [b for b in self.world.buildings if self.world.units[b.grid_id].parent_id == community.pk]
        begin = self.world.now - dt.timedelta(days=40)
        return [self._draft(begin + dt.timedelta(minutes=self.rng.randrange(2 * 24 * 60)), rule=rule,
                            building=self.rng.choice(buildings)) for _ in range(round(self.count * SPIKE_SHARE))]

    def _draft(self, when: dt.datetime, rule: MatterRule | None = None, building: Building | None = None) -> Draft:
        channel = self._channel()
        if channel == Channel.PATROL and when.astimezone(SHANGHAI).hour not in PATROL_HOURS:
            by_day = self._moment(when.astimezone(SHANGHAI).date(), PATROL_HOURS)
            when, channel = (by_day, channel) if by_day < self.world.now else (when, Channel.HOTLINE)
        if rule is None and building is None:
            building, rule = self._what_where(when.astimezone(SHANGHAI).month)
        building = building or self._building()
        return self._fill(when, channel, rule, building)

    def _channel(self) -> str:
        return self.rng.choices(self.channels, weights=self.channel_weights)[0]

    def _what_where(self, month: int) -> tuple[Building, MatterRule | None]:
        roll = self.rng.random()
        if self.hot and roll < RECURRING_SHARE:
            return self.rng.choice(self.hot)
        if roll < RECURRING_SHARE + UNRULED_SHARE or not self.rules:
            return self._building(), None
        weights = [r.matter.weight if not r.matter.months or month in r.matter.months else 0 for r in self.rules]
        return self._building(), self.rng.choices(self.rules, weights=weights)[0]

    def _building(self) -> Building:
        grids = list(self.grid_weights)
        grid = self.rng.choices(grids, weights=[self.grid_weights[g] for g in grids])[0]
        return self.rng.choice(self.by_grid[grid])

    def _fill(self, when: dt.datetime, channel: str, rule: MatterRule | None, building: Building) -> Draft:
        matter = rule.matter.key if rule else "unclear"
        rtype = self._request_type(rule, channel)
        place = self._place(building)
        wording = texts.compose(self.rng, matter, rtype.code, place)
        name, phone, anonymous = self._reporter(channel, building)
        lat, lon = self._coordinates(channel, building)
        return Draft(
            created_at=when, channel=channel, request_type=rtype, rule=rule, matter=matter, building=building,
            category=self.rng.choice(rule.leaves) if rule else self._unruled_category(),
            grid=self.world.units[building.grid_id], urgency=self._urgency(channel, matter), reporter_name=name,
            reporter_phone=phone, anonymous=anonymous, address=self._address(channel, building), lat=lat, lon=lon,
            place=place, title=wording.title[:200], description=texts.PREFIX.get(channel, "") + wording.description,
            result=wording.result, upstream_id=self._upstream_id(channel, when),
        )

    def _upstream_id(self, channel: str, when: dt.datetime) -> str:
        """The city platform's own ticket id, kept so the result can go back up (上级派单)."""
        if channel != Channel.UPSTREAM:
            return ""
        # A running serial, not a random one: upstream ids are unique per source (case_upstream_once).
        self._upstream_serial = getattr(self, "_upstream_serial", 0) + 1
        return f"SF12345-{when:%Y%m%d}-{self._upstream_serial:05d}"

    def _request_type(self, rule: MatterRule | None, channel: str):
        types = self.world.catalogue.types
        mix = (rule.matter.types if rule and rule.matter.types else TYPE_MIX)
        if channel in (Channel.PATROL, Channel.EMERGENCY):  # grid workers and alarms report problems
            mix = {"report": 40, "help": 60}
        mix = {code: w for code, w in mix.items() if code in types} or {next(iter(types)): 1}
        return types[self.rng.choices(list(mix), weights=list(mix.values()))[0]]

    def _unruled_category(self) -> Category | None:
        unruled = self.world.catalogue.unruled
        return self.rng.choice(unruled) if unruled else None

    def _place(self, building: Building) -> dict[str, str]:
        compound = _BUILDING_NAME.match(building.name)
        road = _ADDRESS.match(building.address)
        community = self.world.parent_of(self.world.units[building.grid_id])
        return {"place": building.name, "compound": compound.group(1) if compound else building.name,
                "road": road.group(1) if road else building.address, "unit": community.name}

    def _reporter(self, channel: str, building: Building) -> tuple[str, str, bool]:
        if channel in (Channel.PATROL, Channel.VISIT):
            worker = self.world.staff.one(self.rng, self.world.units[building.grid_id])
            if worker is not None:
                return worker.first_name, worker.phone, False
        name, phone = self.rng.choice(self.callers) if self.rng.random() < 0.12 else \
            (names.caller_name(self.rng), names.mobile_phone(self.rng))
        anonymous = self.rng.random() < 0.05
        return ("" if anonymous else name), phone, anonymous

    def _coordinates(self, channel: str, building: Building) -> tuple[float | None, float | None]:
        if channel not in (Channel.WEB, Channel.QR, Channel.PATROL, Channel.EMERGENCY):
            return None, None
        if building.lat is None or building.lon is None:  # a building not on the map gives no fix to jitter
            return None, None
        jitter = 0.00005  # a phone's fix lands near the door, well inside the grid
        return (round(building.lat + self.rng.uniform(-jitter, jitter), 6),
                round(building.lon + self.rng.uniform(-jitter, jitter), 6))

    def _address(self, channel: str, building: Building) -> str:
        if channel == Channel.HOTLINE:
            return f"{building.address}{building.name}"
        return building.name

    def _urgency(self, channel: str, matter: str) -> str:
        if channel == Channel.EMERGENCY:
            return Urgency.EMERGENCY
        return Urgency.URGENT if self.rng.random() < URGENT_SHARE.get(matter, 0.02) else Urgency.NORMAL


def _group(items, key) -> dict:
    out: dict = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return out
