"""Whom a case counts for (考核对象): the response counters go to the unit the response deadline was given to
(响应责任单位), everything else to the unit holding the case; a case no unit holds counts for its district; imported
history counts nowhere in the rates. Small hand-made cases on the cast, frozen clock (2026-09-30 10:00 Shanghai).

The tree: 示范市 > 示范区 > 东湖街道 > 幸福里社区 > 幸福里网格1; 园林局 and the 指挥中心 sit right under 示范区.
"""

import datetime as dt
from importlib import import_module

from django.apps import apps

from huying.analytics.models import CaseMeasure, Response
from huying.analytics.refresh import (
    measures_refresh_all,
    rollups_differences,
    rollups_expected,
    rollups_rebuild,
    rollups_stored,
)
from huying.cases import services as svc
from huying.cases.models import Case, ExclusionReason
from tests.test_analytics_ledger_helpers import counters, handled, local, measure, rollup
from tests.test_import_helpers import GOOD_ROWS, csv_file, mapping_file, run_import

SEPT, MARCH = 202609, 202603


def overdue_tree_case(cast, new_case, clock) -> Case:
    """A tree matter for 园林局 (tier C: respond within 1 working day, by 10-08 10:00), left unanswered past it."""
    case = new_case(category=cast.trees)
    assert (case.response_unit, case.response_due_at) == (cast.parks, local(2026, 10, 8, 10))
    clock.move_to(local(2026, 10, 8, 11))
    assert measure(case).response == Response.MISSED
    return case


def test_a_missed_response_stays_with_the_department_that_missed_it_when_it_escalates(cast, new_case, clock):
    case = overdue_tree_case(cast, new_case, clock)
    svc.case_escalate(case=case, by=cast.parks_handler, reason="需指挥中心协调")
    case.refresh_from_db()
    assert (case.current_unit, case.response_unit) == (cast.centre, cast.parks)
    m = measure(case)
    assert (m.handler_id, m.response, m.response_path) == (cast.centre.pk, Response.MISSED, cast.parks.path)
    assert rollup(cast.parks, SEPT) == counters(response_due=1)  # the miss, and no case of its own any more
    assert rollup(cast.centre, SEPT) == counters(cases=1)  # the case, not the miss it inherited
    assert rollup(cast.district, SEPT) == counters(cases=1, response_due=1)  # above both: counted once


def test_signing_for_an_escalated_case_late_is_a_late_response_of_the_unit_that_had_the_deadline(cast, new_case,
                                                                                              clock):
    case = overdue_tree_case(cast, new_case, clock)
    svc.case_escalate(case=case, by=cast.parks_handler, reason="需指挥中心协调")
    svc.case_accept(case=case, by=cast.command)
    assert measure(case).response == Response.LATE
    assert rollup(cast.parks, SEPT) == counters(response_due=1)
    assert rollup(cast.centre, SEPT) == counters(cases=1)


def test_a_community_that_signed_in_time_keeps_its_on_time_response_after_escalating(cast, new_case):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_escalate(case=case, by=cast.community_staff, reason="需街道协调物业")
    assert measure(case).response_path == cast.xingfu.path
    assert rollup(cast.xingfu, SEPT) == counters(response_due=1, response_on_time=1)
    assert rollup(cast.east, SEPT) == counters(cases=1, response_due=1, response_on_time=1)


def test_a_redispatch_gives_the_new_unit_the_response_and_the_earlier_miss_is_not_kept(cast, new_case, clock):
    # The known limit, pinned: a re-dispatch (改派) restarts the response for the new unit.
    case = overdue_tree_case(cast, new_case, clock)
    svc.case_dispatch(case=case, to=cast.xingfu, by=cast.operator, reason="属社区环境", tier=cast.tier_a2)
    case.refresh_from_db()
    assert case.response_unit == cast.xingfu
    assert measure(case).response == Response.PENDING
    assert rollup(cast.parks, SEPT) == counters()
    assert rollup(cast.xingfu, SEPT) == counters(cases=1)


def test_an_automatic_escalation_gives_the_unit_above_a_new_response_deadline(cast, new_case, clock):
    case = new_case()
    clock.move_to(local(2026, 9, 30, 13))
    svc.case_auto_escalate(case=case, key="response:escalate:0", tier=None, data={})
    case.refresh_from_db()
    assert (case.current_unit, case.response_unit) == (cast.east, cast.east)
    assert case.response_due_at == local(2026, 9, 30, 15)
    assert measure(case).response == Response.PENDING  # the community's miss is not kept (known limit)
    assert rollup(cast.xingfu, SEPT) == counters()


def test_a_returned_case_hands_the_awaited_response_to_the_unit_it_goes_back_to(cast, new_case, clock):
    case = new_case(category=cast.trees)
    clock.shift(dt.timedelta(minutes=30))
    svc.case_return(case=case, by=cast.parks_handler, reason="该事项不属于本单位职责范围")
    case.refresh_from_db()
    assert (case.current_unit, case.response_unit) == (cast.centre, cast.centre)
    clock.move_to(local(2026, 10, 8, 11))
    assert rollup(cast.parks, SEPT) == counters()
    assert rollup(cast.centre, SEPT) == counters(cases=1, response_due=1)


def test_an_upper_platforms_deadline_belongs_to_the_unit_the_case_is_dispatched_to(cast, new_case):
    due = local(2026, 9, 30, 11)
    case = new_case(category=cast.trees, channel="upstream", upstream_source="city12345", upstream_id="SJ-1",
                    due_overrides={"response_due_at": due})
    assert (case.response_due_at, case.response_unit, case.current_unit) == (due, cast.parks, cast.parks)


def test_a_case_the_hotline_answered_itself_counts_for_the_district_not_the_grid_of_its_place(cast, new_case):
    case = new_case(request_type=cast.consult, category=None, auto_route=False, description="请问垃圾几点清运")
    assert case.grid == cast.grid1 and case.current_unit is None
    svc.case_resolve(case=case, by=cast.operator, result="每天早上七点")
    assert measure(case).handler_id == cast.district.pk
    for unit in (cast.grid1, cast.xingfu, cast.east, cast.centre):
        assert rollup(unit, SEPT) == counters()
    assert rollup(cast.district, SEPT) == rollup(cast.city, SEPT) == counters(cases=1, resolved=1)


def test_a_case_with_neither_a_unit_nor_a_place_counts_nowhere(cast, new_case):
    case = new_case(request_type=cast.consult, category=None, auto_route=False, address="", description="咨询政策")
    assert (case.current_unit, case.district) == (None, None)
    assert measure(case).handler_id is None
    assert rollups_stored() == {}


def test_imported_history_is_counted_apart_and_never_as_a_missed_response(cast, tmp_path, clock):
    run_import(csv_file(tmp_path, GOOD_ROWS[:2]), mapping_file(tmp_path))
    imported = list(Case.objects.all())
    assert {(c.channel, c.created_at.month) for c in imported} == {("import", 3)}
    clock.move_to(local(2026, 10, 9))  # every deadline set at the import has passed
    measures_refresh_all()
    assert {m.exclusion for m in CaseMeasure.objects.all()} == {ExclusionReason.IMPORTED}
    assert rollup(cast.xingfu, MARCH) == counters(excluded=1)
    assert rollup(cast.district, MARCH) == counters(excluded=2)
    assert rollup(cast.district, SEPT) == counters()
    assert ExclusionReason(ExclusionReason.IMPORTED).label == "历史导入"  # what the case page and the lists show


def test_a_case_the_importer_made_on_another_channel_is_imported_history_too(cast, new_case):
    case = new_case(channel="hotline", upstream_source="import:hotline-2025", upstream_id="GD-9")
    handled(cast, case)
    assert measure(case).exclusion == ExclusionReason.IMPORTED
    assert rollup(cast.xingfu, SEPT) == counters(excluded=1)


def test_existing_cases_get_their_current_unit_as_response_unit_and_measures_come_out_as_they_went_in(
        cast, new_case, clock):
    cases_fill = import_module("huying.cases.migrations.0009_case_response_unit").fill
    measures_fill = import_module("huying.analytics.migrations.0005_measure_response_path").fill
    case, consult = new_case(category=cast.trees), new_case(request_type=cast.consult, category=None,
                                                            auto_route=False, description="咨询政策")
    svc.case_accept(case=case, by=cast.parks_handler)
    svc.case_escalate(case=case, by=cast.parks_handler, reason="需指挥中心协调")
    measures_refresh_all()
    # As before the change: no response unit, and measures that sent everything to their handler.
    Case.objects.update(response_unit=None)
    CaseMeasure.objects.update(response_path="")
    rollups_rebuild()
    cases_fill(apps, None)
    assert dict(Case.objects.values_list("pk", "response_unit")) == {case.pk: cast.centre.pk, consult.pk: None}
    measures_fill(apps, None)
    assert CaseMeasure.objects.get(pk=case.pk).response_path == cast.centre.path
    assert CaseMeasure.objects.filter(refresh_at__isnull=True).count() == 0  # all marked for the worker
    # Stored rollups still hold the old contributions; the worker's pass moves them to the rule of today.
    measures_refresh_all()
    assert rollups_differences(rollups_expected(), rollups_stored()) == []


def test_moving_the_unit_that_had_the_response_moves_the_response_counters_with_it(cast, new_case):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_escalate(case=case, by=cast.community_staff, reason="需街道协调物业")
    measures_refresh_all()
    cast.xingfu.refresh_from_db()
    cast.xingfu.parent = cast.west
    cast.xingfu.save()
    measures_refresh_all()
    assert rollups_differences(rollups_expected(), rollups_stored()) == []
    assert rollup(cast.west, SEPT) == counters(response_due=1, response_on_time=1)
