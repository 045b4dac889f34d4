"""The numbers of the rates pages as they are printed: rates as percentages with their change, and every count
with the link to the cases behind it (明细) — or no link, where the viewer may not see those cases."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huying.analytics.rates import BAND_FAILING, BAND_GOOD, Counts, Period, RankRow
from huying.analytics.selectors import METRICS, may_drill
from huying.org.models import Unit

# The counts a unit's card shows, in reading order (each one a drill-down metric).
CARD_METRICS = ("cases", "response_due", "response_on_time", "response_missed", "resolved", "resolved_on_time",
                "evaluated", "solved", "not_solved", "satisfied", "basic", "unsatisfied", "excluded", "proactive")
RATE_LABELS: dict[str, Promise] = {"response": _("响应率"), "solved": _("解决率"), "satisfied": _("满意率"),
                                   "composite": _("综合得分")}
BAND_LABELS: dict[str, Promise] = {BAND_GOOD: _("红榜"), BAND_FAILING: _("黑榜")}


def count_of(counts: Counts, metric: str) -> int:
    """The number a metric's drill-down lists, from the rollup counters."""
    if metric == "response_missed":
        return counts.response_due - counts.response_on_time
    if metric == "not_solved":
        return counts.evaluated - counts.solved
    return getattr(counts, metric)


@dataclass(frozen=True)
class Drill:
    """Builds the drill-down links of one page: same period and period rule, units in the viewer's scope only."""

    scope: str
    period: Period
    basis: str

    def url(self, unit: Unit, metric: str) -> str | None:
        if not may_drill(self.scope, unit):
            return None
        query = urlencode({"unit": unit.pk, "period": str(self.period), "basis": self.basis, "metric": metric})
        return f"{reverse('analytics:cases')}?{query}"

    def overview_url(self, unit: Unit) -> str | None:
        """The unit's own overview (its card, its place in its ranking), for a unit in the viewer's scope."""
        if not may_drill(self.scope, unit):
            return None
        query = urlencode({"unit": unit.pk, "period": str(self.period), "basis": self.basis})
        return f"{reverse('analytics:overview')}?{query}"


@dataclass(frozen=True)
class Figure:
    metric: str
    label: Promise
    value: int
    url: str | None


@dataclass(frozen=True)
class RateCell:
    name: str
    label: Promise
    text: str  # "86.4%", or "—" with nothing due
    change: str  # "+2.1" / "-1.3" points against the previous period, or ""
    direction: str  # "up", "down", "same" or ""
    url: str | None = None  # the cases of its denominator


# A rate opens the cases it is taken over (its denominator); the composite, every counted case.
RATE_CASES = {"response": "response_due", "solved": "evaluated", "satisfied": "evaluated", "composite": "cases"}


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def rate_cells(row: RankRow, drill: Drill) -> list[RateCell]:
    cells = []
    for name, label in RATE_LABELS.items():
        value, delta = getattr(row.rates, name), row.change.get(name)
        text = "—" if value is None else (f"{value:.1f}" if name == "composite" else percent(value))
        url = drill.url(row.unit, RATE_CASES[name])
        if delta is None:
            cells.append(RateCell(name, label, text, "", "", url))
            continue
        rounded = round(delta, 1)
        direction = "up" if rounded > 0 else "down" if rounded < 0 else "same"
        cells.append(RateCell(name, label, text, f"{rounded:+.1f}", direction, url))
    return cells


def figures(unit: Unit, counts: Counts, drill: Drill, metrics: tuple[str, ...] = CARD_METRICS) -> list[Figure]:
    return [Figure(m, METRICS[m].label, count_of(counts, m), drill.url(unit, m)) for m in metrics]


@dataclass(frozen=True)
class UnitCard:
    """One unit's three rates, composite score and counts for the period, with the change against the last."""

    unit: Unit
    rates: list[RateCell]
    figures: list[Figure]
    band: str
    band_label: str


def unit_card(row: RankRow, drill: Drill) -> UnitCard:
    return UnitCard(row.unit, rate_cells(row, drill), figures(row.unit, row.counts, drill), row.band,
                    str(BAND_LABELS.get(row.band, "")))


@dataclass(frozen=True)
class RankLine:
    """One row of a ranking table."""

    rank: int
    unit: Unit
    rates: list[RateCell]
    figures: dict[str, Figure]
    band: str
    band_label: str
    unit_url: str | None


RANK_METRICS = ("cases", "response_due", "response_on_time", "evaluated", "solved", "satisfied", "basic",
                "unsatisfied", "excluded")


def rank_lines(rows: list[RankRow], drill: Drill) -> list[RankLine]:
    return [RankLine(row.rank, row.unit, rate_cells(row, drill),
                     {f.metric: f for f in figures(row.unit, row.counts, drill, RANK_METRICS)}, row.band,
                     str(BAND_LABELS.get(row.band, "")), drill.overview_url(row.unit)) for row in rows]


def chart_data(rows: list[RankRow]) -> dict:
    """The ranking chart's series (composite score per unit, in rank order) for the page's script."""
    def score(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return {
        "labels": [row.unit.local_name for row in rows],
        "composite": [score(row.rates.composite) for row in rows],
        "satisfied": [score(row.rates.satisfied) for row in rows],
        "bands": [row.band for row in rows],
        "names": {"composite": str(RATE_LABELS["composite"]), "satisfied": str(RATE_LABELS["satisfied"]),
                  "empty": str(_("本期暂无可排名的数据"))},
    }
