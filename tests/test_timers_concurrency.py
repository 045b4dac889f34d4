"""The worker never waits on a person: a case being changed right now is left for the next pass (PostgreSQL)."""

import threading
import time

import pytest
import time_machine
from django.db import connection, connections, transaction

from huying.cases import services as svc
from huying.cases.models import Case
from huying.timers.fire import timers_fire_due
from tests.test_timers_walk import at

pytestmark = pytest.mark.django_db(transaction=True)


def hold_case_lock(pk: int, locked: threading.Event, release: threading.Event) -> None:
    """What a person's action does first: lock the case row (case_apply's UPDATE), here held until told."""
    try:
        with transaction.atomic():
            Case.objects.select_for_update().get(pk=pk)
            locked.set()
            release.wait(timeout=20)
    finally:
        connections.close_all()


def test_a_locked_case_is_skipped_without_waiting_and_fired_on_the_next_pass(live_cast):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite has one writer at a time")
    case = svc.case_create(by=live_cast.operator, channel="hotline", request_type=live_cast.complaint,
                           category=live_cast.sanitation, description="门口垃圾没人清运", address="幸福里3号楼")
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_case_lock, args=(case.pk, locked, release))
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with time_machine.travel(at(9, 30, 12, 0), tick=False):
            started = time.monotonic()
            first = timers_fire_due()
            waited = time.monotonic() - started
            assert (first.timers, first.busy, first.steps) == (2, 2, 0)
            assert waited < 2  # it did not queue behind the lock
            release.set()
            holder.join(timeout=10)
            second = timers_fire_due()
    finally:
        release.set()
        holder.join(timeout=10)
    assert second.steps == 2  # overdue and the head's alert; the stale reminders are skipped
    assert list(case.events.filter(data__has_key="timer").values_list("action", flat=True)) == [
        "overdue", "alert_head"]
