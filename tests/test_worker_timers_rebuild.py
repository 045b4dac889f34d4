"""`huying timers_rebuild` arms the timers of open cases written past the services, and the demo's generated
history comes with its timers armed."""

import io

import pytest
from django.core.management import call_command

from huying.cases.models import Case, CaseTimer
from huying.cases.timers import running_deadlines
from huying.cases.workflow import ACTIVE
from tests.test_feedback_helpers import handle_to_result


def rebuild(*args: str) -> str:
    out = io.StringIO()
    call_command("timers_rebuild", *args, stdout=out)
    return out.getvalue().strip()


def timers_of(case: Case) -> set[tuple[str, int]]:
    return set(CaseTimer.objects.filter(case=case).values_list("kind", "ref"))


@pytest.fixture
def written_in_bulk(cast, new_case):
    """Two open cases and a resolved one whose timer rows are missing, as after a bulk import."""
    opened = [new_case(), new_case(category=cast.trees, description="幸福里3号楼前的树枝挡住路灯")]
    resolved = handle_to_result(cast, new_case())
    wanted = {case.pk: timers_of(case) for case in opened}
    assert all(wanted.values()) and not timers_of(resolved)
    CaseTimer.objects.all().delete()
    return opened, wanted


def test_open_cases_get_back_exactly_the_timers_their_state_runs(written_in_bulk):
    opened, wanted = written_in_bulk
    assert rebuild("--batch", "1") == "4 timers running on 2 open cases"
    assert {case.pk: timers_of(case) for case in opened} == wanted
    assert CaseTimer.objects.filter(next_at__isnull=False).count() == 4


def test_a_second_run_keeps_the_timers_and_what_they_have_fired(written_in_bulk, clock):
    rebuild()
    fired = CaseTimer.objects.order_by("pk").first()
    assert fired is not None
    CaseTimer.objects.filter(pk=fired.pk).update(fired_through=fired.started_at)
    before = list(CaseTimer.objects.order_by("pk").values_list("pk", "next_at", "fired_through"))
    assert rebuild() == "4 timers running on 2 open cases"
    assert list(CaseTimer.objects.order_by("pk").values_list("pk", "next_at", "fired_through")) == before


def test_the_demo_history_is_loaded_with_the_timers_of_its_open_cases(db, clock):
    call_command("demo_load", cases=300, stdout=io.StringIO())
    open_cases = list(Case.objects.filter(status__in=ACTIVE).select_related("tier"))
    running = sum(len(running_deadlines(case)) for case in open_cases)
    assert running > 0 and CaseTimer.objects.count() == running
    assert not CaseTimer.objects.exclude(case__status__in=ACTIVE).exists()
