"""The command-centre screen's figures (一网统管 大屏).

The live counts are aggregate queries (COUNT … GROUP BY, or COUNT with a filter) over the cases of one area —
never a Python loop over cases — so the screen answers in milliseconds with years of history. The area is a
unit's scope path (a command centre's district): a case belongs to it when it is placed there or handled by a
unit inside it. "Today" and "this month" are Asia/Shanghai calendar periods, up to now, and a case counts in
the period it was received (created_at).

The three rates (三率) and the composite score are not computed here: they are the ledger's (考核台账,
`huying.analytics`), read from the scope unit's rollup for the current month by the configured definitions
(考核口径: period rule, weights, 基本满意 weight, call-backs, exclusions), so the screen shows the very numbers
of the rates pages and the bulletin. They move when the worker has refreshed the measures, and they count a case
for the unit accountable for it (its handler and every unit above), where the live counts take every case placed
in the area as well.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from huying.analytics.models import COUNTERS, MeasureSettings
from huying.analytics.rates import Counts, Period, Rates, counts_by_unit, rates_of
from huying.cases.models import Case
from huying.cases.overdue import overdue_q, running_deadline_expr
from huying.cases.workflow import ACTIVE
from huying.org.models import Unit

LIST_LENGTH = 8


@dataclass(frozen=True)
class Periods:
    now: dt.datetime
    today: dt.datetime  # local midnight
    month: dt.datetime  # local midnight of the 1st

    @classmethod
    def at(cls, now: dt.datetime) -> "Periods":
        local = timezone.localtime(now)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return cls(now=now, today=midnight, month=midnight.replace(day=1))


def area_q(scope: str, prefix: str = "") -> Q:
    """Cases of the area under `scope`: placed in it, or handled by a unit in it ("" is everywhere)."""
    if not scope:
        return Q()
    return Q(**{f"{prefix}place_path__startswith": scope}) | Q(**{f"{prefix}current_unit__path__startswith": scope})


def area_cases(scope: str) -> QuerySet[Case]:
    return Case.objects.filter(area_q(scope)).order_by()  # no default ordering: it would join every GROUP BY


# ---- counts ---------------------------------------------------------------------------------------------------

# What each breakdown groups by; the category is its top level (一级分类), whatever level the case carries.
DIMENSIONS = {
    "channel": F("channel"),
    "status": F("status"),
    "category": Coalesce("category__parent__parent_id", "category__parent_id", "category_id"),
    "street": F("street_id"),
}


def counts_by(cases: QuerySet[Case], dimension: str, periods: Periods) -> list[tuple[object, int, int]]:
    """[(key, today, month)] for this month's cases, biggest month first (one GROUP BY)."""
    rows = (cases.filter(created_at__gte=periods.month, created_at__lte=periods.now)
            .annotate(key=DIMENSIONS[dimension]).values("key")
            .annotate(month=Count("pk"), today=Count("pk", filter=Q(created_at__gte=periods.today)))
            .values_list("key", "today", "month"))
    return sorted(rows, key=lambda r: (-r[2], str(r[0])))


def live_counts(cases: QuerySet[Case], now: dt.datetime) -> dict[str, int]:
    """Open now (在办) and overdue now (超期): one query over the open cases only (the status index)."""
    return cases.filter(status__in=ACTIVE).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=overdue_q(now)))


def overdue_latest(cases: QuerySet[Case], now: dt.datetime) -> list[Case]:
    """The cases that fell overdue most recently."""
    return list(cases.filter(overdue_q(now)).select_related("current_unit")
                .order_by(running_deadline_expr().desc(), "-pk")[:LIST_LENGTH])


def emergencies_latest(cases: QuerySet[Case]) -> list[Case]:
    """The newest emergency cases (特急), whatever their status."""
    return list(cases.filter(urgency="emergency").select_related("street", "grid", "current_unit")
                .order_by("-created_at")[:LIST_LENGTH])




# ---- the three rates, from the ledger ---------------------------------------------------------------------------

@dataclass(frozen=True)
class LedgerRates:
    """The area's counters and rates for one month, read by the definitions in force (考核口径)."""

    period: Period
    basis: str  # a PeriodBasis
    counts: Counts
    rates: Rates
    basic_weight: Decimal  # what one 基本满意 adds to the satisfied count


def settings_in_force() -> MeasureSettings:
    """The definitions the rates are read by: the administrator's row, else the defaults (a read never writes it)."""
    return MeasureSettings.objects.filter(pk=1).first() or MeasureSettings()


def scope_unit_ids(scope: str) -> list[int]:
    """The units whose rollups make up the area: the unit at `scope`, or every top unit for everywhere ("")."""
    units = Unit.objects.filter(path=scope) if scope else Unit.objects.filter(parent__isnull=True)
    return list(units.values_list("pk", flat=True))


def ledger_rates(scope: str, now: dt.datetime) -> LedgerRates:
    """The three rates and the composite score of the area for the month of `now` (three queries: the settings,
    the scope's unit, its rollup rows).

    A unit's rollup already holds its whole subtree (a case counts for its handler and every unit above it), so
    the area's figures are its own unit's row — summed over the top units only for a superuser's "everywhere".
    """
    settings = settings_in_force()
    period = Period.month_of(timezone.localdate(now))
    by_unit = counts_by_unit(scope_unit_ids(scope), period, settings.period_basis)
    total = Counts(**{name: sum(getattr(c, name) for c in by_unit.values()) for name in COUNTERS})
    # Decimal(): unsaved default settings hold the field's default as written (the int 1).
    basic_weight = Decimal(settings.basic_weight)
    return LedgerRates(period, settings.period_basis, total, rates_of(total, settings), basic_weight)
