"""What each rates page shows, assembled from the rollups (the numbers) and the measures (the cases behind them).

Every figure comes from `huying.analytics.rates` over `UnitRollup`; a page costs a fixed number of queries
however many units or months it covers.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.utils import timezone

from huying.analytics.models import CaseMeasure, MeasureSettings, PeriodBasis
from huying.analytics.rates import BAND_FAILING, BAND_GOOD, RankRow, counts_by_unit, formula, ranking
from huying.analytics.selectors import (
    COMMUNITY,
    DEPARTMENT,
    METRICS,
    RANKING_KINDS,
    STREET,
    access_unit,
    district_of,
    home_unit,
    is_supervisor,
    measures_behind,
    ranking_units,
    viewer_scope,
)
from huying.analytics.views.figures import (
    CARD_METRICS,
    Drill,
    RankLine,
    chart_data,
    count_of,
    rank_lines,
    unit_card,
)
from huying.analytics.views.params import (
    RatesQuery,
    metric_of,
    page_number,
    period_label,
    period_options,
    ranking_kind,
    rates_query,
    unit_id_of,
)
from huying.cases.models import ExclusionReason
from huying.org.models import Unit, UnitKind, User

PAGE_SIZE = 50
CHART_MIN, CHART_ROW = 240, 26  # px: the ranking chart grows with the units it ranks
SUMMARY_ENDS = 5  # a long ranking's summary shows its first and last five


def common(query: RatesQuery, settings: MeasureSettings, keep: dict[str, str]) -> dict:
    """What every rates page prints around its figures: the period picker (carrying the page's other choices,
    `keep`) and the definitions in use."""
    return {
        "keep": [(name, value) for name, value in keep.items() if value],
        "query": query, "period": str(query.period), "period_label": period_label(query.period),
        "previous_label": period_label(query.period.previous()),
        "periods": period_options(timezone.localdate(), query.period),
        "bases": PeriodBasis.choices, "formula": formula(settings), "problems": query.problems,
    }


def chosen_unit(user: User, params: QueryDict, problems: list[str]) -> Unit | None:
    """The unit asked for (`unit=`, in the viewer's scope), else the viewer's own."""
    unit_id = unit_id_of(params, problems)
    return access_unit(user, unit_id) if unit_id is not None else home_unit(user)


# ---- overview -------------------------------------------------------------------------------------------------------


@dataclass
class Standing:
    """Where a unit stands in its published ranking: 第 rank 名，共 of 个."""

    kind: str
    kind_label: str
    rank: int
    of: int


@dataclass
class Summary:
    """A ranking in brief for the command centre: its red and black lists, and its ends when it is long."""

    kind: str
    kind_label: str
    head: list[RankLine]
    tail: list[RankLine]
    good: list[RankLine]
    failing: list[RankLine]


def overview_page(user: User, params: QueryDict) -> dict:
    settings = MeasureSettings.current()
    query = rates_query(params, settings)
    drill = Drill(viewer_scope(user), query.period, query.basis)
    unit = chosen_unit(user, params, query.problems)
    context = {**common(query, settings, {"unit": params.get("unit", "")}), "card": None, "district_card": None,
               "standing": None, "summaries": []}
    if unit is None:
        return context
    district = district_of(user, unit)
    wanted = [unit] + ([district] if district is not None and district != unit else [])
    rows = {row.unit.pk: row for row in ranking(wanted, query.period, settings, query.basis)}
    context["card"] = unit_card(rows[unit.pk], drill)
    context["standing"] = standing_of(unit, query, settings)
    if is_supervisor(user) and district is not None:
        if district != unit:
            context["district_card"] = unit_card(rows[district.pk], drill)
        context["summaries"] = [summary(kind, district, query, settings, drill) for kind in (STREET, DEPARTMENT)]
    return context


PUBLISHED_IN: dict[str, str] = {UnitKind.STREET: STREET, UnitKind.DEPARTMENT: DEPARTMENT,
                                UnitKind.UTILITY: DEPARTMENT, UnitKind.COMMUNITY: COMMUNITY}


def standing_of(unit: Unit, query: RatesQuery, settings: MeasureSettings) -> Standing | None:
    """A street's, department's or community's place in the ranking it is published in."""
    kind = PUBLISHED_IN.get(unit.kind)
    if kind is None:
        return None
    within = unit.parent if kind == COMMUNITY else unit.ancestor_of_kind(UnitKind.DISTRICT)
    rows = ranking(ranking_units(kind, within), query.period, settings, query.basis)
    mine = next((row for row in rows if row.unit.pk == unit.pk), None)
    return Standing(kind, str(RANKING_KINDS[kind]), mine.rank, len(rows)) if mine else None


def summary(kind: str, district: Unit, query: RatesQuery, settings: MeasureSettings, drill: Drill) -> Summary:
    rows = ranking(ranking_units(kind, district), query.period, settings, query.basis)
    lines = rank_lines(rows, drill)
    long = len(lines) > 2 * SUMMARY_ENDS
    return Summary(kind, str(RANKING_KINDS[kind]), lines[:SUMMARY_ENDS] if long else lines,
                   lines[-SUMMARY_ENDS:] if long else [], [x for x in lines if x.band == BAND_GOOD],
                   [x for x in lines if x.band == BAND_FAILING])


# ---- ranking --------------------------------------------------------------------------------------------------------


def ranking_page(user: User, params: QueryDict) -> dict:
    settings = MeasureSettings.current()
    query = rates_query(params, settings)
    kind = ranking_kind(params, query.problems)
    scope = viewer_scope(user)
    within = ranking_within(user, kind)
    rows: list[RankRow] = ranking(ranking_units(kind, within), query.period, settings, query.basis)
    lines = rank_lines(rows, Drill(scope, query.period, query.basis))
    return {
        **common(query, settings, {"kind": kind}), "kind": kind, "kind_label": RANKING_KINDS[kind],
        "within": within, "lines": lines,
        "good": [x for x in lines if x.band == BAND_GOOD], "failing": [x for x in lines if x.band == BAND_FAILING],
        "chart": chart_data(rows), "chart_height": max(CHART_MIN, CHART_ROW * len(rows)), "settings": settings,
    }


def ranking_within(user: User, kind: str) -> Unit | None:
    """Streets and departments are ranked across the viewer's district; communities within the viewer's street
    (the whole district for those above the streets)."""
    unit = home_unit(user)
    district = district_of(user, unit)
    if kind == COMMUNITY and unit is not None:
        return unit.ancestor_of_kind(UnitKind.STREET) or district
    return district


# ---- drill-down (明细) ---------------------------------------------------------------------------------------------


@dataclass
class Tab:
    metric: str
    label: str
    value: int
    url: str | None
    current: bool


def cases_page(user: User, params: QueryDict) -> dict:
    settings = MeasureSettings.current()
    query = rates_query(params, settings)
    metric = metric_of(params, query.problems)
    unit = chosen_unit(user, params, query.problems)
    keep = {"unit": str(unit.pk) if unit else "", "metric": metric}
    context = {**common(query, settings, keep), "unit": unit, "metric": metric,
               "metric_label": METRICS[metric].label, "page": None, "tabs": [], "rows": []}
    if unit is None:
        return context
    drill = Drill(viewer_scope(user), query.period, query.basis)
    counts = counts_by_unit([unit.pk], query.period, query.basis)[unit.pk]
    context["tabs"] = [Tab(m, str(METRICS[m].label), count_of(counts, m), drill.url(unit, m), m == metric)
                       for m in CARD_METRICS]
    context["expected"] = count_of(counts, metric)
    page = context["page"] = measures_page(unit, query, metric, page_number(params))
    context["rows"] = drill_rows(page)
    context["page_url"] = page_link(params)
    # Both come from the stored ledger, written in one transaction: a difference is a fault for `analytics verify`.
    context["mismatch"] = page.paginator.count != context["expected"]
    return context


ROW_FIELDS = ("case_id", "response", "resolved", "resolved_on_time", "solved", "verdict", "evaluation_source",
              "exclusion", "proactive", "case__number", "case__title", "case__created_at", "case__status",
              "handler__name", "handler__name_en")


def measures_page(unit: Unit, query: RatesQuery, metric: str, number: str) -> Page:
    """One page of the cases behind the number, newest first (a count, then the page's rows)."""
    measures = (measures_behind(unit, query.period, query.basis, metric).select_related("case", "handler")
                .only(*ROW_FIELDS).order_by("-case_id"))
    return Paginator(measures, PAGE_SIZE).get_page(number)


@dataclass(frozen=True)
class DrillRow:
    measure: CaseMeasure
    exclusion: str


def drill_rows(page: Page) -> list[DrillRow]:
    reasons = dict(ExclusionReason.choices)
    return [DrillRow(m, str(reasons.get(m.exclusion, m.exclusion))) for m in page.object_list]


def page_link(params: QueryDict) -> str:
    """This page's URL up to its page number (`…&page=`)."""
    query = params.copy()
    query.pop("page", None)
    return "?" + (query.urlencode() + "&" if query else "") + "page="
