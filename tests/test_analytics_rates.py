"""The three rates, the composite score, the red and black lists and the ranking, read from the rollups by the
configured definitions (考核口径) — and the administrator's page for those definitions."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from huying.analytics.models import COUNTERS, CaseMeasure, MeasureSettings, UnitRollup
from huying.analytics.rates import BAND_FAILING, BAND_GOOD, Counts, Period, band_of, formula, ranking, rates_of
from huying.analytics.refresh import measures_refresh_all
from huying.org.models import Unit, UnitKind, User
from tests.cast import PASSWORD
from tests.test_analytics_ledger_helpers import handled, rated

SETTINGS_PAGE = "/admin/analytics/measuresettings/1/change/"
EXAMPLE = Counts(cases=25, response_due=10, response_on_time=9, resolved=20, resolved_on_time=16, evaluated=20,
                 solved=18, satisfied=15, basic=4)


def settings(**changes) -> MeasureSettings:
    return MeasureSettings(**changes)  # the defaults: 10/45/45, basic 1, bands 85/75 on satisfaction


def test_the_three_rates_and_the_composite_score_by_the_default_weights():
    rates = rates_of(EXAMPLE, settings())
    assert (rates.response, rates.solved, rates.satisfied, rates.on_time_resolution) == (90.0, 90.0, 95.0, 80.0)
    assert rates.composite == pytest.approx(0.10 * 90 + 0.45 * 90 + 0.45 * 95)  # 92.25


def test_basically_satisfied_counts_by_its_configured_weight():
    assert rates_of(EXAMPLE, settings(basic_weight=Decimal("0.5"))).satisfied == pytest.approx(85.0)  # (15+2)/20
    assert rates_of(EXAMPLE, settings(basic_weight=Decimal("0"))).satisfied == pytest.approx(75.0)
    assert rates_of(EXAMPLE, settings(basic_weight=Decimal("0.5"))).composite == pytest.approx(9 + 40.5 + 38.25)


def test_other_weights_change_the_composite_score():
    rates = rates_of(EXAMPLE, settings(weight_response=20, weight_solved=30, weight_satisfied=50))
    assert rates.composite == pytest.approx(0.2 * 90 + 0.3 * 90 + 0.5 * 95)


def test_a_rate_with_nothing_due_leaves_the_score_and_the_other_weights_are_scaled_to_a_hundred():
    no_response = Counts(evaluated=20, solved=18, satisfied=19)
    rates = rates_of(no_response, settings())
    assert (rates.response, rates.composite) == (None, pytest.approx((45 * 90 + 45 * 95) / 90))
    only_response = Counts(cases=3, response_due=4, response_on_time=3)
    assert rates_of(only_response, settings()).composite == pytest.approx(75.0)
    assert rates_of(Counts(cases=2), settings()).composite is None  # nothing due at all: no score, not zero


def test_a_rate_weighted_zero_does_not_enter_the_score():
    rates = rates_of(EXAMPLE, settings(weight_response=0, weight_solved=50, weight_satisfied=50))
    assert rates.response == 90.0 and rates.composite == pytest.approx(92.5)


@pytest.mark.parametrize(("satisfied", "band"), [(20, BAND_GOOD), (17, BAND_GOOD), (16, ""), (15, ""),
                                                  (14, BAND_FAILING), (0, BAND_FAILING)])
def test_the_red_and_black_lists_are_read_by_the_satisfaction_bands(satisfied, band):
    # 20 evaluated: 17 → 85 % (red, ≥ 85), 16 → 80 %, 15 → 75 % (not black: black is below 75), 14 → 70 %.
    counts = Counts(evaluated=20, solved=20, satisfied=satisfied)
    assert band_of(rates_of(counts, settings()), counts, settings()) == band


def test_a_unit_with_too_few_evaluations_is_listed_on_neither_list_whatever_the_bands_read():
    counts = Counts(cases=4, response_due=4, response_on_time=4, evaluated=4, solved=4, satisfied=4)
    for metric in ("satisfied", "composite"):
        few = settings(band_min_evaluated=5, band_metric=metric)
        assert band_of(rates_of(counts, few), counts, few) == ""
        enough = settings(band_min_evaluated=4, band_metric=metric)
        assert band_of(rates_of(counts, enough), counts, enough) == BAND_GOOD


def test_the_bands_may_read_the_composite_score():
    counts = Counts(response_due=10, response_on_time=0, evaluated=10, solved=10, satisfied=10)  # composite 90
    by_composite = settings(band_metric="composite", good_band=Decimal("95"), failing_band=Decimal("91"))
    assert band_of(rates_of(counts, by_composite), counts, by_composite) == BAND_FAILING
    assert band_of(rates_of(counts, settings()), counts, settings()) == BAND_GOOD  # satisfaction 100 %


def test_the_formula_in_use_is_spelled_out():
    text = formula(settings(weight_response=20, weight_solved=40, weight_satisfied=40, basic_weight=Decimal("0.6")))
    assert text["composite"] == "综合得分 = 响应率 × 20% + 解决率 × 40% + 满意率 × 40%"
    assert "0.6 × 基本满意件数" in text["satisfied"] and text["basis"] == "按受理时间统计"
    assert "85" in text["bands"] and "75" in text["bands"]


def _street(code: str, name: str, district: Unit) -> Unit:
    return Unit.objects.create(code=code, name=name, kind=UnitKind.STREET, parent=district)


def _rollup(unit: Unit, month: int, **counts: int) -> None:
    UnitRollup.objects.create(basis="created", month=month, unit=unit, **{c: counts.get(c, 0) for c in COUNTERS})


def test_the_ranking_orders_by_score_shares_ranks_on_ties_and_shows_the_change_from_the_month_before(cast):
    south, north = _street("T310101003", "南湖街道", cast.district), _street("T310101004", "北山街道", cast.district)
    _rollup(cast.east, 202609, cases=10, response_due=10, response_on_time=10, evaluated=10, solved=9, satisfied=9)
    _rollup(cast.west, 202609, cases=10, response_due=10, response_on_time=10, evaluated=10, solved=9, satisfied=9)
    _rollup(south, 202609, cases=10, response_due=10, response_on_time=10, evaluated=10, solved=10, satisfied=10)
    _rollup(cast.east, 202608, cases=10, response_due=10, response_on_time=5, evaluated=10, solved=9, satisfied=9)
    rows = ranking([cast.east, cast.west, south, north], Period.parse("2026-09"), settings())
    assert [(row.unit.name, row.rank) for row in rows] == [("南湖街道", 1), ("东湖街道", 2), ("西山街道", 2),
                                                           ("北山街道", 4)]
    east = rows[1]
    assert (east.rates.composite, east.band) == (pytest.approx(91.0), BAND_GOOD)
    assert east.change["response"] == pytest.approx(50.0) and east.change["composite"] == pytest.approx(5.0)
    assert rows[2].change["composite"] is None  # 西山 has no August figures to compare with
    assert rows[3].rates.composite is None and rows[3].band == ""


def test_a_quarter_ranking_sums_the_months_before_dividing(cast):
    _rollup(cast.east, 202607, evaluated=1, solved=0, satisfied=0)
    _rollup(cast.east, 202608, evaluated=9, solved=9, satisfied=9)
    row = ranking([cast.east], Period.parse("2026-Q3"), settings())[0]
    assert (row.counts.evaluated, row.rates.solved) == (10, pytest.approx(90.0))  # not the mean of 0 % and 100 %


def test_the_ranking_reads_the_period_rule_asked_for(cast):
    _rollup(cast.east, 202609, cases=1, evaluated=1, solved=1, satisfied=1)
    UnitRollup.objects.create(basis="resolved", month=202609, unit=cast.east, cases=1, evaluated=1)
    by_creation = ranking([cast.east], Period.parse("2026-09"), settings())[0]
    by_resolution = ranking([cast.east], Period.parse("2026-09"), settings(period_basis="resolved"))[0]
    assert (by_creation.rates.satisfied, by_resolution.rates.satisfied) == (100.0, 0.0)


def test_a_ranking_from_real_cases_goes_through_the_worker(cast, new_case):
    for score in (5, 5, 3, 1):
        rated(handled(cast, new_case(description=f"垃圾没人清运{score}")), satisfaction=score)
    measures_refresh_all()
    east, west = ranking([cast.east, cast.west], Period.parse("2026-09"), settings(basic_weight=Decimal("0.5")))
    assert (east.rates.response, east.rates.solved, east.rates.satisfied) == (100.0, 100.0, 62.5)
    assert (east.band, east.rank, west.rank, west.rates.composite) == (BAND_FAILING, 1, 2, None)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"weight_response": 20}, "weight_satisfied", "三项权重之和须为100"),
    ({"basic_weight": Decimal("1.5")}, "basic_weight", "折算系数须在0至1之间"),
    ({"basic_min_score": 5, "satisfied_min_score": 4}, "basic_min_score", "评分界限须满足 1 ≤ 基本满意 ≤ 满意 ≤ 5"),
    ({"satisfied_min_score": 6}, "basic_min_score", "评分界限须满足 1 ≤ 基本满意 ≤ 满意 ≤ 5"),
    ({"good_band": Decimal("120")}, "good_band", "红黑榜线须在0至100之间"),
    ({"failing_band": Decimal("90")}, "failing_band", "黑榜线不能高于红榜线"),
])
def test_inconsistent_definitions_are_refused_naming_the_field(changes, field, message):
    with pytest.raises(ValidationError) as refused:
        settings(**changes).clean()
    assert refused.value.message_dict[field] == [message]


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", password=PASSWORD))
    return client


def _form(**changes) -> dict:
    fields = {"period_basis": "created", "weight_response": 10, "weight_solved": 45, "weight_satisfied": 45,
              "basic_weight": "1", "satisfied_min_score": 4, "basic_min_score": 3, "band_metric": "satisfied",
              "good_band": "85", "failing_band": "75", "band_min_evaluated": 1}
    return {**fields, **changes}


def test_the_settings_page_shows_what_is_wrong_and_saves_nothing(cast, admin_client):
    MeasureSettings.current()
    page = admin_client.post(SETTINGS_PAGE, _form(weight_response=30)).content.decode()
    assert "三项权重之和须为100" in page
    assert MeasureSettings.current().weight_response == 10


def test_new_score_bands_mark_every_case_for_recounting_and_new_weights_do_not(cast, new_case, admin_client):
    case = handled(cast, new_case())
    rated(case, satisfaction=3)
    measures_refresh_all()
    MeasureSettings.current()
    assert admin_client.post(SETTINGS_PAGE, _form(weight_response=20, weight_solved=40, weight_satisfied=40)
                             ).status_code == 302
    assert not CaseMeasure.objects.filter(refresh_at__isnull=False).exists()
    assert admin_client.post(SETTINGS_PAGE, _form(satisfied_min_score=3, basic_min_score=2)).status_code == 302
    assert CaseMeasure.objects.filter(refresh_at__isnull=False).count() == 1
    measures_refresh_all()
    assert CaseMeasure.objects.get(pk=case.pk).verdict == 3  # a 3 is now 满意


def test_the_ledger_is_read_only_in_the_admin(cast, new_case, admin_client):
    handled(cast, new_case())
    measures_refresh_all()
    assert admin_client.get("/admin/analytics/casemeasure/").status_code == 200
    assert admin_client.get("/admin/analytics/unitrollup/").status_code == 200
    assert admin_client.get("/admin/analytics/casemeasure/add/").status_code == 403
    row = UnitRollup.objects.first()
    assert row is not None
    page = admin_client.post(f"/admin/analytics/unitrollup/{row.pk}/change/", {"cases": 99})
    assert page.status_code == 403 and UnitRollup.objects.get(pk=row.pk).cases != 99
