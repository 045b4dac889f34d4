"""Webhooks: each case event a subscriber wants is POSTed to it as signed JSON, without personal data."""

import datetime as dt
import hashlib
import hmac
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.notify.models import Notification, Webhook
from huying.notify.webhooks import webhooks_enqueue
from tests.cast import FROZEN_NOW
from tests.http_sink import http_sink
from tests.test_feedback_helpers import handle_to_result

SECRET = "whsec-城市平台-1"


def send_once() -> None:
    call_command("notify_send", "--once", stdout=io.StringIO(), stderr=io.StringIO())


def hooked(case) -> list[tuple[str, str]]:
    rows = Notification.objects.filter(case=case, channel="webhook").order_by("pk")
    return [(n.context["action"], Webhook.objects.get(pk=n.recipient).name) for n in rows]


def verified(request: dict, secret: str, *, now: dt.datetime, tolerance_s: int = 300) -> dict:
    """What a receiver does: check the timestamp is fresh and the signature matches the raw body, then parse."""
    timestamp = request["headers"]["X-Huying-Timestamp"]
    assert abs(int(timestamp) - now.timestamp()) <= tolerance_s
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + request["raw"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request["headers"]["X-Huying-Signature"], f"sha256={expected}")
    return json.loads(request["raw"])


@pytest.fixture
def receiver(db):
    with http_sink() as sink:
        yield sink


def test_each_active_webhook_gets_the_events_it_subscribed_to(cast, new_case):
    Webhook.objects.create(name="一网统管", url="http://127.0.0.1:9/all", secret=SECRET)
    Webhook.objects.create(name="只要办结", url="http://127.0.0.1:9/res", secret=SECRET, actions="accept, resolve")
    Webhook.objects.create(name="已停用", url="http://127.0.0.1:9/off", secret=SECRET, active=False)
    case = handle_to_result(cast, new_case())
    assert hooked(case) == [("create", "一网统管"), ("dispatch", "一网统管"), ("accept", "一网统管"),
                            ("accept", "只要办结"), ("resolve", "一网统管"), ("resolve", "只要办结")]


def test_the_payload_names_the_event_but_never_the_reporter_or_the_note(cast, new_case):
    hook = Webhook.objects.create(name="一网统管", url="http://127.0.0.1:9/all", secret=SECRET)
    case = handle_to_result(cast, new_case(reporter_name="张先生", reporter_phone="13800138000"))
    resolve = case.events.get(action="resolve")
    sent = Notification.objects.get(dedupe_key=f"case:{case.pk}:event:{resolve.pk}:webhook:{hook.pk}")
    assert (sent.channel, sent.recipient, sent.template) == ("webhook", str(hook.pk), "webhook")
    assert sent.context == {"event": resolve.pk, "action": "resolve", "case": case.number,
                            "from_status": "accepted", "to_status": "resolved", "unit": "T310101001001",
                            "at": "2026-09-30T10:00:00+08:00", "data": resolve.data}
    assert not {"张先生", "13800138000", resolve.note} & set(map(str, sent.context.values()))


def test_without_webhooks_an_event_costs_no_query_while_the_list_is_fresh(cast, new_case):
    event = new_case().events.first()  # its own events read the (empty) list of webhooks once
    with CaptureQueriesContext(connection) as queries:
        assert webhooks_enqueue(event=event) == []
    assert len(queries) == 0


def test_a_webhook_added_in_this_process_is_used_at_once(cast, new_case):
    event = new_case().events.first()
    Webhook.objects.create(name="一网统管", url="https://hooks.example/h", secret=SECRET, actions="")
    assert [n.recipient for n in webhooks_enqueue(event=event)] == [str(Webhook.objects.get().pk)]


def test_a_receiver_gets_a_signed_json_post_it_can_verify(cast, new_case, receiver):
    Webhook.objects.create(name="一网统管", url=receiver.base_url + "/hook", secret=SECRET, actions="dispatch")
    case = new_case()
    send_once()
    (request,) = receiver.received
    body = verified(request, SECRET, now=FROZEN_NOW)
    assert request["path"] == "/hook" and request["headers"]["Content-Type"].startswith("application/json")
    assert (body["action"], body["case"], body["unit"], body["to_status"]) == (
        "dispatch", case.number, "T310101001001", "dispatched")
    assert Notification.objects.get(channel="webhook").status == "sent"
    with pytest.raises(AssertionError):  # a forger without the secret is refused
        verified(request, "guessed", now=FROZEN_NOW)


def test_a_webhook_that_answers_an_error_is_retried_later(cast, new_case, receiver):
    Webhook.objects.create(name="一网统管", url=receiver.base_url + "/hook", secret=SECRET, actions="dispatch")
    receiver.planned = [500]
    new_case()
    send_once()
    sent = Notification.objects.get(channel="webhook")
    assert (sent.status, sent.attempts) == ("pending", 1) and sent.last_error.startswith("HTTP 500")


def test_a_webhook_switched_off_after_queueing_is_a_recorded_failure(cast, new_case, receiver):
    hook = Webhook.objects.create(name="一网统管", url=receiver.base_url + "/hook", secret=SECRET, actions="create")
    new_case()
    Webhook.objects.filter(pk=hook.pk).update(active=False)
    send_once()
    sent = Notification.objects.get(channel="webhook")
    assert (sent.status, receiver.received) == ("pending", []) and "switched off" in sent.last_error


def test_free_text_and_links_in_event_data_stay_inside(cast, new_case):
    from huying.cases.models import CaseEvent
    from huying.notify.webhooks import webhook_payload

    case = new_case()
    event = CaseEvent.objects.create(case=case, action="video", from_status=case.status, to_status=case.status,
                                     data={"url": "https://meet.example/secret-room", "requirement": "张三家漏水",
                                           "kind": "completion"}, created_at=case.created_at)
    assert webhook_payload(event)["data"] == {"kind": "completion"}
