"""The webhook channel: every case event, told to the other systems that subscribed, as a signed JSON POST.

The body names the case, the event and the units, never the reporter or the event's note (which may carry
personal data): a receiver that needs more asks through the API with its own access rights.
"""

import hashlib
import hmac
import json
from typing import Any

import httpx
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from huying.cases.models import CaseEvent
from huying.lib.fresh import Fresh
from huying.lib.workcal import SHANGHAI
from huying.notify.models import Notification, NotifyChannel, Webhook
from huying.notify.outbox import notification_enqueue
from huying.notify.sending import SendError

TEMPLATE = "webhook"  # not a text template: the sender builds the JSON body from the context
TIMEOUT_SECONDS = 10.0
ERROR_BODY_CHARS = 200


# The active webhooks, read once and kept for a short while: every case event asks, and the worker writes
# hundreds a second. A change in this process clears it at once; other processes see it within HOOKS_TTL.
HOOKS_TTL = 10.0
_active_hooks: Fresh[list[Webhook]] = Fresh(lambda: list(Webhook.objects.filter(active=True).order_by("pk")),
                                           HOOKS_TTL)


def active_webhooks() -> list[Webhook]:
    return _active_hooks.get()


@receiver([post_save, post_delete], sender=Webhook, dispatch_uid="notify.webhooks_changed")
def webhooks_changed(**kwargs: Any) -> None:
    _active_hooks.forget()


def webhooks_enqueue(*, event: CaseEvent) -> list[Notification]:
    """Queue the event for each active webhook that subscribed to its action (no query while the list is fresh)."""
    hooks = [hook for hook in active_webhooks() if hook.wants(event.action)]
    if not hooks:
        return []
    context = webhook_payload(event)
    return [notification_enqueue(
        channel=NotifyChannel.WEBHOOK, recipient=str(hook.pk), template=TEMPLATE, context=context,
        case=event.case, dedupe_key=f"case:{event.case_id}:event:{event.pk}:webhook:{hook.pk}",
    ) for hook in hooks]


# The event data another system may see: codes, moments, counts and flags. Free text (a leader's requirement,
# a note), people and links (a video room) stay inside Huying.
SHARED_DATA = frozenset({
    "kind", "deadline_at", "due_at", "step", "occurrence", "ref", "told", "recipients", "tier", "from_unit",
    "auto", "reason", "unassigned", "rule", "channel", "place_match", "approved", "until", "report_due_at",
    "all_reported", "departments", "cohandlers", "units", "lead", "into", "from", "by_resident", "round",
    "solved", "source", "responsiveness", "completion", "satisfaction", "on_spot", "since",
})


def webhook_payload(event: CaseEvent) -> dict[str, Any]:
    unit = event.unit or event.case.current_unit  # the target of a dispatch or escalation, else the holder
    return {
        "event": event.pk, "action": event.action, "case": event.case.number,
        "from_status": event.from_status, "to_status": event.to_status,
        "unit": unit.code if unit is not None else None,
        "at": event.created_at.astimezone(SHANGHAI).isoformat(),
        "data": {key: value for key, value in (event.data or {}).items() if key in SHARED_DATA},
    }


def webhook_body(context: dict[str, Any]) -> bytes:
    return json.dumps(context, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">: the timestamp is signed too, so a replay can be refused."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class WebhookSender:
    """Always configured: each message names its webhook, which is looked up when it is sent."""

    def __init__(self, client: httpx.Client):
        self.client = client

    @classmethod
    def configured(cls, client: httpx.Client) -> "WebhookSender":
        return cls(client)

    def send(self, notification: Notification) -> None:
        hook = Webhook.objects.filter(pk=int(notification.recipient), active=True).first() \
            if notification.recipient.isdigit() else None
        if hook is None:
            raise SendError(f"webhook {notification.recipient} was deleted or switched off")
        body = webhook_body(notification.context)
        timestamp = str(int(timezone.now().timestamp()))
        headers = {"Content-Type": "application/json; charset=utf-8", "X-Huying-Timestamp": timestamp,
                   "X-Huying-Signature": webhook_signature(hook.secret, timestamp, body)}
        try:
            response = self.client.post(hook.url, content=body, headers=headers, timeout=TIMEOUT_SECONDS)
        except httpx.HTTPError as exc:
            raise SendError(f"{type(exc).__name__}: {exc}") from exc
        if not response.is_success:
            raise SendError(f"HTTP {response.status_code}: {response.text[:ERROR_BODY_CHARS]}")
