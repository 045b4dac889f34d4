"""Reading the rollups: periods, the three rates, the composite score, rankings and the red and black lists.

Everything here reads `UnitRollup` rows (a ranking of 343 streets is 343 × months rows), never the cases.
"""

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from huying.analytics.models import COUNTERS, BandMetric, MeasureSettings, PeriodBasis, UnitRollup
from huying.lib.errors import InvalidInput
from huying.org.models import Unit

MONTH, QUARTER, YEAR = "month", "quarter", "year"
PERIOD_KINDS = {MONTH: _("月度"), QUARTER: _("季度"), YEAR: _("年度")}
FIRST_YEAR, LAST_YEAR = 1900, 2999


class PeriodError(InvalidInput, ValueError):
    """A period that cannot be read; a ValueError too, for callers that only know that."""


@dataclass(frozen=True, order=True)
class Period:
    """A month, quarter or year: `number` is the month (1–12), the quarter (1–4) or 1 for a year."""

    kind: str
    year: int
    number: int = 1

    @classmethod
    def parse(cls, text: str) -> "Period":
        """`2026-03` (month), `2026-Q1` (quarter) or `2026` (year); PeriodError (field "period") otherwise."""
        text = (text or "").strip().upper()
        year, _sep, rest = text.partition("-")
        # ASCII digits only: str.isdigit() also accepts "²" and full-width digits, which int() may refuse.
        if not (len(year) == 4 and year.isascii() and year.isdigit() and FIRST_YEAR <= int(year) <= LAST_YEAR):
            raise _bad_period(text)
        if not _sep:
            return cls(YEAR, int(year))
        number = rest[1:] if rest.startswith("Q") else rest
        if not (1 <= len(number) <= 2 and number.isascii() and number.isdigit()):
            raise _bad_period(text)
        if rest.startswith("Q") and 1 <= int(number) <= 4:
            return cls(QUARTER, int(year), int(number))
        if not rest.startswith("Q") and 1 <= int(number) <= 12:
            return cls(MONTH, int(year), int(number))
        raise _bad_period(text)

    @classmethod
    def month_of(cls, day: dt.date) -> "Period":
        return cls(MONTH, day.year, day.month)

    def __str__(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        return f"{self.year}-Q{self.number}" if self.kind == QUARTER else str(self.year)

    def months(self) -> list[int]:
        """The yyyymm keys this period sums."""
        if self.kind == MONTH:
            return [self.year * 100 + self.number]
        if self.kind == QUARTER:
            first = 3 * (self.number - 1) + 1
            return [self.year * 100 + m for m in range(first, first + 3)]
        return [self.year * 100 + m for m in range(1, 13)]

    def previous(self) -> "Period":
        if self.kind == YEAR:
            return Period(YEAR, self.year - 1)
        last = 12 if self.kind == MONTH else 4
        if self.number == 1:
            return Period(self.kind, self.year - 1, last)
        return Period(self.kind, self.year, self.number - 1)

    def first_day(self) -> dt.date:
        month = self.months()[0] % 100
        return dt.date(self.year, month, 1)

    def end_day(self) -> dt.date:
        """The first day after the period."""
        last = self.months()[-1] % 100
        return dt.date(self.year + 1, 1, 1) if last == 12 else dt.date(self.year, last + 1, 1)


def _bad_period(text: str) -> PeriodError:
    return PeriodError(_("统计周期“%(value)s”无法识别，请按 2026-03（月）、2026-Q1（季）或 2026（年）的格式填写")
                       % {"value": text[:20]}, field="period")


@dataclass
class Counts:
    cases: int = 0
    excluded: int = 0
    proactive: int = 0
    response_due: int = 0
    response_on_time: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    evaluated: int = 0
    solved: int = 0
    satisfied: int = 0
    basic: int = 0

    @property
    def unsatisfied(self) -> int:
        return self.evaluated - self.satisfied - self.basic


@dataclass(frozen=True)
class Rates:
    """Percentages 0–100, or None where nothing was due (no denominator)."""

    response: float | None
    solved: float | None
    satisfied: float | None
    composite: float | None
    on_time_resolution: float | None


def _pct(part: float, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


def rates_of(counts: Counts, settings: MeasureSettings) -> Rates:
    """The three rates and the composite score; a rate with nothing due leaves the composite and the other
    weights are scaled up to 100, so a unit is never punished (or rewarded) for an empty column."""
    response = _pct(counts.response_on_time, counts.response_due)
    solved = _pct(counts.solved, counts.evaluated)
    satisfied = _pct(counts.satisfied + float(settings.basic_weight) * counts.basic, counts.evaluated)
    weighted = [(response, settings.weight_response), (solved, settings.weight_solved),
                (satisfied, settings.weight_satisfied)]
    present = [(rate, weight) for rate, weight in weighted if rate is not None and weight]
    total_weight = sum(weight for _rate, weight in present)
    composite = sum(rate * weight for rate, weight in present) / total_weight if total_weight else None
    return Rates(response, solved, satisfied, composite, _pct(counts.resolved_on_time, counts.resolved))


def formula(settings: MeasureSettings) -> dict[str, str]:
    """The definitions in use, as the pages and the bulletin print them."""
    basic = f"{Decimal(settings.basic_weight).normalize():f}"
    return {
        "response": str(_("响应率 = 响应时限内响应的件数 ÷ 应响应件数（已响应或已过响应时限）")),
        "solved": str(_("解决率 = 评价或回访为已解决的件数 ÷ 已评价或已回访件数")),
        "satisfied": str(_("满意率 = （满意件数 + %(w)s × 基本满意件数）÷ 已评价或已回访件数") % {"w": basic}),
        "composite": str(_("综合得分 = 响应率 × %(a)d%% + 解决率 × %(b)d%% + 满意率 × %(c)d%%") % {
            "a": settings.weight_response, "b": settings.weight_solved, "c": settings.weight_satisfied}),
        "basis": str(PeriodBasis(settings.period_basis).label),
        "exclusions": str(_("不计入：经审批核减、无效、被并单的重复件，以及主动发现的问题（单独统计）")),
        "bands": str(_("红榜：%(metric)s ≥ %(good)s%%；黑榜：%(metric)s < %(bad)s%%") % {
            "metric": BandMetric(settings.band_metric).label, "good": f"{Decimal(settings.good_band).normalize():f}",
            "bad": f"{Decimal(settings.failing_band).normalize():f}"}),
    }


def counts_by_unit(unit_ids: list[int], period: Period, basis: str) -> dict[int, Counts]:
    """Each unit's summed counters over the period's months (one query; missing units get zeros)."""
    rows = (UnitRollup.objects.filter(basis=basis, month__in=period.months(), unit_id__in=unit_ids)
            .values("unit_id").annotate(**{c: Sum(c) for c in COUNTERS}))
    out = {pk: Counts() for pk in unit_ids}
    for row in rows:
        out[row["unit_id"]] = Counts(**{c: row[c] or 0 for c in COUNTERS})
    return out


BAND_GOOD, BAND_FAILING = "good", "failing"


@dataclass
class RankRow:
    unit: Unit
    counts: Counts
    rates: Rates
    previous: Rates
    rank: int = 0
    band: str = ""  # "good" (红榜), "failing" (黑榜) or ""
    change: dict[str, float | None] = field(default_factory=dict)  # rate name → points against previous period


RATE_NAMES = tuple(f.name for f in fields(Rates))


def band_of(rates: Rates, counts: Counts, settings: MeasureSettings) -> str:
    """红榜 (value ≥ the good line), 黑榜 (value < the failing line) or neither; a unit with fewer evaluations than
    `band_min_evaluated` is ranked but listed on neither, whichever figure the bands read."""
    if counts.evaluated < settings.band_min_evaluated:
        return ""
    value = rates.satisfied if settings.band_metric == BandMetric.SATISFIED else rates.composite
    if value is None:
        return ""
    if value >= float(settings.good_band):
        return BAND_GOOD
    return BAND_FAILING if value < float(settings.failing_band) else ""


def ranking(units: list[Unit], period: Period, settings: MeasureSettings, basis: str | None = None) -> list[RankRow]:
    """`units` ranked by composite score for `period` (ties share a rank; a unit with no score comes last)."""
    basis = basis or settings.period_basis
    ids = [u.pk for u in units]
    now, before = counts_by_unit(ids, period, basis), counts_by_unit(ids, period.previous(), basis)
    rows = []
    for unit in units:
        rates, previous = rates_of(now[unit.pk], settings), rates_of(before[unit.pk], settings)
        change = {name: _minus(getattr(rates, name), getattr(previous, name)) for name in RATE_NAMES}
        rows.append(RankRow(unit, now[unit.pk], rates, previous, band=band_of(rates, now[unit.pk], settings),
                            change=change))
    rows.sort(key=lambda r: (r.rates.composite is None, -(r.rates.composite or 0), r.unit.code))
    last_score, last_rank = object(), 0
    for position, row in enumerate(rows, start=1):
        score = None if row.rates.composite is None else round(row.rates.composite, 2)
        if score != last_score:
            last_score, last_rank = score, position
        row.rank = last_rank
    return rows


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b
