"""Trends and distributions (趋势分析): what came in, how fast it was answered, who calls again and again, and how
many requests a place makes for its size.

Every figure is a GROUP BY in the database over the cases the viewer may see (`cases_visible_to`) received on
the chosen local days; Python only names the groups and reads percentiles off the grouped values.

- Counts per day or week by category, channel, request type and place. Every case received counts, merged
  repeats, invalid and staff-found ones included: this is the demand that came in, not the three rates (those
  read the rollups).
- Time to first response and to completion come from the case measures (CaseMeasure), which the worker keeps:
  they are as of its last pass. Minutes are grouped one by one below 48 hours and by the hour above, so the
  rows stay few whatever the volume: percentiles are exact to the minute below 48 hours, to the hour above.
- Repeat callers (重复来电): reporters' phones with at least N cases in the range, shown only as a pseudonymous
  caller key and a masked number. The database counts a number as written (intake normalises what it takes in);
  two spellings of one number are one caller when each reaches N.
"""

import datetime as dt
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Case as Choose
from django.db.models import Count, DateField, F, IntegerField, Max, Min, Q, QuerySet, Sum, When
from django.db.models.functions import Trunc, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.models import Case, Channel
from huying.cases.permissions import sees_every_reporter
from huying.cases.selectors import cases_visible_to
from huying.catalog.models import Category, RequestType
from huying.lib.pii import caller_key
from huying.notify.phones import mask_phone
from huying.org.models import Unit, UnitKind, User

DAY, WEEK = "day", "week"
DEFAULT_DAYS = 90
MAX_DAYS = 366
REPEAT_MIN = 3
CALLERS_SHOWN = 50
NUMBERS_PER_CALLER = 20
FINE_MINUTES = 48 * 60  # below: grouped by the minute; above: by the hour
HOUR_EDGES = (1, 2, 4, 8, 12, 24, 48, 72, 120, 168)  # the histogram's upper bounds, in hours
PERCENTILES = (50, 90, 95)
PER_RESIDENTS = 10_000
BELOW_STREET = (UnitKind.STREET, UnitKind.COMMUNITY, UnitKind.GRID)
@dataclass(frozen=True)
class TrendFilters:
    start: dt.date
    end: dt.date  # included
    interval: str = DAY
    category: Category | None = None  # a root (一级分类)
    channel: str = ""
    request_type: RequestType | None = None
    street: Unit | None = None
    repeat_min: int = REPEAT_MIN

    @classmethod
    def default(cls, today: dt.date | None = None) -> "TrendFilters":
        """The last 90 days, today included."""
        end = today or timezone.localdate()
        return cls(start=end - dt.timedelta(days=DEFAULT_DAYS - 1), end=end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def viewer_scope(user: User) -> str | None:
    """The subtree path the viewer oversees: "" for a superuser without a unit, None for nobody's."""
    if user.unit is not None:
        return user.unit.scope_path()
    return "" if user.is_superuser else None


def sees_callers(user: User) -> bool:
    """Whether repeat callers link to their cases: only for the roles that see every reporter."""
    return sees_every_reporter(user)


class CategoryTree:
    """The whole category tree, read once (a few hundred rows): subtrees for the filter, groups for the counts."""

    def __init__(self) -> None:
        self.by_id = {c.pk: c for c in Category.objects.only("code", "name", "name_en", "parent_id", "level")
                      .order_by()}

    def chain(self, pk: int) -> list[Category]:
        """The category and its ancestors, root first."""
        chain: list[Category] = []
        node = self.by_id.get(pk)
        while node is not None and len(chain) < 3:
            chain.insert(0, node)
            node = self.by_id.get(node.parent_id) if node.parent_id else None
        return chain

    def subtree_ids(self, root: Category) -> list[int]:
        return [pk for pk in self.by_id if root.pk in (c.pk for c in self.chain(pk))]

    def group_of(self, pk: int | None, under: Category | None) -> tuple[Hashable, str]:
        """The root a case's category counts under; the second level when the page looks inside one root."""
        chain = self.chain(pk) if pk else []
        if not chain:
            return ("", _("未分类"))
        node = chain[1] if under is not None and len(chain) > 1 else chain[0]
        return (node.code, node.local_name)


def trend_cases(user: User, filters: TrendFilters, tree: CategoryTree) -> QuerySet[Case]:
    """The viewer's cases received in the range and matching the filters, without ordering (it would join the
    GROUP BYs). A category filter becomes a list of ids, so the (category, created_at) index serves it."""
    qs = cases_visible_to(user).filter(created_at__gte=local_midnight(filters.start),
                                       created_at__lt=local_midnight(filters.end + dt.timedelta(days=1)))
    if filters.category is not None:
        qs = qs.filter(category_id__in=tree.subtree_ids(filters.category))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.request_type is not None:
        qs = qs.filter(request_type=filters.request_type)
    if filters.street is not None:
        qs = qs.filter(street=filters.street)
    return qs.order_by()


def buckets_of(filters: TrendFilters) -> list[dt.date]:
    """Every day of the range, or the Monday of every week it touches."""
    if filters.interval == WEEK:
        first = filters.start - dt.timedelta(days=filters.start.weekday())
        return [first + dt.timedelta(days=7 * i) for i in range((filters.end - first).days // 7 + 1)]
    return [filters.start + dt.timedelta(days=i) for i in range(filters.days)]


def bucket_label(day: dt.date, interval: str) -> str:
    return _("%(monday)s 当周") % {"monday": day.isoformat()} if interval == WEEK else day.isoformat()


def counts_by(qs: QuerySet[Case], column: str, interval: str) -> dict[tuple[dt.date, Any], int]:
    """(local day or week, value of `column`) → number of cases: one GROUP BY."""
    bucket = TruncDate("created_at") if interval == DAY else Trunc("created_at", "week", output_field=DateField())
    rows = qs.annotate(bucket=bucket).values("bucket", column).annotate(n=Count("pk"))
    return {(_as_date(row["bucket"]), row[column]): row["n"] for row in rows}


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@dataclass
class Item:
    key: str
    name: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Breakdown:
    """One dimension of the trend: each group's cases per bucket, the biggest first."""

    key: str  # category, channel, type, place
    title: str
    items: list[Item]

    @property
    def total(self) -> int:
        return sum(item.total for item in self.items)

    def share(self, item: Item) -> float | None:
        return None if not self.total else 100.0 * item.total / self.total

    @property
    def rows(self) -> list[tuple[Item, float | None]]:
        """Each item with its share in percent, for the table beside the chart."""
        return [(item, self.share(item)) for item in self.items]


def breakdown_of(key: str, title: str, counts: dict[tuple[dt.date, Any], int], buckets: list[dt.date],
                 group: Callable[[Any], tuple[Hashable, str]]) -> Breakdown:
    """Fold the grouped counts into items (several raw values may make one group, e.g. a category's leaves)."""
    position = {day: i for i, day in enumerate(buckets)}
    items: dict[Hashable, Item] = {}
    for (day, raw), n in counts.items():
        if day not in position:
            continue
        group_key, name = group(raw)
        item = items.setdefault(group_key, Item(str(group_key), name, [0] * len(buckets)))
        item.counts[position[day]] += n
    return Breakdown(key, title, sorted(items.values(), key=lambda i: (-i.total, i.name)))


@dataclass(frozen=True)
class Distribution:
    """How long cases took, in minutes: count, mean, percentiles and a histogram by hour buckets."""

    count: int
    mean: float | None
    percentiles: dict[int, int]
    histogram: list[tuple[str, int]]


def histogram_labels() -> list[str]:
    labels, low = [], 0
    for high in HOUR_EDGES:
        labels.append(_("%(low)s–%(high)s小时") % {"low": low, "high": high})
        low = high
    return [*labels, _("%(hours)s小时以上") % {"hours": HOUR_EDGES[-1]}]


def distribution_of(qs: QuerySet[Case], column: str) -> Distribution:
    """The distribution of CaseMeasure.`column` over these cases (one GROUP BY, a few thousand rows at most)."""
    minutes = F(f"measure__{column}")
    rounded = Choose(When(**{f"measure__{column}__lt": FINE_MINUTES}, then=minutes),
                     default=minutes / 60 * 60, output_field=IntegerField())
    grouped = (qs.filter(**{f"measure__{column}__isnull": False}).values(m=rounded)
               .annotate(n=Count("pk"), total=Sum(minutes)).order_by("m"))
    rows = [(row["m"], row["n"], row["total"]) for row in grouped]
    count = sum(n for _m, n, _t in rows)
    if not count:
        return Distribution(0, None, {}, list(zip(histogram_labels(), [0] * (len(HOUR_EDGES) + 1), strict=True)))
    bins = [0] * (len(HOUR_EDGES) + 1)
    for m, n, _total in rows:
        bins[next((i for i, edge in enumerate(HOUR_EDGES) if m < edge * 60), len(HOUR_EDGES))] += n
    values = [(m, n) for m, n, _t in rows]
    return Distribution(count=count, mean=sum(t for _m, _n, t in rows) / count,
                        percentiles={p: _nearest_rank(values, count, p) for p in PERCENTILES},
                        histogram=list(zip(histogram_labels(), bins, strict=True)))


def _nearest_rank(values: list[tuple[int, int]], count: int, percent: int) -> int:
    """The smallest value with at least `percent`% of the cases at or below it (values sorted ascending)."""
    rank, seen = max(1, math.ceil(count * percent / 100)), 0
    for value, n in values:
        seen += n
        if seen >= rank:
            return value
    return values[-1][0]


def duration_text(minutes: float | None) -> str:
    """35分钟, 5.2小时, 3.1天; "—" for nothing."""
    if minutes is None:
        return "—"
    if minutes < 60:
        return _("%(n)d分钟") % {"n": round(minutes)}
    if minutes < FINE_MINUTES:
        return _("%(n).1f小时") % {"n": minutes / 60}
    return _("%(n).1f天") % {"n": minutes / 1440}


@dataclass
class Caller:
    """A reporter with several cases in the range, known by a pseudonym (来电人标识) and a masked number."""

    key: str
    phone: str  # masked
    cases: int
    first: dt.datetime
    last: dt.datetime
    numbers: list[str] = field(default_factory=list)  # newest first; only for those who see reporters


def repeat_callers(qs: QuerySet[Case], minimum: int, *, with_cases: bool) -> list[Caller]:
    """The phones with at least `minimum` cases (one GROUP BY … HAVING), biggest first; with their case numbers
    (one more query) when `with_cases`. Spellings of one number that each reach `minimum` are added up."""
    rows = (qs.exclude(reporter_phone="").values("reporter_phone")
            .annotate(n=Count("pk"), first=Min("created_at"), last=Max("created_at"))
            .filter(n__gte=minimum).order_by("-n", "-last")[:CALLERS_SHOWN])
    callers: dict[str, Caller] = {}
    phones: dict[str, str] = {}  # the number as written → its caller key; never leaves this function
    for row in rows:
        key = caller_key(row["reporter_phone"], secret=settings.SECRET_KEY)
        if not key:  # no digits at all ("不详"): nobody to recognise
            continue
        phones[row["reporter_phone"]] = key
        known = callers.get(key)
        if known is None:
            callers[key] = Caller(key, mask_phone(row["reporter_phone"]), row["n"], row["first"], row["last"])
        else:
            known.cases, known.first, known.last = (known.cases + row["n"], min(known.first, row["first"]),
                                                    max(known.last, row["last"]))
    if with_cases and phones:
        cases = (qs.filter(reporter_phone__in=list(phones)).order_by("-created_at")
                 .values_list("reporter_phone", "number")[:CALLERS_SHOWN * NUMBERS_PER_CALLER])
        for phone, number in cases:
            numbers = callers[phones[phone]].numbers
            if len(numbers) < NUMBERS_PER_CALLER:
                numbers.append(number)
    return sorted(callers.values(), key=lambda c: (-c.cases, -c.last.timestamp()))


@dataclass(frozen=True)
class PlaceRate:
    """Cases per 10,000 residents of a street or community (每万人诉求量), where its population is known."""

    name: str
    population: int | None
    cases: int

    @property
    def per_10k(self) -> float | None:
        return self.cases * PER_RESIDENTS / self.population if self.population else None


def place_level(user: User, filters: TrendFilters) -> str:
    """Streets, or the communities of one street when the page looks at one (or the viewer works inside one)."""
    if filters.street is not None or (user.unit is not None and user.unit.kind in BELOW_STREET):
        return UnitKind.COMMUNITY
    return UnitKind.STREET


def place_units(user: User, filters: TrendFilters, level: str, found: set[int]) -> dict[int, Unit]:
    """The places the counts found, and every place of that level in the viewer's scope (zero cases is a figure)."""
    scope = filters.street.path if filters.street is not None else viewer_scope(user)
    in_scope = Q(kind=level, path__startswith=scope) if scope is not None else Q(pk__in=[])
    units = Unit.objects.filter(in_scope | Q(pk__in=found)).only("code", "name", "name_en", "population")
    return {u.pk: u for u in units}


@dataclass
class TrendsReport:
    filters: TrendFilters
    buckets: list[dt.date]
    breakdowns: list[Breakdown]
    level: str  # the place level: street or community
    places: list[PlaceRate]
    response: Distribution
    completion: Distribution
    callers: list[Caller]
    callers_linked: bool

    @property
    def total(self) -> int:
        return self.breakdowns[0].total

    @property
    def histogram_rows(self) -> list[tuple[str, int, int]]:
        """(hour bucket, cases first answered in it, cases completed in it)."""
        return [(label, n, self.completion.histogram[i][1]) for i, (label, n) in enumerate(self.response.histogram)]

    def bucket_labels(self) -> list[str]:
        return [bucket_label(day, self.filters.interval) for day in self.buckets]


def trends_report(user: User, filters: TrendFilters) -> TrendsReport:
    """Everything the trends page shows: a fixed number of queries, however many cases."""
    tree = CategoryTree()
    qs = trend_cases(user, filters, tree)
    buckets = buckets_of(filters)
    types = {t.pk: t.local_name for t in RequestType.objects.all()}
    channels = dict(Channel.choices)
    level = place_level(user, filters)
    place_counts = counts_by(qs, f"{level}_id", filters.interval)
    units = place_units(user, filters, level, {pk for _day, pk in place_counts if pk})
    unplaced = ("", _("未定位"))
    breakdowns = [
        breakdown_of("category", _("按诉求分类"), counts_by(qs, "category_id", filters.interval), buckets,
                     lambda pk: tree.group_of(pk, filters.category)),
        breakdown_of("channel", _("按来源渠道"), counts_by(qs, "channel", filters.interval), buckets,
                     lambda code: (code, str(channels.get(code, code or _("未知"))))),
        breakdown_of("type", _("按诉求类型"), counts_by(qs, "request_type_id", filters.interval), buckets,
                     lambda pk: (pk, types.get(pk, _("未知")))),
        breakdown_of("place", _("按街道") if level == UnitKind.STREET else _("按社区"), place_counts, buckets,
                     lambda pk: (units[pk].code, units[pk].local_name) if pk in units else unplaced),
    ]
    return TrendsReport(
        filters=filters, buckets=buckets, breakdowns=breakdowns, level=level,
        places=places_of(breakdowns[-1], units), response=distribution_of(qs, "response_minutes"),
        completion=distribution_of(qs, "completion_minutes"),
        callers=repeat_callers(qs, filters.repeat_min, with_cases=sees_callers(user)),
        callers_linked=sees_callers(user),
    )


def places_of(place: Breakdown, units: dict[int, Unit]) -> list[PlaceRate]:
    """Every place with its cases and population, the highest rate first, unknown populations last."""
    cases = {item.key: item.total for item in place.items}
    rows = [PlaceRate(u.local_name, u.population, cases.get(u.code, 0)) for u in units.values()]
    return sorted(rows, key=lambda r: (r.per_10k is None, -(r.per_10k or 0), -r.cases, r.name))


@dataclass(frozen=True)
class Table:
    """One of the page's tables as plain values: what the Excel export writes, a sheet each."""

    title: str
    headings: list[str]
    rows: list[list[Any]]


def trends_tables(report: TrendsReport) -> list[Table]:
    labels = report.bucket_labels()
    tables = [Table(b.title, [_("名称"), _("件数"), _("占比（%）"), *labels],
                    [[i.name, i.total, _round(b.share(i)), *i.counts] for i in b.items]) for b in report.breakdowns]
    tables.append(Table(_("每万人诉求量"), [_("地点"), _("常住人口"), _("件数"), _("每万人件数")],
                        [[p.name, p.population, p.cases, _round(p.per_10k)] for p in report.places]))
    durations = (("response", _("首次响应"), report.response), ("completion", _("办结"), report.completion))
    tables.append(Table(_("时长分位数（小时）"), [_("指标"), _("件数"), _("平均"), *(f"P{p}" for p in PERCENTILES)],
                        [[name, d.count, _hours(d.mean), *(_hours(d.percentiles.get(p)) for p in PERCENTILES)]
                         for _key, name, d in durations]))
    tables.append(Table(_("时长分布"), [_("用时"), _("首次响应件数"), _("办结件数")],
                        [list(row) for row in report.histogram_rows]))
    caller_headings = [_("来电人标识"), _("联系电话（脱敏）"), _("件数"), _("首次"), _("最近")]
    tables.append(Table(_("重复来电"), caller_headings + ([_("工单编号")] if report.callers_linked else []),
                        [[c.key, c.phone, c.cases, _local(c.first), _local(c.last)]
                         + ([" ".join(c.numbers)] if report.callers_linked else []) for c in report.callers]))
    return tables


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _hours(minutes: float | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 2)


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
