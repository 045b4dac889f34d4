"""In-app messages (站内信): the sender puts one line in the staff member's inbox, however often it runs."""

import io

from django.core.management import call_command
from django.utils import timezone

from huying.notify.inapp import InAppSender
from huying.notify.models import InboxMessage, Notification
from huying.notify.outbox import notification_deliver, notifications_claim
from huying.notify.recipients import case_context, staff_notify


def notice(cast, case, *users) -> list[Notification]:
    return staff_notify(users=users, channels=["inapp"], template="supervision_notice", event=case.events.first(),
                        context=case_context(case, note="请今天内处理"))


def test_the_message_lands_in_the_users_inbox(cast, new_case):
    case = new_case()
    (queued,) = notice(cast, case, cast.community_staff)
    call_command("notify_send", "--once", stdout=io.StringIO(), stderr=io.StringIO())
    line = InboxMessage.objects.get()
    assert (line.notification, line.user, line.case, line.created_at, line.read_at) == (
        queued, cast.community_staff, case, timezone.now(), None)
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == ("sent", 1)


def test_a_message_delivered_twice_is_in_the_inbox_once(cast, new_case):
    (queued,) = notice(cast, new_case(), cast.community_staff)
    (claimed,) = notifications_claim(channels=["inapp"])
    sender = InAppSender()
    sender.send(claimed)
    assert notification_deliver(notification=claimed, sender=sender) == "sent"  # e.g. re-run after a crash
    assert InboxMessage.objects.filter(notification=queued).count() == 1


def test_a_user_who_left_gets_nothing_and_the_row_says_why(cast, new_case):
    (queued,) = notice(cast, new_case(), cast.community_staff)
    cast.community_staff.is_active = False
    cast.community_staff.save()
    (claimed,) = notifications_claim(channels=["inapp"])
    assert notification_deliver(notification=claimed, sender=InAppSender()) == "pending"
    queued.refresh_from_db()
    assert f"user {cast.community_staff.pk} does not exist or is inactive" == queued.last_error
    assert not InboxMessage.objects.exists()
