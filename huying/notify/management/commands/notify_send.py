"""`huying notify_send [--once]`: send the queued messages that are due, through each configured channel."""

import time

import httpx
from django.core.management.base import BaseCommand

from huying.notify.outbox import outbox_send_due
from huying.notify.senders import HOW_TO_CONFIGURE, senders_available


class Command(BaseCommand):
    help = "Send due notifications (in-app, e-mail, SMS, webhooks); keeps polling unless --once is given."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="send what is due now, then exit")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between polls (default 5)")

    def handle(self, *args, once: bool, interval: float, **options) -> None:
        self._missing: frozenset[str] | None = None
        with httpx.Client() as client:
            while True:
                self._send_pass(client)
                if once:
                    return
                time.sleep(interval)

    def _send_pass(self, client: httpx.Client) -> None:
        # Configuration is read on every pass: a gateway switched on in the admin is used without a restart.
        senders = senders_available(client)
        self._say_what_is_missing(frozenset(HOW_TO_CONFIGURE) - set(senders))
        counts = outbox_send_due(senders=senders).counts
        if any(counts.values()):
            self.stdout.write(" ".join(f"{status}={n}" for status, n in counts.items()))

    def _say_what_is_missing(self, missing: frozenset[str]) -> None:
        # Said when it changes, not on every poll: the log stays readable while the channel stays off.
        if missing and missing != self._missing:
            hints = "; ".join(f"{channel}: {HOW_TO_CONFIGURE[channel]}" for channel in sorted(missing))
            self.stderr.write(f"not configured, their messages wait: {hints}")
        self._missing = missing
