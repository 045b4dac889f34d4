"""The SMS channel: a JSON POST to the city's HTTP gateway, built from the gateway's body template."""

from typing import Any

import httpx
from django.utils import timezone

from huying.notify.models import Notification, SmsGateway
from huying.notify.phones import mask_phone
from huying.notify.quiet import quiet_end
from huying.notify.sending import Held, SendError, rendered
from huying.notify.templates import message_render

TIMEOUT_SECONDS = 10.0
ERROR_BODY_CHARS = 200


def sms_body(template: Any, *, phone: str, text: str) -> Any:
    """The template with {phone} and {text} replaced in every string, however deeply nested."""
    if isinstance(template, str):
        # replace(), not format(): the template may hold other braces, and the text may hold some too.
        return template.replace("{phone}", phone).replace("{text}", text)
    if isinstance(template, dict):
        return {key: sms_body(value, phone=phone, text=text) for key, value in template.items()}
    if isinstance(template, list):
        return [sms_body(value, phone=phone, text=text) for value in template]
    return template


def sms_post(gateway: SmsGateway, *, phone: str, text: str, client: httpx.Client) -> None:
    """POST one message to the gateway; SendError unless it answers 2xx."""
    body = sms_body(gateway.body_template, phone=phone, text=text)
    try:
        response = client.post(gateway.url, json=body, headers=gateway.headers or {}, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        raise SendError(f"{type(exc).__name__}: {exc}") from exc
    if not response.is_success:
        # Gateways echo the request in their errors: mask the number before the text is stored.
        detail = response.text[:ERROR_BODY_CHARS].replace(phone, mask_phone(phone))
        raise SendError(f"HTTP {response.status_code}: {detail}")


class SmsSender:
    """Texts through the active HTTP SMS gateway; non-urgent ones wait out its quiet hours."""

    def __init__(self, gateway: SmsGateway, client: httpx.Client):
        self.gateway = gateway
        self.client = client

    @classmethod
    def configured(cls, client: httpx.Client) -> "SmsSender | None":
        gateway = SmsGateway.objects.filter(active=True).order_by("pk").first()
        return cls(gateway, client) if gateway else None

    def send(self, notification: Notification) -> None:
        until = quiet_end(timezone.now(), self.gateway.quiet_from, self.gateway.quiet_until)
        if until is not None and not notification.urgent:  # an emergency wakes people up; a reminder waits
            raise Held(until)
        text = rendered(message_render, notification)
        sms_post(self.gateway, phone=notification.recipient, text=text, client=self.client)
