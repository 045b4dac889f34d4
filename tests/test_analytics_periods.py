"""Which month a case counts in (by creation or by resolution, in Asia/Shanghai time), and the periods the rates
are read over: months, quarters and years, and the period before."""

import pytest
from django.utils import timezone

from huying.analytics.models import CaseMeasure
from huying.analytics.rates import MONTH, QUARTER, YEAR, Period, PeriodError, counts_by_unit
from huying.analytics.refresh import measures_refresh_all
from huying.cases import services as svc
from huying.lib.errors import InvalidInput
from tests.test_analytics_ledger_helpers import counters, handled, local, measure, rated, rollup

SEPT, OCT = 202609, 202610


def test_a_case_created_late_on_the_last_evening_of_a_month_counts_in_that_month(cast, new_case, clock):
    clock.move_to(local(2026, 9, 30, 23, 30))
    evening = new_case()
    clock.move_to(local(2026, 10, 1, 0, 30))  # still 2026-09-30 in UTC
    night = new_case()
    assert (measure(evening).created_month, measure(night).created_month) == (SEPT, OCT)
    assert rollup(cast.xingfu, SEPT)["cases"] == 1 and rollup(cast.xingfu, OCT)["cases"] == 1


def test_the_month_is_read_in_the_configured_zone_whatever_zone_is_active(cast, new_case, clock):
    clock.move_to(local(2026, 10, 1, 0, 30))
    case = new_case()
    with timezone.override("UTC"):  # a request may have activated a user's own zone
        measures_refresh_all()
    assert CaseMeasure.objects.get(pk=case.pk).created_month == OCT


def test_a_case_resolved_the_next_month_counts_in_each_month_by_its_own_rule(cast, new_case, clock):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    clock.move_to(local(2026, 10, 8, 9))
    svc.case_resolve(case=case, by=cast.community_staff, result="已清运")
    m = measure(case)
    assert (m.created_month, m.resolved_month) == (SEPT, OCT)
    row = counters(cases=1, response_due=1, response_on_time=1, resolved=1, resolved_on_time=1)
    assert rollup(cast.xingfu, SEPT, "created") == row and rollup(cast.xingfu, OCT, "created") == counters()
    assert rollup(cast.xingfu, OCT, "resolved") == row and rollup(cast.xingfu, SEPT, "resolved") == counters()


def test_an_open_case_counts_by_creation_only(cast, new_case):
    new_case()
    assert rollup(cast.xingfu, SEPT, "created")["cases"] == 1
    measures_refresh_all()
    assert not CaseMeasure.objects.filter(resolved_month__isnull=False).exists()


def test_a_reopened_case_leaves_the_resolved_month_and_counts_in_the_month_it_is_resolved_again(cast, new_case,
                                                                                                  clock):
    case = handled(cast, new_case())
    assert rollup(cast.xingfu, SEPT, "resolved")["resolved"] == 1
    rated(case, satisfaction=1, solved=False)  # not solved: reopened by the default rule
    case.refresh_from_db()
    assert rollup(cast.xingfu, SEPT, "resolved") == counters()
    assert rollup(cast.xingfu, SEPT, "created")["evaluated"] == 1
    clock.move_to(local(2026, 10, 8, 9))  # within the reopened round's completion deadline (10-08 10:00)
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_resolve(case=case, by=cast.community_staff, result="已彻底清运")
    assert measure(case).resolved_month == OCT
    # Its last verdict (not solved, unsatisfied) goes with it until the resident rates the new round.
    assert rollup(cast.xingfu, OCT, "resolved") == counters(cases=1, response_due=1, response_on_time=1, resolved=1,
                                                            resolved_on_time=1, evaluated=1)
    assert rollup(cast.xingfu, SEPT, "resolved") == counters()


@pytest.mark.parametrize(("text", "period"), [
    ("2026-03", Period(MONTH, 2026, 3)), ("2026-3", Period(MONTH, 2026, 3)), (" 2026-12 ", Period(MONTH, 2026, 12)),
    ("2026-Q1", Period(QUARTER, 2026, 1)), ("2026-q4", Period(QUARTER, 2026, 4)), ("2026", Period(YEAR, 2026)),
])
def test_a_period_is_read_from_its_short_form(text, period):
    assert Period.parse(text) == period and Period.parse(str(period)) == period


@pytest.mark.parametrize("text", ["", "26-03", "2026-13", "2026-00", "2026-Q0", "2026-Q5", "2026-", "2026-03-01",
                                  "０２６-03", "2026-²", "1899", "abcd", "2026Q1", "2026-Q"])
def test_an_unreadable_period_is_refused_naming_the_field_in_chinese(text):
    with pytest.raises(PeriodError) as refused:
        Period.parse(text)
    assert isinstance(refused.value, InvalidInput) and isinstance(refused.value, ValueError)
    assert refused.value.field == "period" and "统计周期" in str(refused.value.message)


def test_each_period_knows_its_months_its_days_and_the_period_before():
    march, q1, year = Period.parse("2026-03"), Period.parse("2026-Q1"), Period.parse("2026")
    assert (march.months(), q1.months(), year.months()[::11]) == ([202603], [202601, 202602, 202603],
                                                                  [202601, 202612])
    assert (str(Period.parse("2026-01").previous()), str(q1.previous()), str(year.previous())) == (
        "2025-12", "2025-Q4", "2025")
    assert (str(march.previous()), str(Period.parse("2026-Q3").previous())) == ("2026-02", "2026-Q2")
    assert (q1.first_day().isoformat(), q1.end_day().isoformat()) == ("2026-01-01", "2026-04-01")
    assert Period.parse("2026-12").end_day().isoformat() == "2027-01-01"


def test_a_quarter_and_a_year_sum_their_months(cast, new_case, clock):
    handled(cast, new_case())  # September: Q3
    clock.move_to(local(2026, 10, 9, 10))
    rated(handled(cast, new_case()))  # October: Q4
    measures_refresh_all()
    by = {str(p): counts_by_unit([cast.east.pk], p, "created")[cast.east.pk]
          for p in (Period.parse("2026-Q3"), Period.parse("2026-Q4"), Period.parse("2026"), Period.parse("2025"))}
    assert (by["2026-Q3"].cases, by["2026-Q3"].evaluated) == (1, 0)
    assert (by["2026-Q4"].cases, by["2026-Q4"].evaluated) == (1, 1)
    assert (by["2026"].cases, by["2026"].evaluated, by["2026"].resolved) == (2, 1, 2)
    assert by["2025"].cases == 0
