"""Several senders polling one outbox on a real database: every message is claimed by exactly one of them."""

import httpx
import pytest
import time_machine
from django.db import connection

from huying.notify.models import InboxMessage, Notification, SmsGateway
from huying.notify.outbox import notification_enqueue, notifications_claim, outbox_send_due
from huying.notify.senders import senders_available
from tests.cast import FROZEN_NOW
from tests.http_sink import http_sink
from tests.threads import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def outbox():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("needs a file database or PostgreSQL: in-memory SQLite cannot hold concurrent writers")
    with time_machine.travel(FROZEN_NOW, tick=False):
        for n in range(40):
            notification_enqueue(channel="sms", recipient="13800138000", template="case_resolved",
                                 context={}, dedupe_key=f"test:{n}")
        yield


def test_four_senders_share_forty_messages_without_overlap(outbox):
    def claim_until_empty(_i: int) -> list[int]:
        mine: list[int] = []
        while batch := notifications_claim(channels=["sms"], limit=3):
            mine += [n.pk for n in batch]
        return mine

    results = run_in_threads(claim_until_empty, 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    claimed = [pk for batch in results for pk in batch]
    assert sorted(claimed) == sorted(Notification.objects.values_list("pk", flat=True))
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_two_workers_deliver_every_message_once_on_every_channel(live_cast):
    staff = [live_cast.community_staff, live_cast.grid_worker, live_cast.street_dispatcher]
    for n in range(30):
        notification_enqueue(channel="inapp", recipient=str(staff[n % 3].pk), template="case_accepted", context={},
                             dedupe_key=f"test:inapp:{n}")
        notification_enqueue(channel="sms", recipient="13800138000", template="emergency_alert",
                             context={"number": f"N{n:02}", "title": "煤气味", "address": "幸福里3号楼"},
                             dedupe_key=f"test:sms:{n}")

    def worker(_i: int) -> dict[str, int]:
        with httpx.Client() as client:
            return outbox_send_due(senders=senders_available(client)).counts

    with http_sink() as sink:
        SmsGateway.objects.create(name="本地网关", url=sink.base_url, body_template={"c": "{text}"})
        results = run_in_threads(worker, 2)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r["sent"] for r in results) == 60
    texts = sorted(request["json"]["c"] for request in sink.received)
    alert = "【紧急】工单N{:02}：煤气味。地点：幸福里3号楼。请立即处置并在系统中签收。"
    assert texts == sorted(alert.format(n) for n in range(30))  # each once
    assert InboxMessage.objects.count() == 30
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}
