"""Sorting and keyset (seek) pagination: a page is "the next N after this row", never OFFSET n.

Each sort orders by a key that ends in the primary key, so ties (cases created in the same microsecond, or
sharing a deadline) still have one order and the next page neither repeats nor skips a row. The cursor in the
URL (`after=`) is the last row's key: deep pages cost what the first page costs, and no COUNT is needed.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case as When_
from django.db.models import DateTimeField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huying.cases.models import Case, Urgency
from huying.cases.overdue import running_deadline_expr

PAGE_SIZE = 50
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# A case with no running deadline sorts after every real one.
NO_DEADLINE = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
URGENCY_RANK: dict[str, int] = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1, Urgency.NORMAL: 2}


class BadCursor(ValueError):
    pass


def _micros(value: dt.datetime) -> int:
    return (value - EPOCH) // dt.timedelta(microseconds=1)


def _from_micros(value: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=value)


@dataclass(frozen=True)
class Sort:
    key: str
    label: Promise

    def annotate(self, qs: QuerySet[Case]) -> QuerySet[Case]:
        return qs

    def order(self, qs: QuerySet[Case]) -> QuerySet[Case]:
        raise NotImplementedError

    def cursor(self, case: Case) -> str:
        raise NotImplementedError

    def after(self, qs: QuerySet[Case], cursor: str) -> QuerySet[Case]:
        raise NotImplementedError

    @staticmethod
    def _ints(cursor: str, n: int) -> list[int]:
        parts = cursor.split("_")
        if len(parts) != n:
            raise BadCursor(cursor)
        try:
            values = [int(p) for p in parts]
        except ValueError as exc:
            raise BadCursor(cursor) from exc
        if not all(0 <= v < 2**62 for v in values):
            raise BadCursor(cursor)
        return values


class Newest(Sort):
    """创建时间: newest first."""

    def order(self, qs):
        return qs.order_by("-created_at", "-pk")

    def cursor(self, case):
        return f"{_micros(case.created_at)}_{case.pk}"

    def after(self, qs, cursor):
        micros, pk = self._ints(cursor, 2)
        at = _from_micros(micros)
        # The plain `created_at <= at` lets the database walk the created_at index from the cursor on.
        return qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk), created_at__lte=at)


class MostUrgent(Newest):
    """紧急程度: 特急 first, then 紧急, then the rest; newest first within each."""

    def annotate(self, qs):
        whens = [When(urgency=value, then=Value(rank)) for value, rank in URGENCY_RANK.items()]
        return qs.annotate(urgency_rank=When_(*whens, default=Value(2), output_field=IntegerField()))

    def order(self, qs):
        return qs.order_by("urgency_rank", "-created_at", "-pk")

    def cursor(self, case):
        return f"{URGENCY_RANK.get(case.urgency, 2)}_{_micros(case.created_at)}_{case.pk}"

    def after(self, qs, cursor):
        rank, micros, pk = self._ints(cursor, 3)
        at = _from_micros(micros)
        return qs.filter(Q(urgency_rank__gt=rank) | Q(urgency_rank=rank, created_at__lt=at)
                         | Q(urgency_rank=rank, created_at=at, pk__lt=pk))


class Deadline(Sort):
    """时限: the running deadline (response before acceptance, completion after), soonest first."""

    def annotate(self, qs):
        return qs.annotate(running_due=Coalesce(running_deadline_expr(), Value(NO_DEADLINE),
                                                output_field=DateTimeField()))

    def order(self, qs):
        return qs.order_by("running_due", "pk")

    def cursor(self, case):
        return f"{_micros(case.running_due)}_{case.pk}"  # type: ignore[attr-defined]

    def after(self, qs, cursor):
        micros, pk = self._ints(cursor, 2)
        at = _from_micros(micros)
        return qs.filter(Q(running_due__gt=at) | Q(running_due=at, pk__gt=pk))


SORTS = {s.key: s for s in (MostUrgent("urgency", _("紧急程度优先")), Newest("created", _("最新创建")),
                            Deadline("deadline", _("时限最近")))}
DEFAULT_SORT = "urgency"


@dataclass
class Page:
    cases: list[Case]
    next_cursor: str | None


def page_of(qs: QuerySet[Case], sort: Sort, cursor: str | None, size: int = PAGE_SIZE) -> Page:
    """One page of `qs` in `sort` order after `cursor` (BadCursor when it cannot be read).

    Two queries: the page's keys first, without the joins a row displays, then those rows by primary key. A
    search misleads the planner about how many rows match ("one"), and joined in the same query the display
    tables were then scanned once per candidate row; by primary key they are joined to fifty rows at most.
    """
    keyed = sort.annotate(qs)
    if cursor:
        keyed = sort.after(keyed, cursor)
    pks = list(sort.order(keyed.select_related(None)).values_list("pk", flat=True)[: size + 1])
    by_pk = {case.pk: case for case in sort.annotate(qs.filter(pk__in=pks)).order_by()}
    rows = [by_pk[pk] for pk in pks[:size] if pk in by_pk]
    return Page(rows, sort.cursor(rows[-1]) if len(pks) > size and rows else None)
