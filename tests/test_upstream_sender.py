"""The sender posts the outbox to the platform's callback URL: signed, in order per case, retried with backoff."""

import datetime as dt
import socket

import pytest

from huying.cases import services as svc
from huying.upstream.models import UpstreamMessage
from huying.upstream.outbox import messages_retry
from huying.upstream.sender import LEASE, MAX_ATTEMPTS, backoff, message_claim, messages_send
from tests.cast import FROZEN_NOW
from tests.test_upstream_helpers import CallbackServer, forwarded_case, platform_make


@pytest.fixture
def server():
    with CallbackServer() as running:
        yield running


@pytest.fixture
def platform(cast, server):
    return platform_make(callback_url=server.url)


@pytest.fixture
def accepted_and_resolved(cast, platform):
    """A forwarded case the community accepted and resolved: two messages waiting, seq 1 and 2."""
    case = forwarded_case(cast, platform)
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_resolve(case=case, by=cast.community_staff, result="垃圾已清运")
    return case


def statuses(case) -> list[tuple[int, str, int]]:
    return [(m.seq, m.status, m.attempts) for m in UpstreamMessage.objects.filter(case=case)]


def test_sender_delivers_in_order_with_a_valid_signature(accepted_and_resolved, server):
    case = accepted_and_resolved
    assert messages_send() == {"delivered": 2}
    assert server.seen() == [("SH12345-2026-000001", 1, "accept"), ("SH12345-2026-000001", 2, "resolve")]
    for callback, message in zip(server.received, UpstreamMessage.objects.filter(case=case), strict=True):
        assert callback.signature_valid()
        assert not callback.signature_valid("another-secret")
        assert callback.headers["x-huying-delivery"] == str(message.pk)
        assert callback.headers["x-huying-timestamp"] == str(int(FROZEN_NOW.timestamp()))
        assert callback.headers["content-type"].startswith("application/json")
        assert callback.payload == message.payload
    assert statuses(case) == [(1, "delivered", 1), (2, "delivered", 1)]
    assert UpstreamMessage.objects.get(case=case, seq=1).delivered_at == FROZEN_NOW


def test_delivered_messages_are_not_sent_again(accepted_and_resolved, server):
    messages_send()
    assert messages_send() == {}
    assert len(server.received) == 2


def test_a_failing_platform_gets_backoff_and_the_error_then_recovery_delivers_in_order(
        accepted_and_resolved, server, clock):
    case = accepted_and_resolved
    server.answer_always(500)
    assert messages_send() == {"pending": 1}  # seq 2 waits behind seq 1
    first = UpstreamMessage.objects.get(case=case, seq=1)
    assert (first.status, first.attempts, first.last_error) == ("pending", 1, "HTTP 500: no")
    assert first.next_attempt_at == FROZEN_NOW + dt.timedelta(seconds=30)
    assert messages_send() == {}  # not due yet: nothing is sent

    clock.shift(dt.timedelta(seconds=30))
    assert messages_send() == {"pending": 1}
    first.refresh_from_db()
    assert first.attempts == 2 and first.next_attempt_at == FROZEN_NOW + dt.timedelta(seconds=30 + 60)

    server.answer_always(200)
    clock.shift(dt.timedelta(minutes=1))
    assert messages_send() == {"delivered": 2}
    assert [seq for _id, seq, _action in server.seen()] == [1, 1, 1, 2]
    assert statuses(case) == [(1, "delivered", 3), (2, "delivered", 1)]


def test_backoff_doubles_from_30_seconds_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert backoff(30000) == dt.timedelta(hours=1)


def test_a_message_that_keeps_failing_is_marked_failed_and_holds_back_its_case_until_retried(
        accepted_and_resolved, server, clock):
    case = accepted_and_resolved
    server.answer_always(503)
    for _ in range(MAX_ATTEMPTS):
        messages_send()
        clock.shift(dt.timedelta(hours=1))
    assert statuses(case) == [(1, "failed", MAX_ATTEMPTS), (2, "pending", 0)]
    assert messages_send() == {}  # failed for good: seq 2 must not overtake it
    assert len(server.received) == MAX_ATTEMPTS

    server.answer_always(200)
    assert messages_retry(messages=UpstreamMessage.objects.filter(case=case)) == 2
    assert messages_send() == {"delivered": 2}
    assert server.seen()[-2:] == [("SH12345-2026-000001", 1, "accept"), ("SH12345-2026-000001", 2, "resolve")]
    first = UpstreamMessage.objects.get(case=case, seq=1)
    assert (first.status, first.last_error) == ("delivered", "HTTP 503: no")  # the trouble stays on record


def test_retrying_a_delivered_message_leaves_it_delivered(accepted_and_resolved, server):
    messages_send()
    assert messages_retry(messages=UpstreamMessage.objects.all()) == 0
    assert messages_send() == {} and len(server.received) == 2


def test_one_case_failing_does_not_hold_back_another(cast, platform, server):
    stuck, fine = forwarded_case(cast, platform, "STUCK"), forwarded_case(cast, platform, "FINE")
    for case in (stuck, fine):
        svc.case_accept(case=case, by=cast.community_staff)
        svc.case_resolve(case=case, by=cast.community_staff, result="已清运")
    server.answer = lambda payload: 500 if payload["upstream_id"] == "STUCK" else 200
    assert messages_send() == {"pending": 1, "delivered": 2}
    assert [(uid, seq) for uid, seq, _action in server.seen() if uid == "FINE"] == [("FINE", 1), ("FINE", 2)]


def test_an_unreachable_platform_records_the_connection_error(cast):
    with socket.socket() as probe:  # a port nobody listens on: bound, never listening
        probe.bind(("127.0.0.1", 0))
        platform = platform_make(callback_url=f"http://127.0.0.1:{probe.getsockname()[1]}/cb")
        case = forwarded_case(cast, platform)
        svc.case_accept(case=case, by=cast.community_staff)
        assert messages_send() == {"pending": 1}
    message = UpstreamMessage.objects.get(case=case)
    assert message.last_error.startswith("ConnectError") and message.attempts == 1


def test_a_platform_without_a_callback_url_is_a_visible_failure(cast):
    case = forwarded_case(cast, platform_make(callback_url=""))
    svc.case_accept(case=case, by=cast.community_staff)
    assert messages_send() == {"pending": 1}
    assert UpstreamMessage.objects.get(case=case).last_error == "no callback URL configured"


def test_messages_of_a_deactivated_platform_wait(accepted_and_resolved, platform, server):
    platform.active = False
    platform.save()
    assert messages_send() == {} and server.received == []
    assert statuses(accepted_and_resolved) == [(1, "pending", 0), (2, "pending", 0)]


def test_a_claimed_message_is_nobody_elses_until_its_lease_runs_out(accepted_and_resolved, server, clock):
    claimed = message_claim(now=FROZEN_NOW)  # a sender took it … and died before recording anything
    assert claimed is not None and claimed.seq == 1 and claimed.attempts == 1
    assert message_claim(now=FROZEN_NOW) is None  # seq 1 is leased, seq 2 waits behind it
    clock.shift(LEASE)
    assert messages_send() == {"delivered": 2}  # sent again: at least once
    assert statuses(accepted_and_resolved) == [(1, "delivered", 2), (2, "delivered", 1)]


def test_a_batch_limit_is_respected(accepted_and_resolved, server):
    assert messages_send(batch=1) == {"delivered": 1}
    assert server.seen() == [("SH12345-2026-000001", 1, "accept")]
