"""Keeping the ledger: every case event marks the case's measure, the worker's pass recomputes what is marked or
due and moves the rollups by the difference; a rebuild and a recomputation from the cases agree with it, and
`huying analytics verify` says so (exit 0) or names the rows that differ (exit 1)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from huying.analytics.marks import measures_mark_all
from huying.analytics.models import CaseMeasure, UnitRollup
from huying.analytics.refresh import (
    measures_refresh,
    measures_refresh_all,
    rollups_differences,
    rollups_expected,
    rollups_rebuild,
    rollups_stored,
)
from huying.cases import services as svc
from tests.test_analytics_ledger_helpers import counters, handled, rated, rollup

SEPT = 202609


def verify(*options: str) -> str:
    out = io.StringIO()
    call_command("analytics", "verify", *options, stdout=out)
    return out.getvalue()


def test_a_case_event_marks_the_measure_and_the_worker_counts_it_once(cast, new_case):
    case = new_case()
    marked = CaseMeasure.objects.get(pk=case.pk)
    assert (marked.computed_at, marked.refresh_at) == (None, timezone.now())
    assert rollup(cast.xingfu, SEPT) == counters(cases=1)  # rollup() runs the worker's pass
    assert measures_refresh_all() == 0  # nothing left: the pending response waits for its own moment
    svc.case_accept(case=case, by=cast.community_staff)
    assert CaseMeasure.objects.get(pk=case.pk).refresh_at == timezone.now()
    assert measures_refresh_all() == 1
    assert rollup(cast.xingfu, SEPT) == counters(cases=1, response_due=1, response_on_time=1)


def test_one_pass_takes_one_batch_and_the_next_pass_the_rest(cast, new_case):
    for n in range(3):
        new_case(description=f"垃圾没人清运{n}")
    first = measures_refresh(batch=2)
    # Two cases, one delta per unit: 幸福里社区, 东湖街道, 示范区, 示范市, by creation (open cases have no
    # resolution month).
    assert (first.measures, first.rollup_rows) == (2, 4)
    assert rollup_count(cast) == 2
    assert measures_refresh(batch=2).measures == 1 and measures_refresh(batch=2).measures == 0
    assert rollup_count(cast) == 3


def rollup_count(cast) -> int:
    return UnitRollup.objects.get(unit=cast.city, month=SEPT, basis="created").cases


def test_the_rollups_equal_a_rebuild_from_the_measures_and_a_recomputation_from_the_cases(cast, new_case):
    rated(handled(cast, new_case()), satisfaction=3)
    new_case(category=cast.trees)
    svc.case_invalidate(case=new_case(description="测试来电"), by=cast.command, reason="测试")
    measures_refresh_all()
    stored = rollups_stored()
    assert stored and rollups_differences(rollups_expected(), stored) == []
    rollups_rebuild()
    assert rollups_stored() == stored


def test_verify_passes_on_good_rollups_and_exits_one_on_a_tampered_row(cast, new_case):
    handled(cast, new_case())
    assert "rollups equal a recomputation from the cases" in verify()
    UnitRollup.objects.filter(unit=cast.east, basis="created", month=SEPT).update(resolved=7)
    with pytest.raises(CommandError) as failed:
        verify()
    assert failed.value.returncode == 1 and "1 rollup rows differ" in str(failed.value)
    call_command("analytics", "rebuild", stdout=io.StringIO())
    assert "rollups equal" in verify()


def test_verify_finds_a_missing_row_and_a_row_that_should_not_exist(cast, new_case):
    handled(cast, new_case())
    measures_refresh_all()
    UnitRollup.objects.filter(unit=cast.xingfu).delete()
    UnitRollup.objects.create(basis="created", month=202601, unit=cast.west, cases=1)
    with pytest.raises(CommandError) as failed:
        verify()
    assert "3 rollup rows differ" in str(failed.value)  # 幸福里社区 twice (both rules), 西山街道 once


def test_verify_first_does_the_workers_pending_work_unless_told_not_to(cast, new_case):
    new_case()  # marked, not yet counted
    with pytest.raises(CommandError):
        verify("--no-refresh")
    assert "rollups equal" in verify()
    assert CaseMeasure.objects.get().computed_at is not None


def test_a_unit_moved_in_the_tree_takes_its_cases_to_its_new_parents(cast, new_case):
    handled(cast, new_case())
    measures_refresh_all()
    cast.xingfu.parent = cast.west  # 幸福里社区 now belongs to 西山街道
    cast.xingfu.save()
    assert CaseMeasure.objects.filter(refresh_at__isnull=False).count() == 1
    measures_refresh_all()
    assert rollup(cast.east, SEPT) == counters() and rollup(cast.west, SEPT)["cases"] == 1
    assert CaseMeasure.objects.get().handler_path == f"{cast.west.path}{cast.xingfu.pk}/"
    assert rollups_differences(rollups_expected(), rollups_stored()) == []


def test_a_renamed_unit_marks_nothing(cast, new_case):
    handled(cast, new_case())
    measures_refresh_all()
    cast.xingfu.name = "幸福里社区居委会"
    cast.xingfu.save()
    assert not CaseMeasure.objects.filter(refresh_at__isnull=False).exists()


def test_mark_all_counts_cases_loaded_without_events(cast, new_case):
    cases = [handled(cast, new_case(description=f"垃圾没人清运{n}")) for n in range(2)]
    CaseMeasure.objects.all().delete()  # as after a bulk load that wrote no events
    UnitRollup.objects.all().delete()
    assert measures_mark_all() == 2
    assert measures_refresh_all() == 2
    assert {m.pk for m in CaseMeasure.objects.filter(computed_at__isnull=False)} == {c.pk for c in cases}
    assert rollups_differences(rollups_expected(), rollups_stored()) == []


def test_the_refresh_command_and_mark_all_report_what_they_did(cast, new_case):
    new_case()
    out = io.StringIO()
    call_command("analytics", "refresh", stdout=out)
    call_command("analytics", "mark-all", stdout=out)
    assert "recomputed 1 measures" in out.getvalue() and "marked 1 cases" in out.getvalue()
