"""notify_send delivers queued texts to a real HTTP gateway on 127.0.0.1, retries with backoff, then gives up."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from huying.notify.models import Notification, SmsGateway
from huying.notify.outbox import notifications_claim
from huying.org.models import User
from tests.cast import PASSWORD
from tests.http_sink import http_sink
from tests.test_feedback_helpers import handle_to_result

BODY_TEMPLATE = {"mobile": "{phone}", "content": "{text}", "sign": "呼应", "to": ["{phone}"], "priority": 1}


@pytest.fixture
def gateway(db):
    with http_sink() as fake:
        SmsGateway.objects.create(name="本地网关", url=fake.base_url + "/sms/send", body_template=BODY_TEMPLATE,
                                  headers={"X-Api-Key": "test-key"})
        yield fake


def send_once() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("notify_send", "--once", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def resolved_sms(cast, new_case, **fields) -> Notification:
    case = new_case(**fields)
    handle_to_result(cast, case)
    Notification.objects.filter(case=case, template="case_accepted").delete()
    return Notification.objects.get(case=case, template="case_resolved")


def test_a_due_text_is_posted_as_json_built_from_the_gateway_template(cast, new_case, gateway):
    sms = resolved_sms(cast, new_case)
    assert "sent=1" in send_once()[0]
    (request,) = gateway.received
    body = request["json"]
    assert request["path"] == "/sms/send" and request["headers"]["X-Api-Key"] == "test-key"
    assert (body["mobile"], body["to"], body["sign"], body["priority"]) == ("13800138000", ["13800138000"], "呼应", 1)
    assert body["content"].startswith(f"您反映的问题（工单号{sms.case.number}）已办结")
    assert f"/t/{sms.case.tracking_token}/rate/" in body["content"]
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.sent_at, sms.last_error) == ("sent", 1, timezone.now(), "")
    send_once()
    assert len(gateway.received) == 1  # sent is sent: a second pass sends nothing


def test_a_failure_waits_for_its_backoff_then_the_retry_succeeds(cast, new_case, gateway, clock):
    sms = resolved_sms(cast, new_case)
    gateway.planned = [503]
    send_once()
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.next_attempt_at) == ("pending", 1, timezone.now() + dt.timedelta(minutes=1))
    assert sms.last_error.startswith("HTTP 503") and "138****8000" in sms.last_error
    assert "13800138000" not in sms.last_error  # the gateway echoed the number: it is masked before storing
    send_once()
    assert len(gateway.received) == 1  # not due yet
    clock.shift(dt.timedelta(minutes=1))
    send_once()
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.last_error, len(gateway.received)) == ("sent", 2, "", 2)


def test_after_the_last_attempt_the_text_is_marked_failed_and_the_admin_shows_why(
        cast, new_case, gateway, clock, settings, client):
    settings.HUYING = {**settings.HUYING, "NOTIFY_MAX_ATTEMPTS": 3}
    sms = resolved_sms(cast, new_case)
    gateway.planned = [500, 500, 500, 500]
    for _attempt in range(4):
        send_once()
        clock.shift(dt.timedelta(hours=3))
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, len(gateway.received)) == ("failed", 3, 3)
    client.force_login(User.objects.create_superuser("root", password=PASSWORD))
    page = client.get("/admin/notify/notification/").content.decode()
    assert "HTTP 500" in page and "138****8000" in page and "13800138000" not in page


def test_an_unreachable_gateway_is_a_failure_to_retry(cast, new_case, gateway):
    SmsGateway.objects.update(url="http://127.0.0.1:9/sms")  # port 9 (discard): nothing listens
    sms = resolved_sms(cast, new_case)
    send_once()
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == ("pending", 1) and sms.last_error.startswith("ConnectError")


def test_without_an_active_gateway_texts_wait_untouched(cast, new_case, gateway):
    SmsGateway.objects.update(active=False)
    sms = resolved_sms(cast, new_case)
    assert "sms: activate an SMS gateway" in send_once()[1]
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, gateway.received) == ("pending", 0, [])


def test_a_claimed_text_cannot_be_claimed_again(cast, new_case):
    sms = resolved_sms(cast, new_case)
    first = notifications_claim(channels=["sms"])
    assert [n.pk for n in first] == [sms.pk] and first[0].attempts == 1
    assert notifications_claim(channels=["sms"]) == []
    assert notifications_claim(channels=["email"]) == []


def test_a_message_that_cannot_be_built_fails_alone_and_the_others_go_out(cast, new_case, gateway):
    broken = resolved_sms(cast, new_case)
    Notification.objects.filter(pk=broken.pk).update(template="no_such_template")
    fine = resolved_sms(cast, new_case, description="路灯不亮")
    send_once()
    broken.refresh_from_db(), fine.refresh_from_db()
    assert (broken.status, fine.status, len(gateway.received)) == ("pending", "sent", 1)
    assert "no_such_template" in broken.last_error
