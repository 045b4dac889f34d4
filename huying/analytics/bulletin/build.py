"""The figures of one month's bulletin (月度通报), collected once and drawn by both the Excel and the PDF writer.

Rates, rankings and bands come from `huying.analytics.rates` (the rollups); only the counts by category root
read the case measures, grouped in one query. Everything is as of the worker's last ledger pass.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.analytics.models import CaseMeasure, MeasureSettings, PeriodBasis
from huying.analytics.rates import (
    BAND_FAILING,
    BAND_GOOD,
    MONTH,
    Counts,
    Period,
    RankRow,
    Rates,
    counts_by_unit,
    formula,
    ranking,
    rates_of,
)
from huying.catalog.models import Category
from huying.org.models import Unit, UnitKind

DEPARTMENT_KINDS = (UnitKind.DEPARTMENT, UnitKind.UTILITY)  # 区直部门 and 公用事业单位, ranked together


@dataclass(frozen=True)
class Line:
    """One unit in a ranking: its row of `rates.ranking`, and its rank the month before (None: unranked)."""

    row: RankRow
    previous_rank: int | None

    @property
    def name(self) -> str:
        return self.row.unit.local_name

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost since the previous month."""
        return None if self.previous_rank is None else self.previous_rank - self.row.rank


@dataclass(frozen=True)
class CategoryLine:
    name: str
    cases: int
    previous: int

    @property
    def change(self) -> int:
        return self.cases - self.previous


@dataclass(frozen=True)
class BulletinData:
    area: Unit
    period: Period
    basis: str
    generated_at: dt.datetime
    totals: Counts
    rates: Rates
    previous_totals: Counts
    previous_rates: Rates
    streets: list[Line]
    departments: list[Line]
    categories: list[CategoryLine]
    formula: dict[str, str]

    @property
    def title(self) -> str:
        return _("%(area)s%(year)d年%(month)d月接诉即办工作通报") % {
            "area": self.area.local_name, "year": self.period.year, "month": self.period.number}

    @property
    def basis_label(self) -> str:
        return str(PeriodBasis(self.basis).label)

    def definitions(self) -> list[str]:
        """The formula in use, a line each, as both files print it."""
        return [_("统计口径：%(basis)s") % {"basis": text} if key == "basis" else text
                for key, text in self.formula.items()]

    def band(self, band: str) -> list[Line]:
        """The red (good) or black (failing) list: streets first, then departments, each in rank order."""
        return [line for line in self.streets + self.departments if line.row.band == band]

    @property
    def good(self) -> list[Line]:
        return self.band(BAND_GOOD)

    @property
    def failing(self) -> list[Line]:
        return self.band(BAND_FAILING)


def bulletin_collect(*, area: Unit, period: Period, basis: str, now: dt.datetime | None = None) -> BulletinData:
    """The month's figures for `area` and the units under it; `period` must be a month."""
    if period.kind != MONTH:
        raise ValueError(f"a bulletin covers one month, not {period}")
    settings = MeasureSettings.current()
    totals = counts_by_unit([area.pk], period, basis)[area.pk]
    previous = counts_by_unit([area.pk], period.previous(), basis)[area.pk]
    return BulletinData(
        area=area, period=period, basis=basis, generated_at=now or timezone.now(),
        totals=totals, rates=rates_of(totals, settings),
        previous_totals=previous, previous_rates=rates_of(previous, settings),
        streets=_lines(_units_under(area, (UnitKind.STREET,)), period, settings, basis),
        departments=_lines(_units_under(area, DEPARTMENT_KINDS), period, settings, basis),
        categories=category_lines(area, period, basis),
        formula={**formula(settings), "basis": str(PeriodBasis(basis).label)},
    )


def _units_under(area: Unit, kinds: tuple[str, ...]) -> list[Unit]:
    return list(Unit.objects.filter(path__startswith=area.path, kind__in=kinds, active=True).order_by("code"))


def _lines(units: list[Unit], period: Period, settings: MeasureSettings, basis: str) -> list[Line]:
    rows = ranking(units, period, settings, basis)
    before = {row.unit.pk: row.rank for row in ranking(units, period.previous(), settings, basis)
              if row.rates.composite is not None}
    return [Line(row, before.get(row.unit.pk)) for row in rows]


def category_lines(area: Unit, period: Period, basis: str) -> list[CategoryLine]:
    """Counted cases (the rates' 'cases') by root category, this month and the month before, largest first."""
    month_field = "created_month" if basis == PeriodBasis.CREATED else "resolved_month"
    this_month, last_month = period.months()[0], period.previous().months()[0]
    rows = (CaseMeasure.objects
            .filter(computed_at__isnull=False, exclusion="", proactive=False, handler__path__startswith=area.path,
                    **{f"{month_field}__in": [this_month, last_month]})
            .values_list(month_field, "category_id").annotate(n=Count("pk")).order_by())
    roots = _category_roots()
    now: Counter[str] = Counter()
    before: Counter[str] = Counter()
    unclassified = str(_("未分类"))
    for month, category_id, n in rows:
        name = roots.get(category_id, unclassified) if category_id else unclassified
        (now if month == this_month else before)[name] += n
    names = sorted(set(now) | set(before), key=lambda name: (-now[name], -before[name], name))
    return [CategoryLine(name, now[name], before[name]) for name in names]


def _category_roots() -> dict[int, str]:
    """Every category → the name of its first-level ancestor (one query over the catalogue)."""
    nodes = {pk: (parent, name) for pk, parent, name in Category.objects.values_list("pk", "parent_id", "name")}
    out = {}
    for pk in nodes:
        node = pk
        for _depth in range(10):  # the tree is three levels deep; the bound only guards a broken row
            parent = nodes[node][0]
            if parent is None or parent not in nodes:
                break
            node = parent
        out[pk] = nodes[node][1]
    return out


INT, SIGNED, RATE, POINTS, TEXT = "int", "signed", "rate", "points", "text"


@dataclass(frozen=True)
class Column:
    """One column of a ranking table, as both writers print it."""

    header: str
    kind: str  # INT, SIGNED (a change in a count), RATE (a percentage 0–100), POINTS (its change) or TEXT
    value: Callable[[Line], object]


def band_label(band: str) -> str:
    return {BAND_GOOD: _("红榜"), BAND_FAILING: _("黑榜")}.get(band, "")


def rank_columns() -> list[Column]:
    return [
        Column(_("名次"), INT, lambda line: line.row.rank),
        Column(_("单位"), TEXT, lambda line: line.name),
        # The cases the rates count: by the resolved basis these are the month's resolved cases, not its intake.
        Column(_("计入考核件数"), INT, lambda line: line.row.counts.cases),
        Column(_("评价/回访件数"), INT, lambda line: line.row.counts.evaluated),
        Column(_("响应率（%）"), RATE, lambda line: line.row.rates.response),
        Column(_("解决率（%）"), RATE, lambda line: line.row.rates.solved),
        Column(_("满意率（%）"), RATE, lambda line: line.row.rates.satisfied),
        Column(_("综合得分"), RATE, lambda line: line.row.rates.composite),
        Column(_("得分较上月"), POINTS, lambda line: line.row.change.get("composite")),
        Column(_("上月名次"), INT, lambda line: line.previous_rank),
        Column(_("名次变化"), SIGNED, lambda line: line.rank_change),
        Column(_("红黑榜"), TEXT, lambda line: band_label(line.row.band)),
    ]


@dataclass(frozen=True)
class Figure:
    """One line of the area's totals: this month, the month before, and the change."""

    label: str
    kind: str
    now: float | None
    before: float | None

    @property
    def change(self) -> float | None:
        return None if self.now is None or self.before is None else self.now - self.before


def total_figures(data: BulletinData) -> list[Figure]:
    now, before = data.totals, data.previous_totals
    counts = [
        (_("计入考核件数"), "cases"), (_("应响应件数"), "response_due"), (_("按时响应件数"), "response_on_time"),
        (_("办结件数"), "resolved"), (_("评价/回访件数"), "evaluated"), (_("已解决件数"), "solved"),
        (_("满意件数"), "satisfied"), (_("基本满意件数"), "basic"), (_("核减及不计入件数"), "excluded"),
        (_("主动发现件数（单独统计）"), "proactive"),
    ]
    rates = [(_("响应率（%）"), "response"), (_("解决率（%）"), "solved"), (_("满意率（%）"), "satisfied"),
             (_("综合得分"), "composite"), (_("按时办结率（%）"), "on_time_resolution")]
    return ([Figure(label, INT, getattr(now, name), getattr(before, name)) for label, name in counts]
            + [Figure(label, RATE, getattr(data.rates, name), getattr(data.previous_rates, name))
               for label, name in rates])


def charted(lines: list[Line], most: int = 40) -> tuple[list[Line], str]:
    """The scored lines a chart shows, and its caption: all of them, or the first and last `most` / 2."""
    scored = [line for line in lines if line.row.rates.composite is not None]
    if len(scored) <= most:
        return scored, ""
    half = most // 2
    return scored[:half] + scored[-half:], _("（前%(n)d名与后%(n)d名）") % {"n": half}
