"""The cases behind a number (考核明细): each count on the rates pages opens a list of exactly that many cases, and
a unit sees only its own subtree's cases."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.analytics.models import UnitRollup
from huying.analytics.rates import Period, counts_by_unit
from huying.analytics.refresh import measures_refresh_all
from huying.analytics.selectors import METRICS
from huying.analytics.views.figures import count_of
from huying.cases import services as svc
from huying.feedback.models import FeedbackPolicy, ReopenRule
from huying.feedback.services import callback_record, rating_create
from huying.org.models import Role, User
from tests.cast import FROZEN_NOW

SEPTEMBER = "2026-09"
RESULT = "已处理完毕，已回复诉求人"


def handled(cast, case, by=None, *, rating: tuple[int, bool] | None = None, callback: tuple[str, bool] | None = None):
    """Signed for and resolved by its unit; then rated by the resident and/or called back by the operator."""
    by = by or cast.community_staff
    svc.case_accept(case=case, by=by)
    svc.case_resolve(case=case, by=by, result=RESULT)
    if rating is not None:
        rating_create(case=case, responsiveness=5, completion=5, satisfaction=rating[0], solved=rating[1])
    if callback is not None:
        callback_record(case=case, by=cast.operator, reached=True, satisfaction=callback[0], solved=callback[1])
    return case


def taoyuan_staff(cast) -> User:
    return User.objects.create(username="taoyuan", unit=cast.taoyuan, role=Role.COMMUNITY_STAFF)


def west_case(new_case):
    """A web report inside 桃园网格1 (西山街道), found by its point."""
    return new_case(channel="web", description="桃园小区垃圾没人清运", address="", lat=30.705, lon=114.405)


def september(cast, new_case, clock) -> dict:
    """A month of cases on 30 September 2026: every kind of count appears at least once in 东湖街道."""
    FeedbackPolicy.objects.update_or_create(pk=1, defaults={"reopen_on_not_solved": ReopenRule.NEVER})
    made = {
        "satisfied": handled(cast, new_case(), rating=(5, True)),
        "unsatisfied": handled(cast, new_case(), callback=("unsatisfied", False)),
        "missed": new_case(),  # nobody signs for it: its 2-hour response deadline passes
    }
    late = new_case()
    excluded = new_case()
    svc.case_request_exclusion(case=excluded, by=cast.community_staff, reason="out_of_jurisdiction",
                               note="不属于本社区管辖")
    svc.case_decide_exclusion(case=excluded, by=cast.command, approve=True)
    made["excluded"] = excluded
    made["proactive"] = new_case(by=cast.grid_worker, channel="patrol", proactive=True)
    made["west"] = handled(cast, west_case(new_case), taoyuan_staff(cast), rating=(5, True))
    made["parks"] = handled(cast, new_case(category=cast.trees, description="树枝压住电线"), cast.parks_handler,
                            rating=(2, False))
    clock.shift(dt.timedelta(hours=3))  # 13:00: past the 2-hour response deadline of the A2 cases
    made["late"] = handled(cast, late, callback=("basic", True))
    clock.shift(dt.timedelta(hours=10))  # 23:00, still 30 September
    measures_refresh_all()
    return made


def drill(client, unit, metric: str, period: str = SEPTEMBER, **extra) -> str:
    response = client.get("/work/rates/cases/", {"unit": unit.pk, "period": period, "metric": metric, **extra})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def drill_count(html: str) -> int:
    return int(re.search(r'id="drill-count">(\d+)<', html).group(1))


def numbers(html: str) -> list[str]:
    return re.findall(r'href="/work/cases/(HY\d+)/"', html)


def test_every_metric_lists_as_many_cases_as_its_number(client, cast, new_case, clock):
    september(cast, new_case, clock)
    client.force_login(cast.command)
    period = Period.parse(SEPTEMBER)
    for unit in (cast.xingfu, cast.east, cast.district, cast.parks):
        counts = counts_by_unit([unit.pk], period, "created")[unit.pk]
        for metric in METRICS:
            html = drill(client, unit, metric)
            expected = count_of(counts, metric)
            assert drill_count(html) == expected == len(numbers(html)), (unit.name, metric)


def test_the_numbers_of_east_street_are_the_cases_it_handled(client, cast, new_case, clock):
    made = september(cast, new_case, clock)
    client.force_login(cast.street_dispatcher)
    expected = {"cases": 4, "response_due": 4, "response_on_time": 2, "response_missed": 2, "evaluated": 3,
                "solved": 2, "not_solved": 1, "satisfied": 1, "basic": 1, "unsatisfied": 1, "excluded": 1,
                "proactive": 1, "resolved": 3}
    got = {metric: drill_count(drill(client, cast.east, metric)) for metric in expected}
    assert got == expected
    assert numbers(drill(client, cast.east, "response_missed")) == sorted(
        [made["late"].number, made["missed"].number], reverse=True)
    assert numbers(drill(client, cast.east, "unsatisfied")) == [made["unsatisfied"].number]
    assert made["west"].number not in drill(client, cast.east, "cases")


def test_the_drill_down_follows_the_period_rule_by_resolution(client, cast, new_case, clock):
    clock.move_to(dt.datetime(2026, 8, 31, 20, 0, tzinfo=FROZEN_NOW.tzinfo))
    case = new_case()
    clock.move_to(dt.datetime(2026, 9, 1, 9, 0, tzinfo=FROZEN_NOW.tzinfo))
    handled(cast, case)
    measures_refresh_all()
    client.force_login(cast.street_dispatcher)
    assert drill_count(drill(client, cast.east, "cases", "2026-08", basis="created")) == 1
    assert drill_count(drill(client, cast.east, "cases", "2026-08", basis="resolved")) == 0
    assert numbers(drill(client, cast.east, "cases", "2026-09", basis="resolved")) == [case.number]
    assert drill_count(drill(client, cast.east, "cases", "2026-Q3", basis="resolved")) == 1


def test_a_street_sees_its_own_drill_down_but_not_another_streets(client, cast, new_case, clock):
    september(cast, new_case, clock)
    client.force_login(cast.outsider)  # the dispatcher of 西山街道
    assert drill_count(drill(client, cast.west, "cases")) == 1
    response = client.get("/work/rates/cases/", {"unit": cast.east.pk, "period": SEPTEMBER})
    assert response.status_code == 403
    assert client.get("/work/rates/cases/", {"unit": cast.district.pk}).status_code == 403
    assert client.get("/work/rates/cases/", {"unit": cast.parks.pk}).status_code == 403


def test_a_department_sees_only_its_own_cases(client, cast, new_case, clock):
    made = september(cast, new_case, clock)
    client.force_login(cast.parks_handler)
    assert numbers(drill(client, cast.parks, "cases")) == [made["parks"].number]
    assert client.get("/work/rates/cases/", {"unit": cast.east.pk}).status_code == 403
    assert client.get("/work/rates/cases/", {"unit": cast.water.pk}).status_code == 403


@pytest.mark.parametrize("unit", ["abc", "12x", "-3"])
def test_an_unreadable_unit_falls_back_to_the_viewers_own_with_a_notice(client, cast, new_case, clock, unit):
    september(cast, new_case, clock)
    client.force_login(cast.street_dispatcher)
    html = client.get("/work/rates/cases/", {"unit": unit, "period": SEPTEMBER}).content.decode()
    assert "单位：无法识别" in html
    assert drill_count(html) == 4  # 东湖街道's counted cases


def test_an_unknown_unit_is_not_found(client, cast):
    client.force_login(cast.command)
    assert client.get("/work/rates/cases/", {"unit": 987654}).status_code == 404


def test_an_unknown_metric_falls_back_to_all_counted_cases_with_a_notice(client, cast, new_case, clock):
    september(cast, new_case, clock)
    client.force_login(cast.street_dispatcher)
    html = drill(client, cast.east, "everything")
    assert "指标：无法识别“everything”" in html and drill_count(html) == 4


def test_without_a_unit_the_drill_down_is_the_viewers_own(client, cast, new_case, clock):
    september(cast, new_case, clock)
    client.force_login(cast.community_staff)
    html = client.get("/work/rates/cases/", {"period": SEPTEMBER, "metric": "cases"}).content.decode()
    assert "幸福里社区" in html and drill_count(html) == 4


def test_the_drill_down_pages_fifty_cases_at_a_time(client, cast, new_case, clock):
    for _ in range(53):
        new_case()
    measures_refresh_all()
    client.force_login(cast.community_staff)
    first = drill(client, cast.xingfu, "cases")
    assert drill_count(first) == 53 and len(numbers(first)) == 50 and "第 1 页，共 2 页" in first
    second = drill(client, cast.xingfu, "cases", page="2")
    assert len(numbers(second)) == 3 and not set(numbers(first)) & set(numbers(second))
    assert len(numbers(drill(client, cast.xingfu, "cases", page="x"))) == 50  # an unreadable page: the first


def test_the_drill_down_costs_the_same_queries_for_few_or_many_cases(client, cast, new_case, clock):
    client.force_login(cast.command)
    new_case()
    measures_refresh_all()
    with CaptureQueriesContext(connection) as few:
        drill(client, cast.district, "cases")
    for _ in range(12):
        handled(cast, new_case(), rating=(4, True))
    measures_refresh_all()
    with CaptureQueriesContext(connection) as many:
        html = drill(client, cast.district, "cases")
    assert drill_count(html) == 13
    assert len(many.captured_queries) == len(few.captured_queries) <= 12


def test_the_rollups_the_pages_read_are_the_ones_the_worker_keeps(cast, new_case, clock):
    new_case()
    assert not UnitRollup.objects.exists()  # nothing counts until the worker's step has run
    measures_refresh_all()
    assert UnitRollup.objects.filter(unit=cast.east, month=202609, basis="created").get().cases == 1
