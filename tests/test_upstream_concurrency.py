"""At once on a real database: a case forwarded in parallel is made once; two senders deliver each message once,
in order per case."""

from collections import Counter

import pytest

from huying.cases import services as svc
from huying.cases.models import Case, CaseEvent
from huying.upstream.models import UpstreamMessage
from huying.upstream.sender import messages_send
from tests.test_api_helpers import Api
from tests.test_upstream_helpers import CallbackServer, forward_body, forwarded_case, platform_make
from tests.threads import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)

CASES = 10  # × 5 reported actions = 50 messages


def sender_until_idle(i: int) -> int:
    """One sender process: small batches until nothing is due; returns how many it handled."""
    handled = 0
    while report := messages_send(batch=3):
        handled += report.total()
    return handled


@pytest.fixture
def fifty_messages(live_cast):
    cast = live_cast
    with CallbackServer() as server:
        platform = platform_make(callback_url=server.url)
        for n in range(CASES):
            case = forwarded_case(cast, platform, f"C-{n}")
            svc.case_accept(case=case, by=cast.community_staff)
            svc.case_resolve(case=case, by=cast.community_staff, result="已清运")
            svc.case_close(case=case, by=cast.operator)
            svc.case_reopen(case=case, by=cast.operator, reason="仍有垃圾")
            svc.case_accept(case=case, by=cast.community_staff)
        assert UpstreamMessage.objects.count() == 50
        yield server


def test_two_senders_deliver_each_message_exactly_once_and_in_order(fifty_messages):
    server = fifty_messages
    results = run_in_threads(sender_until_idle, 2)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 50
    deliveries = Counter(c.headers["x-huying-delivery"] for c in server.received)
    assert len(deliveries) == 50 and set(deliveries.values()) == {1}
    for n in range(CASES):
        assert [seq for uid, seq, _action in server.seen() if uid == f"C-{n}"] == [1, 2, 3, 4, 5]
    assert set(UpstreamMessage.objects.values_list("status", "attempts")) == {("delivered", 1)}


def test_the_platform_sending_one_case_eight_times_at_once_makes_one_case(live_cast):
    city = Api(platform_make().user)
    results = run_in_threads(lambda i: city.post("/upstream/cases", forward_body("RACE-1")), 8)
    assert sorted(r.status_code for r in results) == [200] * 7 + [201], results
    assert len({r.json()["number"] for r in results}) == 1
    assert Case.objects.filter(upstream_id="RACE-1").count() == 1
    assert CaseEvent.objects.filter(action="create").count() == 1
