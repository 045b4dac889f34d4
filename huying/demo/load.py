"""Loading the demo in two phases, each in its own transaction: the district, then its history."""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from huying.analytics.marks import measures_mark_all
from huying.analytics.refresh import measures_refresh_all
from huying.cases.models import Case
from huying.cases.timers import timers_rebuild
from huying.cases.workflow import ACTIVE
from huying.demo.addresses import buildings_build
from huying.demo.catalogue import Catalogue, catalogue_load, catalogue_prepare
from huying.demo.district import DISTRICT_CODE, DemoDistrict, district_build, district_load
from huying.demo.duty import duty_roster_build
from huying.demo.history import Chronicle, history_generate, history_write
from huying.demo.people import Staff, staff_build, staff_index
from huying.demo.world import World
from huying.geo.models import Building
from huying.lib.workcal import SHANGHAI
from huying.org.models import Unit, User


@dataclass
class Parts:
    demo: DemoDistrict
    staff: Staff
    buildings: list[Building]
    catalogue: Catalogue


def demo_district() -> Unit | None:
    return Unit.objects.filter(code=DISTRICT_CODE).first()


def demo_has_history(district: Unit) -> bool:
    return Case.objects.filter(district=district).exists()


@transaction.atomic
def district_phase(seed: int, now: dt.datetime) -> Parts:
    """Tree, addresses, staff, duty roster and dispatch rules: all or nothing."""
    rng = random.Random(f"{seed}-district")
    demo = district_build(rng)
    duty_roster_build(demo, now)
    buildings = buildings_build(rng, demo)
    staff = staff_build(rng, demo)
    return Parts(demo, staff, buildings, catalogue_prepare(demo))


def district_reuse(district: Unit) -> Parts:
    """The parts an earlier run committed (its history phase must have failed: there are no cases)."""
    demo = district_load(district)
    staff = staff_index(list(User.objects.filter(unit__path__startswith=district.path).order_by("pk")))
    buildings = list(Building.objects.filter(grid__path__startswith=district.path).order_by("pk"))
    return Parts(demo, staff, buildings, catalogue_load(demo))


@transaction.atomic
def history_phase(parts: Parts, *, cases: int, months: int, seed: int, now: dt.datetime) -> Chronicle:
    """Generate and write the history in one transaction: the day counters it continues cannot move under it."""
    # One time zone throughout: comparing datetimes that share a tzinfo skips the offset lookups.
    world = World(rng=random.Random(f"{seed}-history"), now=now.astimezone(SHANGHAI), demo=parts.demo,
                  staff=parts.staff, catalogue=parts.catalogue, buildings=parts.buildings)
    chronicle = history_generate(world, cases, months)
    history_write(chronicle)
    # Written in bulk, past the services: the open cases' deadlines get their timers here, so the worker
    # reminds and escalates them like any other (the overdue ones on its first pass).
    timers_rebuild(Case.objects.filter(district=parts.demo.district, status__in=ACTIVE).select_related("tier"))
    ledger_compute()
    return chronicle


def ledger_compute() -> int:
    """The three rates' ledger (考核台账) of the history, as the worker would keep it: the bulk writes sent no
    signal, so every case is marked here and its measure computed, and the rates pages show real numbers at once."""
    measures_mark_all()
    return measures_refresh_all()
