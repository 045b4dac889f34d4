"""The command-centre screen's figures (一网统管 大屏), and the one place the three rates are defined.

Every figure is an aggregate query (COUNT … GROUP BY, or COUNT with a filter) over the cases of one area —
never a Python loop over cases — so the screen answers in milliseconds with years of history.

The area is a unit's scope path (a command centre's district): a case belongs to it when it is placed
there or handled by a unit inside it. "Today" and "this month" are Asia/Shanghai calendar periods, up
to now, and a case counts in the period it was received (created_at).

The three rates (三率) so far this month — issue 7 will formalise them, with weights and exclusions:

- 响应率 response rate: of this month's cases whose response deadline has been reached or that have
  been accepted, the share accepted (responded_at) no later than the response deadline.
- 解决率 resolution rate: of this month's cases that are due (completion deadline reached) or already
  resolved or closed, the share resolved or closed.
- 满意率 satisfaction rate: of the ratings given this month on the area's cases, the share with
  satisfaction 4 or 5 (of 5). One rating per case and handling round: the person's own rating, or the
  call-back (回访) when they gave none.

Merged (并单) and invalid (无效) cases are left out of the first two: they were never handled on their own.
A rate with nothing to count is None (shown as "—"), never a division by zero.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from huying.cases.models import Case
from huying.cases.overdue import overdue_q, running_deadline_expr
from huying.cases.workflow import ACTIVE, Status
from huying.feedback.models import Rating, RatingSource

UNHANDLED = (Status.MERGED, Status.INVALID)
DONE = (Status.RESOLVED, Status.CLOSED)
SATISFIED_FROM = 4  # of 5
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


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def text(self) -> str:
        value = self.value
        return "—" if value is None else f"{value * 100:.1f}%"


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


# ---- the three rates ------------------------------------------------------------------------------------------

def case_rates(cases: QuerySet[Case], periods: Periods) -> tuple[Rate, Rate]:
    """The response and resolution rates of this month's cases (one query); see the module docstring."""
    now = periods.now
    month = cases.filter(created_at__gte=periods.month, created_at__lte=now).exclude(status__in=UNHANDLED)
    responded = Q(responded_at__isnull=False)
    got = month.aggregate(
        response_decided=Count("pk", filter=Q(response_due_at__isnull=False)
                               & (responded | Q(response_due_at__lte=now))),
        response_on_time=Count("pk", filter=Q(response_due_at__isnull=False, responded_at__lte=F("response_due_at"))),
        resolution_decided=Count("pk", filter=Q(status__in=DONE) | Q(completion_due_at__lte=now)),
        resolved=Count("pk", filter=Q(status__in=DONE)),
    )
    return (Rate(got["response_on_time"], got["response_decided"]),
            Rate(got["resolved"], got["resolution_decided"]))


def satisfaction_rate(scope: str, periods: Periods) -> Rate:
    """Satisfied ratings (满意度 ≥ 4) among this month's ratings on the area's cases; see the module docstring."""
    resident_rated = Rating.objects.filter(case=OuterRef("case"), round=OuterRef("round"),
                                           source=RatingSource.RESIDENT)
    ratings = (Rating.objects.filter(area_q(scope, "case__"), created_at__gte=periods.month,
                                     created_at__lte=periods.now)
               .filter(Q(source=RatingSource.RESIDENT) | ~Exists(resident_rated)))
    got = ratings.aggregate(all=Count("pk"), satisfied=Count("pk", filter=Q(satisfaction__gte=SATISFIED_FROM)))
    return Rate(got["satisfied"], got["all"])
