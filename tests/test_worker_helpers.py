"""What the worker tests share (no tests here): a reminder policy stated as data, cases whose reminders are due,
and `huying worker` run as a real process against the test database."""

import datetime as dt
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from huying.cases.models import CaseEvent, CaseTimer
from huying.cases.services import case_create
from huying.catalog.models import DeadlineKind, StepAction, TimerStep
from huying.notify.models import Notification
from tests.cast import Cast

ROOT = Path(__file__).resolve().parent.parent
STAFF_MOBILE = "13900001111"
STEPS_PER_CASE = 2  # the reminder and the alert of `remind_policy`


def remind_policy() -> None:
    """Remind the handler when a quarter of the response time is gone and alert the head (here, with no head on
    record, the staff) at half, in-app and by text: two steps that both go out when caught up together (two
    reminders of one deadline due at once would be folded into the latest).

    Stated here rather than taken from the default rows: a transactional test empties every table when it
    ends, so the rows the migrations seeded are gone for the tests after it.
    """
    TimerStep.objects.all().delete()
    for percent, action in ((25, StepAction.REMIND), (50, StepAction.ALERT_HEAD)):
        TimerStep.objects.create(kind=DeadlineKind.RESPONSE, action=action, elapsed_percent=percent,
                                 channels="inapp,sms")


def due_cases(cast: Cast, count: int) -> None:
    """`count` sanitation complaints (→ 幸福里社区, A2) made through the services, then their response timers
    moved back so that both reminders are due now and the deadline is still an hour away."""
    cast.community_staff.phone = STAFF_MOBILE
    cast.community_staff.save(update_fields=["phone"])
    with transaction.atomic():
        for n in range(count):
            case_create(by=cast.operator, channel="hotline", request_type=cast.complaint, category=cast.sanitation,
                        description=f"幸福里3号楼门口垃圾没人清运（第{n}次）", address="幸福里3号楼")
    now = timezone.now()
    moved = CaseTimer.objects.filter(kind=DeadlineKind.RESPONSE).update(
        started_at=now - dt.timedelta(hours=3), deadline_at=now + dt.timedelta(hours=1),
        next_at=now - dt.timedelta(hours=2), fired_through=None)
    assert moved == count
    assert CaseTimer.objects.filter(next_at__lte=now).count() == count  # nothing else is due


def timer_events():
    return CaseEvent.objects.filter(data__has_key="timer")


def reminders_done() -> int:
    return timer_events().count()


def assert_each_reminder_once(cases: int) -> None:
    """One event per (case, timer step) and one message per (event, channel), for every step that was due."""
    per_step = Counter(timer_events().values_list("case_id", "data__timer"))
    assert len(per_step) == cases * STEPS_PER_CASE and set(per_step.values()) == {1}
    assert set(Counter(case for case, _key in per_step).values()) == {STEPS_PER_CASE}
    events = set(timer_events().values_list("pk", flat=True))
    per_message = Counter(_event_and_channel(key) for key in Notification.objects.values_list("dedupe_key", flat=True))
    assert {event for event, _channel in per_message} == events and set(per_message.values()) == {1}
    assert Counter(channel for _event, channel in per_message) == {"inapp": len(events), "sms": len(events)}
    per_recipient = Counter(Notification.objects.values_list("case_id", "template", "recipient"))
    assert set(per_recipient.values()) == {1}  # each step (one template each) told each address once
    assert not CaseTimer.objects.filter(next_at__lte=timezone.now()).exists()


def _event_and_channel(dedupe_key: str) -> tuple[int, str]:
    _case, case_id, _event, event_id, channel, _address = dedupe_key.split(":", 5)
    return int(event_id), channel


def database_url() -> str:
    """The test database, as a worker process started by the test must reach it."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


def worker_start(*args: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "worker", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def worker_finish(process: subprocess.Popen, timeout: float = 300) -> str:
    """Wait for a worker to exit by itself; its output, after checking it exited well."""
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out


STEPS = re.compile(r"timers: \d+ timers, (\d+) steps")


def steps_reported(output: str) -> int:
    """The steps a worker says it acted on, summed over its passes."""
    return sum(int(n) for n in STEPS.findall(output))
