"""The outbox: messages queued in the same transaction as the case event, sent later by one worker command.

Delivery is at least once: a sender that dies between the gateway's answer and marking the row sent leaves
the row to be retried when its lease runs out. The gateway cannot be rolled back, so nothing better exists.
"""

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from huying.cases.models import Case
from huying.notify.models import Notification, NotifyStatus
from huying.notify.sending import Held, Sender, SendError

# A claimed row is invisible to other senders for this long; longer than any send (the HTTP timeout is 10 s).
LEASE = dt.timedelta(minutes=5)
# Wait after the 1st, 2nd, … failed attempt (the last value repeats).
BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))
DEFAULT_MAX_ATTEMPTS = 5
# Rows claimed at once: all of them must be sent within the lease even if every send times out (20 × 10 s),
# or a second worker could claim the tail of the batch again and send it twice.
BATCH = 20
# A deadline message that could not go out in time says nothing useful later: a "time is running out"
# reminder after its deadline, or any timer message a day late (a gateway switched on after a week).
STALE_AFTER = dt.timedelta(hours=24)
TIMER_TEMPLATES = ("timer_remind", "timer_overdue", "timer_alert_head", "timer_escalated", "supervision_remind")


def max_attempts() -> int:
    return int(getattr(settings, "HUYING", {}).get("NOTIFY_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def backoff_after(attempts: int) -> dt.timedelta:
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


@dataclass(frozen=True)
class Outgoing:
    """One message to queue with `notifications_enqueue`."""

    channel: str
    recipient: str
    template: str
    context: dict[str, Any]
    dedupe_key: str
    case: Case | None = None
    urgent: bool = False


def notifications_enqueue(messages: list[Outgoing]) -> list[Notification]:
    """Queue many messages in one INSERT; a message whose dedupe key is taken already is left as it was.

    Returns the stored rows for those keys (one more query), whether this call or an earlier one wrote them.
    """
    if not messages:
        return []
    now = timezone.now()
    Notification.objects.bulk_create([
        Notification(channel=m.channel, recipient=m.recipient, template=m.template, context=m.context,
                     dedupe_key=m.dedupe_key, case=m.case, urgent=m.urgent, next_attempt_at=now, created_at=now)
        for m in messages], ignore_conflicts=True)
    keys = [m.dedupe_key for m in messages]
    stored = {n.dedupe_key: n for n in Notification.objects.filter(dedupe_key__in=keys)}
    return [stored[key] for key in dict.fromkeys(keys) if key in stored]


def notification_enqueue(*, channel: str, recipient: str, template: str, context: dict[str, Any],
                         dedupe_key: str, case: Case | None = None, urgent: bool = False) -> Notification:
    """Queue a message unless one with `dedupe_key` exists already (then that one is returned)."""
    (notification,) = notifications_enqueue([Outgoing(channel=channel, recipient=recipient, template=template,
                                                      context=context, dedupe_key=dedupe_key, case=case,
                                                      urgent=urgent)])
    return notification


def notifications_claim(*, channels: list[str], limit: int = BATCH) -> list[Notification]:
    """Take up to `limit` due messages for this sender alone: each row is won by exactly one claimant."""
    now = timezone.now()
    with transaction.atomic():
        due = Notification.objects.filter(status=NotifyStatus.PENDING, channel__in=channels,
                                          next_attempt_at__lte=now).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            # PostgreSQL: a second sender passes over the rows the first is claiming instead of queueing behind.
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        # The conditional UPDATE is the claim itself (SQLite has no row locks): only one writer matches the row
        # while it is still due; the winner pushes it a lease into the future and counts the attempt.
        claimed = [pk for pk in ids if Notification.objects.filter(
            pk=pk, status=NotifyStatus.PENDING, next_attempt_at__lte=now,
        ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1) == 1]
    return list(Notification.objects.filter(pk__in=claimed).order_by("id"))


def is_stale(notification: Notification, now: dt.datetime) -> bool:
    if notification.template not in TIMER_TEMPLATES:
        return False
    if notification.created_at < now - STALE_AFTER:
        return True
    deadline = notification.context.get("deadline_at")
    return notification.template == "timer_remind" and isinstance(deadline, str) and \
        dt.datetime.fromisoformat(deadline) <= now


def notification_deliver(*, notification: Notification, sender: Sender) -> str:
    """Send one claimed message and record the outcome; returns the row's new status (pending = retry later)."""
    if is_stale(notification, timezone.now()):
        Notification.objects.filter(pk=notification.pk).update(status=NotifyStatus.EXPIRED,
                                                               last_error="expired before it could be sent")
        return NotifyStatus.EXPIRED
    try:
        sender.send(notification)
    except Held as held:
        return _record_hold(notification, held.until)
    except SendError as exc:
        return _record_failure(notification, str(exc))
    except Exception as exc:  # a bug with one message must not stop the others; the admin sees what it was
        return _record_failure(notification, f"{type(exc).__name__}: {exc}")
    Notification.objects.filter(pk=notification.pk).update(status=NotifyStatus.SENT, sent_at=timezone.now(),
                                                           last_error="")
    return NotifyStatus.SENT


def _record_hold(notification: Notification, until: dt.datetime) -> str:
    # The claim counted an attempt; a message that was not allowed out did not make one, so it is given back.
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=until, attempts=F("attempts") - 1)
    return NotifyStatus.PENDING


def _record_failure(notification: Notification, error: str) -> str:
    if notification.attempts >= max_attempts():
        status, next_at = NotifyStatus.FAILED, notification.next_attempt_at
    else:
        status, next_at = NotifyStatus.PENDING, timezone.now() + backoff_after(notification.attempts)
    Notification.objects.filter(pk=notification.pk).update(status=status, next_attempt_at=next_at,
                                                           last_error=error[:1000])
    return status


@dataclass
class SendReport:
    counts: dict[str, int] = field(default_factory=lambda: {s: 0 for s in NotifyStatus.values})
    more: bool = False  # stopped at its budget with messages left

    def add(self, status: str) -> None:
        self.counts[status] += 1


def outbox_send_due(*, senders: dict[str, Sender], budget_seconds: float | None = None) -> SendReport:
    """Send every message due now on the channels that have a sender; failures wait for their next attempt.

    With a budget, stop after about that long: rows claimed but not yet tried are handed back at once, and
    `report.more` says work is left (the worker then sees a stop request between passes).
    """
    report = SendReport()
    until = None if budget_seconds is None else time.monotonic() + budget_seconds
    while batch := notifications_claim(channels=list(senders)):
        for i, notification in enumerate(batch):
            if until is not None and time.monotonic() > until:
                _hand_back(batch[i:])
                report.more = True
                return report
            report.add(notification_deliver(notification=notification, sender=senders[notification.channel]))
    return report


def _hand_back(claimed: list[Notification]) -> None:
    """Undo the claim of rows not tried: due again now, the attempt the claim counted given back."""
    Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(next_attempt_at=timezone.now(),
                                                                       attempts=F("attempts") - 1)
