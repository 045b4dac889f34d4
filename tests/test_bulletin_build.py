"""The bulletin's figures: the district's totals, the street and department rankings, the red and black lists,
the change against the month before and the cases by root category, all as the rollups count them."""

import pytest

from huying.analytics.bulletin.build import bulletin_collect, total_figures
from huying.analytics.models import MeasureSettings, PeriodBasis
from huying.analytics.rates import Period
from huying.org.models import Unit, UnitKind
from tests.test_bulletin_helpers import two_months_make

SEPTEMBER, OCTOBER = Period.parse("2026-09"), Period.parse("2026-10")


@pytest.fixture
def two_months(cast, new_case, clock):
    return two_months_make(cast, new_case, clock)


def collect(cast, period=SEPTEMBER, basis=PeriodBasis.CREATED, area=None):
    return bulletin_collect(area=area or cast.district, period=period, basis=basis)


def by_name(lines):
    return {line.name: line for line in lines}


def test_the_district_totals_count_every_case_under_it_with_the_three_rates(two_months):
    data = collect(two_months)
    assert data.title == "示范区2026年9月接诉即办工作通报"
    assert (data.totals.cases, data.totals.evaluated, data.totals.solved) == (5, 3, 2)
    assert (data.totals.satisfied, data.totals.basic) == (1, 1)
    assert data.rates.satisfied == pytest.approx(200 / 3) and data.rates.solved == pytest.approx(200 / 3)
    assert data.rates.composite == pytest.approx(70.0)  # 100 × 10% + 66.7 × 45% + 66.7 × 45%
    assert (data.previous_totals.cases, data.previous_rates.composite) == (2, pytest.approx(55.0))


def test_streets_and_departments_are_ranked_by_composite_score_with_unscored_units_last(two_months):
    data = collect(two_months)
    assert [(line.name, line.row.rank) for line in data.streets] == [("东湖街道", 1), ("西山街道", 2)]
    east = by_name(data.streets)["东湖街道"].row
    assert (east.counts.cases, east.rates.satisfied, east.rates.composite) == (2, 50.0, 55.0)
    assert by_name(data.streets)["西山街道"].row.rates.composite is None  # its one case awaits its response
    assert [(line.name, line.row.rank) for line in data.departments] == [("园林局", 1), ("水务局", 2), ("供水公司", 2)]
    assert by_name(data.departments)["园林局"].row.rates.satisfied == 100.0  # basic counts in full by default


def test_the_red_and_black_lists_follow_the_configured_bands(two_months):
    data = collect(two_months)
    assert [line.name for line in data.good] == ["园林局"] and [line.name for line in data.failing] == ["东湖街道"]
    settings = MeasureSettings.current()
    settings.basic_weight, settings.failing_band = 0, 40  # 基本满意 no longer counts; the black line drops
    settings.save()
    data = collect(two_months)
    assert data.good == [] and [line.name for line in data.failing] == ["园林局"]  # 0 %; 东湖街道's 50 % passes
    assert "黑榜：满意率 < 40" in data.formula["bands"]


def test_each_unit_shows_its_change_in_score_and_rank_against_the_previous_month(two_months):
    data = collect(two_months)
    east, parks = by_name(data.streets)["东湖街道"], by_name(data.departments)["园林局"]
    assert east.row.change["composite"] == pytest.approx(-45.0) and east.row.change["satisfied"] == -50.0
    assert (east.previous_rank, east.rank_change) == (1, 0)
    assert parks.row.change["composite"] == pytest.approx(90.0)  # August: responded, but not solved
    assert by_name(data.streets)["西山街道"].previous_rank is None  # no score in August: no rank to compare


def test_the_totals_print_this_month_the_month_before_and_the_change(two_months):
    figures = {figure.label: figure for figure in total_figures(collect(two_months))}
    cases = figures["计入考核件数"]
    assert (cases.now, cases.before, cases.change) == (5, 2, 3)
    assert figures["满意率（%）"].change == pytest.approx(200 / 3 - 50)


def test_cases_are_counted_by_root_category_and_add_up_to_the_district_total(two_months):
    data = collect(two_months)
    assert [(c.name, c.cases, c.previous, c.change) for c in data.categories] == [
        ("城乡建设", 4, 2, 2), ("环境保护", 1, 0, 1)]
    assert sum(c.cases for c in data.categories) == data.totals.cases


def test_the_resolved_basis_counts_cases_in_the_month_they_were_resolved(two_months):
    data = collect(two_months, basis=PeriodBasis.RESOLVED)
    assert data.basis_label == "按办结时间统计" and data.formula["basis"] == "按办结时间统计"
    assert data.totals.cases == 2  # resolved in September and not reopened since: 东湖街道's satisfied, 园林局's
    assert [(c.name, c.cases) for c in data.categories] == [("城乡建设", 2)]


def test_a_month_without_cases_gives_zeros_and_no_scores(two_months):
    data = collect(two_months, period=OCTOBER)
    assert data.totals.cases == 0 and data.rates.composite is None
    assert [(c.name, c.cases, c.previous) for c in data.categories] == [("城乡建设", 0, 4), ("环境保护", 0, 1)]
    assert [line.row.rank for line in data.streets] == [1, 1] and data.good == data.failing == []
    assert by_name(data.streets)["东湖街道"].previous_rank == 1


def test_a_bulletin_for_a_street_ranks_only_what_lies_under_it(two_months):
    data = collect(two_months, area=two_months.east)
    assert data.streets[0].name == "东湖街道" and len(data.streets) == 1 and data.departments == []
    assert data.totals.cases == 2


def test_an_inactive_street_is_left_out_of_the_ranking(two_months):
    Unit.objects.filter(pk=two_months.west.pk).update(active=False)
    assert [line.name for line in collect(two_months).streets] == ["东湖街道"]
    assert Unit.objects.filter(kind=UnitKind.STREET).count() == 2


def test_a_quarter_is_not_a_month_for_a_bulletin(cast):
    with pytest.raises(ValueError):
        bulletin_collect(area=cast.district, period=Period.parse("2026-Q3"), basis=PeriodBasis.CREATED)
