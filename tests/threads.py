"""Concurrency in tests: run work in threads started together, each on its own database connection."""

import importlib
import threading

import pytest
import time_machine
from django.db import connection, connections

from tests.cast import FROZEN_NOW, build_cast


def default_policy_ensure() -> None:
    """The migrations' default reminder policy: a transactional test before this one flushed every table,
    seeded rows included."""
    from django.apps import apps

    policy = importlib.import_module("huying.catalog.migrations.0004_default_timer_steps")
    policy.load(apps, None)


def run_in_threads(work, count: int) -> list:
    """work(i) in `count` threads started together; what each returned or raised, in order."""
    results: list = [None] * count
    start = threading.Barrier(count)

    def body(i: int) -> None:
        try:
            start.wait()
            results[i] = work(i)
        except Exception as exc:  # collected and asserted on by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def live_cast():
    """The cast committed for real (tests using it are transactional), on a database threads can share."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        # In-memory SQLite shares one cache between threads and fails with table locks instead of waiting.
        pytest.skip("needs a file database or PostgreSQL: in-memory SQLite cannot hold concurrent writers")
    with time_machine.travel(FROZEN_NOW, tick=False):
        cast = build_cast()
        default_policy_ensure()
        from huying.triage.models import TriageSettings

        TriageSettings.objects.update_or_create(pk=1, defaults={"duplicate_filter": False})  # as in `cast`
        yield cast
