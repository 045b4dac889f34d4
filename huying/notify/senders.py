"""One sender per channel, in a registry: the outbox worker asks it for the senders it can use now."""

from collections.abc import Callable

import httpx

from huying.notify.inapp import InAppSender
from huying.notify.mail import EmailSender
from huying.notify.models import NotifyChannel
from huying.notify.sending import Sender
from huying.notify.sms import SmsSender
from huying.notify.webhooks import WebhookSender

# channel → how to build its sender from today's configuration (None: not configured, leave its rows waiting).
SENDERS: dict[str, Callable[[httpx.Client], Sender | None]] = {
    NotifyChannel.INAPP: InAppSender.configured,
    NotifyChannel.EMAIL: EmailSender.configured,
    NotifyChannel.SMS: SmsSender.configured,
    NotifyChannel.WEBHOOK: WebhookSender.configured,
}

# What an administrator does to switch on a channel that is not configured.
HOW_TO_CONFIGURE: dict[str, str] = {
    NotifyChannel.EMAIL: "activate a mail server in the admin",
    NotifyChannel.SMS: "activate an SMS gateway in the admin",
}


def senders_available(client: httpx.Client) -> dict[str, Sender]:
    built = {channel: factory(client) for channel, factory in SENDERS.items()}
    return {channel: sender for channel, sender in built.items() if sender is not None}
