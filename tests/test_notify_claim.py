"""Several senders polling one outbox on a real database: every message is claimed by exactly one of them."""

import pytest
import time_machine
from django.db import connection

from huying.notify.models import Notification
from huying.notify.outbox import notification_enqueue, notifications_claim
from tests.cast import FROZEN_NOW
from tests.test_concurrency import run_in_threads

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
