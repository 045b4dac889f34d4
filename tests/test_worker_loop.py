"""`huying worker` itself: one pass of every duty, a failing duty that stops nothing else, a clean stop on
SIGTERM, and a heartbeat that says what each duty did."""

import datetime as dt
import io
import logging
import signal
import threading
import time

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from huying.cases.models import Case, CaseEvent
from huying.cases.services import case_create
from huying.notify.models import SmsGateway
from huying.worker import duties
from huying.worker.duties import duties_build
from huying.worker.loop import FOREVER, Worker
from huying.worker.models import WorkerBeat
from tests.cast import FROZEN_NOW, build_cast
from tests.http_sink import http_sink
from tests.test_worker_helpers import STAFF_MOBILE, remind_policy, worker_start

# The worker recycles its database connections between passes, as a long-running process must; inside a test
# transaction that would end the transaction, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared_database():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("needs a file database or PostgreSQL: the worker's threads and processes share it")


@pytest.fixture
def clock(shared_database):
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def reminders_due(clock) -> Case:
    """A sanitation complaint at 幸福里3号楼, a minute before its response deadline: both reminders are due."""
    cast = build_cast()
    remind_policy()
    cast.community_staff.phone = STAFF_MOBILE
    cast.community_staff.save(update_fields=["phone"])
    case = case_create(by=cast.operator, channel="hotline", request_type=cast.complaint, category=cast.sanitation,
                       description="幸福里3号楼门口垃圾两天没人清运", address="幸福里3号楼")
    assert case.response_due_at is not None
    clock.move_to(case.response_due_at - dt.timedelta(minutes=1))
    return case


@pytest.fixture
def gateway():
    with http_sink() as sink:
        SmsGateway.objects.create(name="本地网关", url=sink.base_url + "/sms", body_template={
            "mobile": "{phone}", "content": "{text}"})
        yield sink


def run_worker(*args: str) -> str:
    out = io.StringIO()
    call_command("worker", *args, stdout=out)
    return out.getvalue()


def beat() -> WorkerBeat:
    return WorkerBeat.objects.get()


def test_once_runs_every_duty_once_and_the_reminders_it_fires_go_out_in_the_same_run(reminders_due, gateway):
    out = run_worker("--once")
    assert "timers: 1 timers, 2 steps" in out
    assert CaseEvent.objects.filter(case=reminders_due, data__has_key="timer").count() == 2
    # Timers run before notifications, so one run both decides and sends.
    assert [request["json"]["mobile"] for request in gateway.received] == [STAFF_MOBILE, STAFF_MOBILE]
    row = beat()
    assert row.stopped_at is not None
    assert {name: (entry["passes"], entry["errors"]) for name, entry in row.duties.items()} == {
        name: (1, 0) for name in duties.DUTY_NAMES}
    assert {"timers", "notify", "upstream", "feeds", "measures"} <= set(row.duties)
    assert row.duties["timers"]["done"] == 1 and row.duties["notify"]["done"] >= 2
    # The reminders are case events: the same run counts the case again in the three rates' ledger (after the timers).
    assert row.duties["measures"]["done"] == 1


def test_a_second_run_finds_nothing_left_to_do_and_says_nothing(reminders_due, gateway):
    run_worker("--once")
    out = run_worker("--until-idle")
    assert "timers:" not in out and "notify:" not in out
    assert CaseEvent.objects.filter(data__has_key="timer").count() == 2 and len(gateway.received) == 2


def test_a_failing_duty_is_recorded_and_the_others_still_run(reminders_due, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError(f"feed store down near {STAFF_MOBILE}")

    monkeypatch.setattr(duties, "feeds_poll_due", broken)
    with caplog.at_level(logging.ERROR), pytest.raises(CommandError, match="failed: feeds"):
        run_worker("--once")
    assert CaseEvent.objects.filter(data__has_key="timer").count() == 2
    feeds, upstream = beat().duties["feeds"], beat().duties["upstream"]
    assert (feeds["passes"], feeds["errors"], feeds["done"]) == (1, 1, 0)
    assert feeds["last_error"] == f"RuntimeError: feed store down near {STAFF_MOBILE}"  # admins see the cause
    assert upstream["passes"] == 1 and upstream["last_error"] == ""
    assert "worker duty feeds failed: RuntimeError" in caplog.text
    assert STAFF_MOBILE not in caplog.text  # the log names the error, never what it quoted


def test_until_idle_ends_even_when_a_duty_fails_on_every_pass(reminders_due, monkeypatch):
    monkeypatch.setattr(duties, "feeds_poll_due", lambda **kwargs: 1 / 0)
    with pytest.raises(CommandError, match="failed: feeds"):
        run_worker("--until-idle", "--duties", "timers,feeds")
    assert beat().duties["feeds"]["passes"] == 2  # one round that did something, one that found nothing


def test_a_running_worker_goes_on_after_failed_passes_and_clears_the_error_once_one_succeeds(
        reminders_due, monkeypatch):
    real, calls = duties.timers_fire_due, []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) <= 2:
            raise ConnectionError("database restarting")
        return real(**kwargs)

    monkeypatch.setattr(duties, "timers_fire_due", flaky)
    worker = Worker(duties_build(["timers"], interval=0.01), batch=10, say=lambda line: None)

    def stop_when_done() -> None:
        give_up = time.monotonic() + 30
        while worker.beat.duties.get("timers", {}).get("done", 0) < 1 and time.monotonic() < give_up:
            time.sleep(0.01)
        worker.stopping.set()

    threading.Thread(target=stop_when_done).start()
    worker.run(FOREVER)
    timers = beat().duties["timers"]
    assert timers["errors"] == 2 and timers["passes"] >= 3 and timers["last_error"] == ""
    assert CaseEvent.objects.filter(data__has_key="timer").count() == 2
    assert beat().stopped_at is not None


def test_sigterm_lets_a_running_worker_finish_its_pass_and_stop_cleanly(shared_database):
    worker = worker_start("--duties", "timers,notify", "--interval", "0.1")
    try:
        give_up = time.monotonic() + 60
        while not WorkerBeat.objects.filter(duties__timers__passes__gte=2).exists():
            assert worker.poll() is None, worker.communicate()
            assert time.monotonic() < give_up, "the worker never beat"
            time.sleep(0.05)
        assert WorkerBeat.objects.get().stopped_at is None
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, err
    assert out.rstrip().endswith("stopped")
    assert WorkerBeat.objects.get().stopped_at is not None
