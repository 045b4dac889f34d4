"""The notification admin: recipients masked or named, failures easy to find, channel secrets never shown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.notify.admin import mask_email
from huying.notify.models import InboxMessage, MailServer, Notification, Webhook
from huying.notify.outbox import notification_enqueue
from huying.org.models import User
from tests.cast import PASSWORD

LIST = "/admin/notify/notification/"


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", password=PASSWORD))
    return client


def queue(channel: str, recipient: str, n: int = 0, **fields) -> Notification:
    return notification_enqueue(channel=channel, recipient=recipient, template="case_accepted", context={},
                                dedupe_key=f"test:{channel}:{recipient}:{n}", **fields)


def test_email_addresses_are_masked():
    assert (mask_email("a@b.com"), mask_email("zhang.san@example.cn"), mask_email("nonsense")) == (
        "a***@b.com", "z***@example.cn", "***")


def test_the_list_masks_phones_and_mail_and_names_users_and_webhooks(admin_client, cast):
    hook = Webhook.objects.create(name="一网统管平台", url="http://127.0.0.1:9/", secret="whsec-1")
    queue("sms", "13800138000", urgent=True)
    queue("email", "zhang.san@example.cn")
    queue("inapp", str(cast.community_staff.pk))
    queue("webhook", str(hook.pk))
    page = admin_client.get(LIST).content.decode()
    assert "138****8000" in page and "z***@example.cn" in page and "一网统管平台" in page
    assert f">{cast.community_staff.username}<" in page
    assert "13800138000" not in page and "zhang.san@" not in page
    assert "field-urgent" in page


def test_the_list_names_in_app_recipients_without_a_query_per_row(admin_client, cast):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(LIST).status_code == 200
        return len(queries)

    staff = [cast.community_staff, cast.grid_worker, cast.street_dispatcher, cast.parks_handler]
    queue("inapp", str(staff[0].pk))
    few = queries_for_list()
    for n, user in enumerate(staff):
        queue("inapp", str(user.pk), n=n + 1)
    assert queries_for_list() == few


def test_the_list_says_how_many_messages_failed_and_links_to_them(admin_client):
    for n in range(2):
        Notification.objects.filter(pk=queue("sms", "13800138000", n=n).pk).update(status="failed")
    page = admin_client.get(LIST).content.decode()
    assert f'有 2 条通知发送失败，<a href="{LIST}?status__exact=failed">查看</a>' in page
    assert "条通知发送失败" not in admin_client.get(LIST + "?status__exact=failed").content.decode()


def test_nothing_failed_nothing_said(admin_client):
    queue("sms", "13800138000")
    assert "条通知发送失败" not in admin_client.get(LIST).content.decode()


def mail_server_post(**fields) -> dict:
    return {"name": "政务邮箱", "host": "smtp.gov.example", "port": 465, "username": "huying", "password": "",
            "use_ssl": "on", "from_email": "huying@gov.example", "active": "on", **fields}


def test_the_mail_password_is_never_shown_and_kept_when_left_empty(admin_client):
    server = MailServer.objects.create(name="政务邮箱", host="smtp.gov.example", port=465, username="huying",
                                       password="Mail-Pw-9", use_ssl=True, from_email="huying@gov.example")
    url = f"/admin/notify/mailserver/{server.pk}/change/"
    assert "Mail-Pw-9" not in admin_client.get(url).content.decode()
    assert "Mail-Pw-9" not in admin_client.get("/admin/notify/mailserver/").content.decode()
    assert admin_client.post(url, mail_server_post(port=587)).status_code == 302
    server.refresh_from_db()
    assert (server.port, server.password) == (587, "Mail-Pw-9")
    admin_client.post(url, mail_server_post(password="New-Pw-10"))
    server.refresh_from_db()
    assert server.password == "New-Pw-10"


def test_starttls_and_ssl_together_are_refused(admin_client):
    response = admin_client.post("/admin/notify/mailserver/add/", mail_server_post(password="x", use_tls="on"))
    assert response.context["adminform"].form.errors["use_ssl"] == ["STARTTLS 与 SSL 只能选择一种"]


def test_a_webhook_secret_is_needed_once_and_never_shown(admin_client):
    data = {"name": "一网统管", "url": "https://city.example/hook", "secret": "", "actions": "", "active": "on"}
    response = admin_client.post("/admin/notify/webhook/add/", data)
    assert "secret" in response.context["adminform"].form.errors
    admin_client.post("/admin/notify/webhook/add/", {**data, "secret": "whsec-Abc-123"})
    hook = Webhook.objects.get()
    assert "whsec-Abc-123" not in admin_client.get("/admin/notify/webhook/").content.decode()
    assert "whsec-Abc-123" not in admin_client.get(f"/admin/notify/webhook/{hook.pk}/change/").content.decode()
    admin_client.post(f"/admin/notify/webhook/{hook.pk}/change/", {**data, "actions": "overdue"})
    hook.refresh_from_db()
    assert (hook.secret, hook.actions) == ("whsec-Abc-123", "overdue")


def test_inbox_lines_are_read_only_and_show_the_text_in_the_readers_language(admin_client, cast, clock):
    cast.community_staff.language = "en"
    cast.community_staff.save()
    sent = notification_enqueue(channel="inapp", recipient=str(cast.community_staff.pk), template="case_accepted",
                                context={"number": "HY1", "unit": "幸福里社区", "track_url": "https://h/t/x/"},
                                dedupe_key="test:inbox")
    line = InboxMessage.objects.create(notification=sent, user=cast.community_staff, created_at=sent.created_at)
    page = admin_client.get(f"/admin/notify/inboxmessage/{line.pk}/change/").content.decode()
    assert "Your request HY1 has been accepted by 幸福里社区" in page
    assert admin_client.get("/admin/notify/inboxmessage/add/").status_code == 403
    assert admin_client.post(f"/admin/notify/inboxmessage/{line.pk}/delete/", {"post": "yes"}).status_code == 403


def test_quiet_hours_need_both_ends(admin_client):
    data = {"name": "网关", "url": "https://sms.example/send", "body_template": '{"m": "{phone}", "c": "{text}"}',
            "headers": "{}", "quiet_from": "22:00", "quiet_until": "", "active": "on"}
    response = admin_client.post("/admin/notify/smsgateway/add/", data)
    assert response.context["adminform"].form.errors["quiet_until"] == ["免打扰时段须同时填写开始和结束"]
    assert admin_client.post("/admin/notify/smsgateway/add/", {**data, "quiet_until": "08:00"}).status_code == 302


def test_a_gateway_body_without_the_phone_or_the_text_is_refused(admin_client):
    data = {"name": "网关", "url": "https://sms.example/send", "body_template": '{"m": "{phone}"}',
            "headers": "{}", "quiet_from": "", "quiet_until": "", "active": "on"}
    response = admin_client.post("/admin/notify/smsgateway/add/", data)
    assert response.context["adminform"].form.errors["body_template"] == ["请求体模板须包含 {text}"]
