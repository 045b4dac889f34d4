"""Delivering the upstream outbox: signed JSON POSTs to each platform, at least once, in order per case.

A message is sent only when every earlier message of its case has been delivered. A message that has failed
for good (MAX_ATTEMPTS) therefore holds back the later ones of its case until an administrator retries it:
the platform must never hear "closed" before "resolved", and a gap it cannot see would be worse than a delay
it can (the failure shows in the admin with its last error).
"""

import datetime as dt
import hashlib
import hmac
import json
import logging
from collections import Counter
from contextlib import nullcontext

import httpx
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from huying.upstream.models import OutboxStatus, UpstreamMessage

logger = logging.getLogger(__name__)

TIMEOUT = 10.0  # seconds, per request
MAX_ATTEMPTS = 12
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(hours=1)
# A claimed message is hidden from other senders this long: well past TIMEOUT, so it goes to another sender
# only when the one that claimed it died mid-send (and then it is sent again: at least once, not exactly once).
LEASE = dt.timedelta(minutes=2)
CANDIDATES = 20  # rows a claim without SKIP LOCKED tries before giving up for this round
ERROR_MAX = 500


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try after `attempts` failed ones: 30 s, 1 min, 2 min … at most an hour."""
    return min(BACKOFF_BASE * 2 ** min(max(attempts - 1, 0), 16), BACKOFF_CAP)


def messages_due(now: dt.datetime) -> QuerySet[UpstreamMessage]:
    """Pending messages whose time has come and that are first in their case's line.

    A deactivated platform's messages stay pending (and visible) until it is active again.
    """
    earlier_undelivered = UpstreamMessage.objects.filter(
        case=OuterRef("case"), seq__lt=OuterRef("seq")
    ).exclude(status=OutboxStatus.DELIVERED)
    return (
        UpstreamMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now, platform__active=True)
        .exclude(Exists(earlier_undelivered))
        .order_by("next_attempt_at", "id")
    )


def _lease(message: UpstreamMessage, now: dt.datetime) -> bool:
    """Take `message` for one attempt; False when another sender took it first."""
    # Conditional on the attempts we read: of two senders that read the same row, exactly one matches.
    won = UpstreamMessage.objects.filter(
        pk=message.pk, status=OutboxStatus.PENDING, attempts=message.attempts, next_attempt_at__lte=now
    ).update(attempts=message.attempts + 1, next_attempt_at=now + LEASE)
    if won:
        message.attempts += 1
    return won == 1


def message_claim(*, now: dt.datetime) -> UpstreamMessage | None:
    """The next due message, leased to this sender alone; None when nothing is due."""
    due = messages_due(now).select_related("platform", "case")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            # PostgreSQL: a row another sender is claiming is passed over rather than waited for.
            message = due.select_for_update(skip_locked=True, of=("self",)).first()
            return message if message is not None and _lease(message, now) else None
    # SQLite has no row locks; the conditional update in _lease decides between racing senders.
    return next((m for m in due[:CANDIDATES] if _lease(m, now)), None)


def message_body(message: UpstreamMessage) -> bytes:
    return json.dumps(message.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, body: bytes) -> str:
    """The X-Huying-Signature header: HMAC-SHA256 of the raw body with the platform's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def message_post(*, message: UpstreamMessage, client: httpx.Client, now: dt.datetime) -> str:
    """POST `message` to its platform: "" when the platform took it (2xx), otherwise what went wrong."""
    platform = message.platform
    if not platform.callback_url:
        return "no callback URL configured"
    body = message_body(message)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Huying-Signature": signature(platform.secret, body),
        "X-Huying-Timestamp": str(int(now.timestamp())),
        "X-Huying-Delivery": str(message.pk),
    }
    try:
        response = client.post(platform.callback_url, content=body, headers=headers)
    except Exception as exc:  # whatever broke this send is recorded on it; the other messages go on
        return f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
    if response.is_success:
        return ""
    return f"HTTP {response.status_code}: {response.text[:200]}"[:ERROR_MAX]


def message_record(*, message: UpstreamMessage, error: str, now: dt.datetime) -> str:
    """Store the outcome of the attempt `message` was claimed for; returns its new status."""
    # Still ours only if nobody re-claimed it (its lease ran out) or an admin reset it meanwhile.
    mine = UpstreamMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING, attempts=message.attempts)
    if not error:
        mine.update(status=OutboxStatus.DELIVERED, delivered_at=now)
        return OutboxStatus.DELIVERED
    logger.warning("upstream message %s (case %s) attempt %s failed", message.pk, message.case.number,
                   message.attempts)  # the error text stays in the row: it may quote the platform's reply
    if message.attempts >= MAX_ATTEMPTS:
        mine.update(status=OutboxStatus.FAILED, last_error=error)
        return OutboxStatus.FAILED
    mine.update(next_attempt_at=now + backoff(message.attempts), last_error=error)
    return OutboxStatus.PENDING


def messages_send(*, batch: int = 100, client: httpx.Client | None = None) -> Counter[str]:
    """Deliver up to `batch` due messages; counts the outcomes by status (pending = will retry later)."""
    report: Counter[str] = Counter()
    with nullcontext(client) if client is not None else httpx.Client(timeout=TIMEOUT) as http:
        for _ in range(batch):
            message = message_claim(now=timezone.now())
            if message is None:
                break
            error = message_post(message=message, client=http, now=timezone.now())
            report[message_record(message=message, error=error, now=timezone.now())] += 1
    return report
