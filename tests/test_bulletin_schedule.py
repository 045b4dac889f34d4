"""The scheduled bulletin: on the administrator's day and hour the month just ended goes out by e-mail, through a
real SMTP server (aiosmtpd on 127.0.0.1), with both files attached — once a month, however often it runs."""

import datetime as dt
import email
import email.policy
import socket
from io import BytesIO

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from huying.analytics.bulletin.schedule import bulletins_run_due
from huying.analytics.models_bulletin import Bulletin, BulletinSchedule
from huying.notify.models import MailServer
from huying.worker.duties import BULLETINS, duties_build
from tests.cast import FROZEN_NOW
from tests.test_bulletin_helpers import two_months_make
from tests.threads import run_in_threads

TZ = FROZEN_NOW.tzinfo
OCTOBER_FIRST_8AM = dt.datetime(2026, 10, 1, 8, 0, tzinfo=TZ)
RECIPIENTS = "leader@gov.example\ncentre@gov.example"
PASSWORD = "smtp-Secret-42"


@pytest.fixture
def two_months(cast, new_case, clock):
    return two_months_make(cast, new_case, clock)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append((envelope.mail_from, envelope.rcpt_tos))
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port  # type: ignore[attr-defined]
    yield box
    controller.stop()


def smtp_server(port: int) -> MailServer:
    return MailServer.objects.create(name="本地邮件", host="127.0.0.1", port=port, username="", password=PASSWORD,
                                     from_email="huying@example.cn")


def schedule(**changes) -> BulletinSchedule:
    row = BulletinSchedule.current()
    for name, value in {"enabled": True, "day_of_month": 1, "hour": 8, "recipients": RECIPIENTS, **changes}.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return row


@pytest.fixture
def due(two_months, mailbox, clock):
    smtp_server(mailbox.port)
    schedule()
    clock.move_to(OCTOBER_FIRST_8AM)
    return two_months


def test_on_its_day_and_hour_the_month_just_ended_is_emailed_with_both_files(due, mailbox):
    sent = bulletins_run_due()
    assert sent is not None and (sent.month, sent.area, sent.created_by) == (202609, due.district, None)
    (message,) = mailbox.messages
    assert mailbox.envelopes == [("huying@example.cn", ["leader@gov.example", "centre@gov.example"])]
    assert message["Subject"].strip() == "呼应：示范区2026年9月接诉即办工作通报"  # strip: a long subject is folded
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "满意率 66.7%" in body and "红榜：园林局" in body and "黑榜：东湖街道" in body
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(attachments) == {"bulletin-T310101-2026-09-created.xlsx", "bulletin-T310101-2026-09-created.pdf"}
    pdf = attachments["bulletin-T310101-2026-09-created.pdf"]
    assert pdf.get_content_type() == "application/pdf"
    assert "东湖街道" in PdfReader(BytesIO(pdf.get_content())).pages[1].extract_text()
    row = BulletinSchedule.current()
    assert (row.last_run_month, row.last_sent_at, row.last_error) == (202609, OCTOBER_FIRST_8AM, "")


def test_running_again_the_same_month_sends_nothing_more(due, mailbox, clock):
    assert bulletins_run_due() is not None
    assert bulletins_run_due() is None
    clock.move_to(dt.datetime(2026, 10, 20, 23, 0, tzinfo=TZ))
    assert bulletins_run_due() is None
    assert len(mailbox.messages) == 1 and Bulletin.objects.count() == 1


def test_the_next_month_sends_the_next_bulletin(due, mailbox, clock):
    bulletins_run_due()
    clock.move_to(dt.datetime(2026, 11, 1, 8, 30, tzinfo=TZ))
    assert bulletins_run_due().month == 202610
    assert mailbox.messages[-1]["Subject"].strip() == "呼应：示范区2026年10月接诉即办工作通报"


@pytest.mark.parametrize(("day", "moment"), [(1, dt.datetime(2026, 10, 1, 7, 59, tzinfo=TZ)),
                                             (3, dt.datetime(2026, 10, 2, 12, 0, tzinfo=TZ))])
def test_nothing_is_sent_before_the_day_and_hour(due, mailbox, clock, day, moment):
    schedule(day_of_month=day)
    clock.move_to(moment)
    assert bulletins_run_due() is None and mailbox.messages == []
    assert BulletinSchedule.current().last_run_month == 0


def test_a_worker_back_later_in_the_month_still_sends_it(due, mailbox, clock):
    clock.move_to(dt.datetime(2026, 10, 17, 3, 0, tzinfo=TZ))
    assert bulletins_run_due().month == 202609 and len(mailbox.messages) == 1


def test_a_disabled_schedule_sends_nothing(due, mailbox):
    schedule(enabled=False)
    assert bulletins_run_due() is None and mailbox.messages == [] and not Bulletin.objects.exists()


def test_a_failed_send_gives_the_month_back_and_the_next_pass_sends_it(due, mailbox):
    MailServer.objects.update(port=free_port())  # nobody listens there
    with pytest.raises(OSError):
        bulletins_run_due()
    row = BulletinSchedule.current()
    assert row.last_run_month == 0 and "ConnectionRefusedError" in row.last_error and PASSWORD not in row.last_error
    MailServer.objects.update(port=mailbox.port)
    assert bulletins_run_due().month == 202609 and len(mailbox.messages) == 1
    assert BulletinSchedule.current().last_error == ""


def test_without_an_smtp_server_the_configured_django_backend_sends_it(two_months, clock):
    schedule()
    clock.move_to(OCTOBER_FIRST_8AM)
    bulletins_run_due()
    (message,) = mail.outbox  # the test settings' in-memory backend
    assert message.to == ["leader@gov.example", "centre@gov.example"]
    assert [name for name, _content, _type in message.attachments] == [
        "bulletin-T310101-2026-09-created.xlsx", "bulletin-T310101-2026-09-created.pdf"]


def test_the_worker_looks_every_hour_and_reports_what_it_sent(due, mailbox):
    (duty,) = duties_build([BULLETINS], interval=1.0)
    assert duty.interval == 3600.0
    outcome = duty.run(None, 100)
    assert (outcome.done, outcome.summary) == (1, "bulletin of 2026-09 sent")
    assert duty.run(None, 100).done == 0


@pytest.mark.parametrize(("recipients", "message"), [
    ("leader@gov.example\nnot-an-address", "收件人地址无效：not-an-address"),
    ("", "启用发送计划时至少填写一个收件人"),
])
def test_a_schedule_with_bad_recipients_is_refused_naming_the_field(db, recipients, message):
    with pytest.raises(ValidationError) as refused:
        schedule(recipients=recipients)
    assert refused.value.message_dict == {"recipients": [message]}


def test_the_day_of_month_stays_within_every_month(db):
    with pytest.raises(ValidationError) as refused:
        schedule(day_of_month=29)
    assert list(refused.value.message_dict) == ["day_of_month"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("live_cast")
def test_two_workers_passing_at_once_send_the_bulletin_once(mailbox):
    smtp_server(mailbox.port)
    schedule()
    with time_machine.travel(OCTOBER_FIRST_8AM, tick=False):
        results = run_in_threads(lambda i: bulletins_run_due(), 4)
    assert sum(1 for r in results if isinstance(r, Bulletin)) == 1
    assert [r for r in results if not isinstance(r, Bulletin)] == [None, None, None]
    assert len(mailbox.messages) == 1 and Bulletin.objects.count() == 1
