"""Real `huying worker` processes on PostgreSQL: two at once, or one killed mid-run, still act on every due
reminder exactly once — one event per step, one message per step and channel."""

import os
import signal
import time

import pytest
from django.db import connection

from huying.cases.models import CaseTimer
from tests.cast import build_cast
from tests.test_worker_helpers import (
    STEPS_PER_CASE,
    assert_each_reminder_once,
    due_cases,
    remind_policy,
    reminders_done,
    steps_reported,
    worker_finish,
    worker_start,
)

pytestmark = pytest.mark.django_db(transaction=True)

CASES = 1000
TOTAL = CASES * STEPS_PER_CASE


@pytest.fixture
def thousand_due():
    """1,000 cases with their reminders due, committed for the worker processes to see (real time, no freeze)."""
    if connection.vendor != "postgresql":
        pytest.skip("several worker processes at once need PostgreSQL (row locks with SKIP LOCKED); "
                    "SQLite serialises writers, and its claim is covered in-process")
    remind_policy()
    due_cases(build_cast(), CASES)
    assert reminders_done() == 0


def test_two_workers_send_each_reminder_exactly_once(thousand_due):
    first, second = (worker_start("--duties", "timers", "--until-idle", "--batch", "10") for _ in range(2))
    outputs = [worker_finish(first), worker_finish(second)]
    assert_each_reminder_once(CASES)
    split = [steps_reported(out) for out in outputs]
    print(f"\nsteps acted on by each worker: {split}")  # the share varies from run to run; the sum may not
    assert sum(split) == TOTAL


def test_a_worker_killed_mid_run_loses_and_doubles_nothing_once_another_has_run(thousand_due):
    victim = worker_start("--duties", "timers", "--until-idle", "--batch", "5")
    deadline = time.monotonic() + 120
    while reminders_done() < TOTAL // 10:  # wait until it is well under way
        assert victim.poll() is None, "the worker finished before it could be killed: give it more work"
        assert time.monotonic() < deadline, "the worker made no progress"
        time.sleep(0.02)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    done_at_kill = reminders_done()  # what it had committed; its open batch rolled back with its connection
    assert 0 < done_at_kill < TOTAL, done_at_kill
    assert CaseTimer.objects.filter(fired_through__isnull=True).exists()  # work left for the next worker

    worker_finish(worker_start("--duties", "timers", "--until-idle", "--batch", "5"))
    assert_each_reminder_once(CASES)
    print(f"\nsteps done before the kill: {done_at_kill} of {TOTAL}")
