"""End to end: a deadline passes, one pass of the worker's timer and outbox duties later the unit head's alert
has reached a real SMTP server and a real SMS gateway, the staff inbox holds it, and a subscribed system got
the signed event. (The duties are called as the worker calls them; the worker process itself recycles its
connections and is tested on committed data in tests/test_worker_*.py.)"""

import httpx

from huying.cases.services import case_accept
from huying.notify.models import InboxMessage, Notification, SmsGateway, Webhook
from huying.org.models import Role, User
from huying.worker.duties import notify_pass, timers_pass
from tests.http_sink import http_sink
from tests.test_notify_email import smtp  # noqa: F401 — the real SMTP server fixture
from tests.test_notify_webhooks import SECRET, verified
from tests.test_timers_walk import at

SMS_BODY = {"mobile": "{phone}", "content": "{text}"}


def test_an_overdue_case_reaches_the_head_by_mail_sms_inbox_and_the_webhook(cast, new_case, clock, smtp):  # noqa: F811
    head = User.objects.create(username="xingfu_head", unit=cast.xingfu, role=Role.COMMUNITY_STAFF,
                               is_unit_head=True, phone="13900000001", email="head@xingfu.example")
    with http_sink() as sink:
        SmsGateway.objects.create(name="网关", url=sink.base_url + "/sms", body_template=SMS_BODY)
        Webhook.objects.create(name="一网统管", url=sink.base_url + "/hook", secret=SECRET, actions="alert_head")
        case = new_case()
        clock.move_to(at(9, 30, 11, 0))
        case_accept(case=case, by=cast.community_staff)
        clock.move_to(at(10, 8, 10, 0))  # the completion deadline, after the National Day week
        with httpx.Client() as client:
            assert timers_pass(client, 100).done == 1
            assert notify_pass(client, 100).done >= 5

    alert = (f"【超时告警】幸福里社区承办的工单{case.number}（{case.title}）已超过办结时限（2026-10-08 10:00），"
             "请督促办理。")
    assert [m for m in smtp.messages if m["to"] == ["head@xingfu.example"] and "超时告警" in m["body"]][0][
        "body"].strip() == alert
    texts = [r["json"] for r in sink.received if r["path"] == "/sms"]
    assert {"mobile": "13900000001", "content": alert} in texts
    (hook,) = [r for r in sink.received if r["path"] == "/hook"]
    body = verified(hook, SECRET, now=at(10, 8, 10, 0))
    assert (body["action"], body["case"], body["data"]["kind"]) == ("alert_head", case.number, "completion")
    assert "13800138000" not in hook["raw"].decode()  # the reporter's phone never leaves in a webhook
    inbox = InboxMessage.objects.filter(user=head, case=case)
    assert inbox.filter(notification__template="timer_alert_head").count() == 1
    assert not Notification.objects.filter(case=case).exclude(status="sent").exists()
