"""One sender per channel, in a registry: the outbox worker asks it for the senders it can use now."""

from collections.abc import Callable
from typing import Protocol

import httpx

from huying.notify.models import Notification, NotifyChannel, SmsGateway
from huying.notify.sms import SendError, sms_post
from huying.notify.templates import message_render


class Sender(Protocol):
    def send(self, notification: Notification) -> None:
        """Deliver one message; SendError when it was not delivered."""


class SmsSender:
    """Texts through the active HTTP SMS gateway."""

    def __init__(self, gateway: SmsGateway, client: httpx.Client):
        self.gateway = gateway
        self.client = client

    @classmethod
    def configured(cls, client: httpx.Client) -> "SmsSender | None":
        gateway = SmsGateway.objects.filter(active=True).order_by("pk").first()
        return cls(gateway, client) if gateway else None

    def send(self, notification: Notification) -> None:
        try:
            text = message_render(notification.template, notification.context)
        except KeyError as exc:  # a template or placeholder missing: no retry will fix it, but record why
            raise SendError(f"template {notification.template}: missing {exc}") from exc
        sms_post(self.gateway, phone=notification.recipient, text=text, client=self.client)


# channel → how to build its sender from today's configuration (None: not configured, leave its rows waiting).
SENDERS: dict[str, Callable[[httpx.Client], Sender | None]] = {
    NotifyChannel.SMS: SmsSender.configured,
}


def senders_available(client: httpx.Client) -> dict[str, Sender]:
    built = {channel: factory(client) for channel, factory in SENDERS.items()}
    return {channel: sender for channel, sender in built.items() if sender is not None}
