"""The upstream outbox (回传发件箱): what happened to a forwarded case, queued for its platform in case order."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Max
from django.utils import timezone

from huying.cases.models import Case, CaseEvent
from huying.upstream.models import OutboxStatus, UpstreamMessage, UpstreamPlatform

# What the platform hears about: status changes it tracks and the result. Dispatching inside our district,
# notes and summons are our own business.
REPORTED_ACTIONS = frozenset({
    "accept", "resolve", "close", "return", "reopen", "invalidate", "merge", "escalate", "decide_extension",
})


def _iso(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def message_payload(*, case: Case, event: CaseEvent, seq: int) -> dict[str, Any]:
    """The JSON the platform receives: its id and ours, what happened, when (Beijing time), and the text."""
    payload: dict[str, Any] = {
        "upstream_id": case.upstream_id, "number": case.number, "seq": seq, "action": event.action,
        "status": event.to_status, "at": _iso(event.created_at), "note": event.note,
        "completion_due_at": _iso(case.completion_due_at),
    }
    if event.action == "resolve":
        payload["result"] = case.result
    elif event.action == "merge":
        payload["merged_into"] = event.data.get("into")
    elif event.action == "decide_extension":
        payload["extension_approved"] = bool(event.data.get("approved"))
    return payload


def platform_for(case: Case) -> UpstreamPlatform | None:
    """The active platform that forwarded `case`, if any."""
    if not case.upstream_source or not case.upstream_id:
        return None
    return UpstreamPlatform.objects.filter(code=case.upstream_source, active=True).first()


def message_enqueue(*, event: CaseEvent) -> UpstreamMessage | None:
    """Queue `event` for the platform that forwarded its case. Must run in the transaction that wrote the event."""
    case = event.case
    if event.action not in REPORTED_ACTIONS:
        return None
    platform = platform_for(case)
    if platform is None:
        return None
    # Every reported action comes through case_apply, which has just updated (and so locked) the case row in
    # this transaction: no other writer can number a message of this case until we commit. The unique
    # (case, seq) constraint is the backstop if that ever stops being true.
    last = UpstreamMessage.objects.filter(case=case).aggregate(last=Max("seq"))["last"] or 0
    seq = last + 1
    return UpstreamMessage.objects.create(
        platform=platform, case=case, event=event, seq=seq, payload=message_payload(case=case, event=event, seq=seq),
        next_attempt_at=event.created_at, created_at=event.created_at,
    )


def messages_retry(*, messages: Iterable[UpstreamMessage]) -> int:
    """Send these undelivered messages again now, with a fresh round of attempts (the admin's "retry now")."""
    ids = [m.pk for m in messages]
    # Delivered ones stay delivered: putting one back in the queue would block its case's later messages.
    return UpstreamMessage.objects.filter(pk__in=ids).exclude(status=OutboxStatus.DELIVERED).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
