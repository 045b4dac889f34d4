"""The wall screen's three rates and score are the ledger's (考核台账) for this month, worked out by hand on a small
September (clock: Wed 2026-09-30 10:00): call-backs and 基本满意 count, exclusions and proactive cases do not."""

from decimal import Decimal

import pytest

from huying.analytics.models import MeasureSettings
from huying.analytics.rates import Period, counts_by_unit, rates_of
from huying.analytics.refresh import measures_refresh_all
from huying.cases import services as svc
from huying.feedback.services import callback_record
from huying.org.models import User
from huying.workbench.screen.board import board
from tests.cast import FROZEN_NOW
from tests.test_analytics_ledger_helpers import handled, local, rated
from tests.test_work_map_scope import elsewhere  # noqa: F401  (fixture: a second district with a grid)


@pytest.fixture
def september(cast, clock, new_case, elsewhere):  # noqa: F811
    """Sanitation cases (A2 → 幸福里社区, respond within 2 h); each comment says how it counts."""
    made = {}
    clock.move_to(local(2026, 9, 1, 9))
    made["satisfied"] = new_case(description="按时签收，居民评价满意")  # on time; solved, satisfied
    made["basic"] = new_case(description="超时签收，回访基本满意")  # late (12:00 > 11:00); solved, 基本满意
    clock.move_to(local(2026, 9, 1, 10))
    handled(cast, made["satisfied"])
    rated(made["satisfied"], satisfaction=5)
    clock.move_to(local(2026, 9, 1, 12))
    handled(cast, made["basic"])
    callback_record(case=made["basic"], by=cast.operator, reached=True, solved=True, satisfaction="basic")
    clock.move_to(local(2026, 9, 2, 9))
    made["unsolved"] = new_case(description="按时签收，居民评价未解决")  # on time; not solved, unsatisfied
    clock.move_to(local(2026, 9, 2, 10))
    handled(cast, made["unsolved"])
    rated(made["unsolved"], satisfaction=1, solved=False)
    clock.move_to(local(2026, 9, 3, 9))
    made["excluded"] = new_case(description="恶意来电")  # handled late and rated badly, then excluded: nowhere
    clock.move_to(local(2026, 9, 3, 15))
    handled(cast, made["excluded"])
    rated(made["excluded"], satisfaction=1, solved=False)  # reopens it (重办)
    made["excluded"].refresh_from_db()
    svc.case_request_exclusion(case=made["excluded"], by=cast.community_staff, reason="malicious",
                               note="同一号码反复来电辱骂，经核实无具体诉求")
    svc.case_decide_exclusion(case=made["excluded"], by=cast.command, approve=True, note="同意核减")
    made["proactive"] = new_case(by=cast.grid_worker, channel="patrol", proactive=True)  # counted apart
    clock.move_to(local(2026, 9, 29, 9))
    made["missed"] = new_case(description="超过响应时限无人签收")  # response due 9/29 11:00: missed
    clock.move_to(local(2026, 9, 30, 9, 30))
    made["pending"] = new_case(description="今天的新诉求")  # response due 11:30: pending, counts nowhere yet
    made["elsewhere"] = new_case(description="别区的诉求", address="", lat=31.005, lon=115.005)
    clock.move_to(FROZEN_NOW)
    measures_refresh_all()  # the worker's pass: the rollups move only then
    return made


def configure(**changes) -> None:
    """The administrator changes the definitions (考核口径); weights and the period rule apply at once."""
    settings = MeasureSettings.current()
    for name, value in changes.items():
        setattr(settings, name, value)
    settings.save()


def test_the_screen_shows_the_ledgers_rates_for_this_month(cast, september):
    rates = board(cast.centre.scope_path(), FROZEN_NOW)["rates"]
    # Response: satisfied and unsolved on time, basic late, missed past its deadline → 2/4; pending, the excluded
    # and the proactive case do not count.
    assert (rates["response"]["numerator"], rates["response"]["denominator"], rates["response"]["text"]) == (
        2, 4, "50.0%")
    # Solved: of the three evaluated (the call-back counts), two said solved → 2/3 — not "resolved ÷ due".
    assert (rates["solved"]["numerator"], rates["solved"]["denominator"], rates["solved"]["text"]) == (
        2, 3, "66.7%")
    # Satisfied: one satisfied plus one 基本满意 at the default weight 1 → 2/3.
    assert (rates["satisfied"]["numerator"], rates["satisfied"]["text"]) == (2, "66.7%")
    # Composite: 10 × 50 % + 45 × 66.7 % + 45 × 66.7 %.
    assert rates["composite"]["value"] == pytest.approx(65.0) and rates["composite"]["text"] == "65.0"
    assert rates["period"] == {"value": "2026-09", "text": "2026-09 · 按受理时间统计"}


def test_the_screen_and_the_rates_pages_read_the_same_numbers(cast, september):
    settings = MeasureSettings.current()
    counts = counts_by_unit([cast.district.pk], Period.parse("2026-09"), settings.period_basis)[cast.district.pk]
    ledger = rates_of(counts, settings)
    rates = board(cast.centre.scope_path(), FROZEN_NOW)["rates"]
    assert [rates[name]["value"] for name in ("response", "solved", "satisfied", "composite")] == [
        ledger.response, ledger.solved, ledger.satisfied, ledger.composite]


def test_basically_satisfied_counts_by_the_configured_weight(cast, september):
    configure(basic_weight=Decimal("0.5"))
    rates = board(cast.centre.scope_path(), FROZEN_NOW)["rates"]
    assert (rates["satisfied"]["numerator"], rates["satisfied"]["denominator"]) == (1.5, 3)
    assert rates["satisfied"]["text"] == "50.0%"


def test_the_period_rule_in_force_labels_and_selects_the_figures(cast, september):
    configure(period_basis="resolved")
    rates = board(cast.centre.scope_path(), FROZEN_NOW)["rates"]
    assert rates["period"]["text"] == "2026-09 · 按办结时间统计"
    # By resolution only the resolved cases count: satisfied (on time) and basic (late). The unsolved one was
    # reopened by its "not solved" rating and the missed one was never resolved.
    assert (rates["response"]["numerator"], rates["response"]["denominator"]) == (1, 2)


def test_a_street_sees_its_own_rates_and_another_district_none_of_ours(cast, september, elsewhere):  # noqa: F811
    east = board(cast.east.path, FROZEN_NOW)["rates"]
    assert east["solved"]["denominator"] == 3  # every evaluated case was the 幸福里 community's, inside 东湖街道
    theirs = board(elsewhere.parent.parent.parent.path, FROZEN_NOW)["rates"]
    assert theirs["response"]["denominator"] == 0 and theirs["composite"]["text"] == "—"


def test_a_superuser_without_a_unit_sees_the_sum_of_every_top_unit(cast, september):
    everywhere = board("", FROZEN_NOW)["rates"]
    assert (everywhere["response"]["numerator"], everywhere["response"]["denominator"]) == (2, 4)
    assert everywhere["solved"]["denominator"] == 3


def test_the_rates_stay_as_they_were_until_the_worker_has_run(cast, september, new_case, clock):
    clock.move_to(local(2026, 9, 30, 9, 45))
    rated(handled(cast, new_case(description="刚办结并评价")), satisfaction=5)
    clock.move_to(FROZEN_NOW)
    assert board(cast.centre.scope_path(), FROZEN_NOW)["rates"]["solved"]["denominator"] == 3
    measures_refresh_all()
    assert board(cast.centre.scope_path(), FROZEN_NOW)["rates"]["solved"]["denominator"] == 4


def test_the_screen_shows_the_current_month_not_the_last(cast, september, clock):
    october = local(2026, 10, 1, 8)
    clock.move_to(october)
    rates = board(cast.centre.scope_path(), october)["rates"]
    assert rates["period"]["value"] == "2026-10" and rates["response"]["denominator"] == 0
    assert {rates[name]["text"] for name in ("response", "solved", "satisfied", "composite")} == {"—"}


def test_the_rates_are_read_from_the_rollups_in_a_fixed_number_of_queries(cast, september,
                                                                          django_assert_num_queries):
    from huying.workbench.screen.stats import ledger_rates

    with django_assert_num_queries(3):  # the settings, the scope unit, its rollup rows
        ledger_rates(cast.centre.scope_path(), FROZEN_NOW)


def test_a_superuser_is_shown_the_rates_on_the_page(client, cast, september):
    admin = User.objects.create_superuser(username="root", password="x")
    client.force_login(admin)
    page = client.get("/work/screen/").content.decode()
    assert 'data-rate="solved">66.7%<' in page and 'data-rate="composite">65.0<' in page
    assert 'data-rate="period">2026-09 · 按受理时间统计<' in page
