"""`huying demo_load` comes with ratings, call-backs and exclusions in its history, and with the three rates' ledger
already computed: the rates pages show real numbers straight after the load."""

from collections import defaultdict

import pytest
from django.core.management import call_command

from huying.analytics.models import CaseMeasure, MeasureSettings
from huying.analytics.rates import Period, counts_by_unit, rates_of
from huying.analytics.refresh import rollups_differences, rollups_expected, rollups_stored
from huying.cases.models import Case, CaseEvent
from huying.feedback.models import CallBack, Rating
from huying.org.models import Unit, UnitKind

CASES = 300


@pytest.fixture
def district(db, clock):
    call_command("demo_load", cases=CASES, stdout=None)
    return Unit.objects.get(kind=UnitKind.DISTRICT, code="420102000000000")


def test_the_history_has_resident_ratings_and_call_backs_on_resolved_rounds(district):
    resolved = Case.objects.filter(resolved_at__isnull=False).count()
    assert Rating.objects.count() > resolved * 0.2
    assert CallBack.objects.filter(reached=True).count() > resolved * 0.6
    assert CallBack.objects.filter(reached=False).exists()
    events = CaseEvent.objects.filter(action__in=["rate", "callback"]).count()
    assert events == Rating.objects.count() + CallBack.objects.count()


def test_every_reopen_follows_an_answer_that_said_not_solved(district):
    said = defaultdict(list)
    for event in CaseEvent.objects.filter(action__in=["rate", "callback", "reopen"]).order_by("created_at", "id"):
        said[event.case_id].append(event)
    reopens = 0
    for events in said.values():
        for before, event in zip(events, events[1:], strict=False):
            if event.action == "reopen":
                reopens += 1
                assert before.action in ("rate", "callback") and before.data["solved"] is False
                assert event.data["after"] == ("resident" if before.action == "rate" else "callback")
    assert reopens > 0


def test_the_ledger_is_computed_and_equals_a_recomputation_from_the_cases(district):
    assert CaseMeasure.objects.filter(computed_at__isnull=False).count() == Case.objects.count() == CASES
    assert CaseMeasure.objects.exclude(exclusion="").exists()  # invalid, merged and approved exclusions
    assert Case.objects.exclude(exclusion="").exists()
    assert rollups_differences(rollups_expected(), rollups_stored()) == []


def test_the_streets_satisfaction_differs_enough_for_red_and_black_lists(db, clock):
    call_command("demo_load", cases=1500, stdout=None)  # enough ratings per street for the shares to show
    settings = MeasureSettings.current()
    streets = list(Unit.objects.filter(kind=UnitKind.STREET))
    counts = counts_by_unit([s.pk for s in streets], Period.parse("2026"), settings.period_basis)
    satisfied = sorted(rates_of(c, settings).satisfied for c in counts.values())
    assert satisfied[-1] >= float(settings.good_band) and satisfied[0] < float(settings.failing_band)


def test_the_rates_pages_show_real_numbers_after_the_load(client, district):
    from huying.org.models import User

    client.force_login(User.objects.get(username="command"))
    html = client.get("/work/rates/ranking/", {"kind": "street", "period": "2026-Q3"}).content.decode()
    assert html.count('<tr data-unit="') == 3
    assert 'data-rate="satisfied">—' not in html
    assert "本期无单位上红榜" not in html or "本期无单位上黑榜" not in html
