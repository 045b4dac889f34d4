"""E-mail goes out through a real SMTP server (aiosmtpd on 127.0.0.1), in each reader's language."""

import datetime as dt
import email
import email.policy
import io
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.core.management import call_command
from django.utils import timezone

from huying.notify.mail import smtp_error
from huying.notify.models import MailServer, Notification
from huying.notify.recipients import case_context, staff_notify
from tests.cast import FROZEN_NOW

PASSWORD = "smtp-Secret-42"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler and authenticator: records each login and each message it accepts."""

    def __init__(self) -> None:
        self.logins: list[tuple[bytes, bytes]] = []
        self.messages: list[dict] = []

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == PASSWORD.encode(), handled=False)  # False: answer 535

    async def handle_DATA(self, server, session, envelope) -> str:
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append({"from": envelope.mail_from, "to": envelope.rcpt_tos, "subject": parsed["Subject"],
                              "body": parsed.get_content()})
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(db):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), authenticator=mailbox,
                            auth_require_tls=False)
    controller.start()
    MailServer.objects.create(name="本地邮件", host="127.0.0.1", port=controller.port, username="huying",
                              password=PASSWORD, from_email="huying@example.cn")
    yield mailbox
    controller.stop()


def send_once() -> None:
    call_command("notify_send", "--once", stdout=io.StringIO(), stderr=io.StringIO())


def remind_by_email(cast, case, *users) -> list[Notification]:
    deadline = (FROZEN_NOW + dt.timedelta(hours=2)).isoformat()
    return staff_notify(users=users, channels=["email"], template="timer_remind", event=case.events.first(),
                        context=case_context(case, kind="completion", deadline_at=deadline))


def test_a_reminder_is_received_by_the_smtp_server_in_chinese_and_in_english(cast, new_case, smtp):
    case = new_case()
    cast.community_staff.email = "community@example.cn"
    cast.street_dispatcher.email, cast.street_dispatcher.language = "street@example.cn", "en"
    queued = remind_by_email(cast, case, cast.community_staff, cast.street_dispatcher)
    send_once()
    assert [n.status for n in Notification.objects.filter(pk__in=[n.pk for n in queued])] == ["sent", "sent"]
    assert smtp.logins == [(b"huying", PASSWORD.encode())] * 2
    chinese, english = sorted(smtp.messages, key=lambda m: m["to"])
    assert (chinese["from"], chinese["to"]) == ("huying@example.cn", ["community@example.cn"])
    assert chinese["subject"] == f"呼应：工单{case.number}"
    assert chinese["body"].strip() == (f"【催办】工单{case.number}（{case.title}）的办结时限为2026-09-30 12:00，"
                                       "请抓紧办理。")
    assert english["to"] == ["street@example.cn"] and english["subject"] == f"Huying: case {case.number}"
    assert english["body"].startswith(f"[Reminder] Case {case.number} ({case.title}): the ")
    send_once()
    assert len(smtp.messages) == 2  # sent is sent


def test_a_server_that_is_down_is_retried_with_backoff_then_the_mail_fails(
        cast, new_case, smtp, clock, settings):
    settings.HUYING = {**settings.HUYING, "NOTIFY_MAX_ATTEMPTS": 3}
    MailServer.objects.update(port=free_port())  # nothing listens there
    cast.community_staff.email = "community@example.cn"
    (mail,) = remind_by_email(cast, new_case(), cast.community_staff)
    send_once()
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("pending", 1)
    assert mail.next_attempt_at == timezone.now() + dt.timedelta(minutes=1)  # the first backoff
    assert mail.last_error.startswith("ConnectionRefusedError")
    for _attempt in range(3):
        clock.shift(dt.timedelta(minutes=40))  # past each backoff (1, 5, 30 min), before the deadline
        send_once()
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, smtp.messages) == ("failed", 3, [])
    assert PASSWORD not in mail.last_error


def test_a_refused_login_is_a_failure_that_does_not_show_the_password(cast, new_case, smtp):
    MailServer.objects.update(password="wrong-" + PASSWORD)
    cast.community_staff.email = "community@example.cn"
    (mail,) = remind_by_email(cast, new_case(), cast.community_staff)
    send_once()
    mail.refresh_from_db()
    assert (mail.status, smtp.messages) == ("pending", [])
    assert mail.last_error.startswith("SMTPAuthenticationError") and PASSWORD not in mail.last_error


def test_the_password_is_scrubbed_from_any_error_text():
    error = OSError(f"login failed for huying:{PASSWORD}")
    assert smtp_error(error, password=PASSWORD) == "OSError: login failed for huying:***"
    assert smtp_error(error, password="") == f"OSError: login failed for huying:{PASSWORD}"


def test_without_an_active_mail_server_mail_waits_untouched(cast, new_case, smtp):
    MailServer.objects.update(active=False)
    cast.community_staff.email = "community@example.cn"
    (mail,) = remind_by_email(cast, new_case(), cast.community_staff)
    send_once()
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, smtp.messages) == ("pending", 0, [])


def test_a_reminder_that_could_not_go_out_before_its_deadline_expires_instead(cast, new_case, smtp, clock):
    MailServer.objects.update(port=free_port())  # down until after the deadline
    cast.community_staff.email = "community@example.cn"
    (mail,) = remind_by_email(cast, new_case(), cast.community_staff)
    send_once()
    clock.shift(dt.timedelta(hours=3))  # the reminder's deadline (2 hours on) has passed
    send_once()
    mail.refresh_from_db()
    assert (mail.status, smtp.messages) == ("expired", [])
