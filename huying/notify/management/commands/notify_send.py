"""`huying notify_send [--once]`: send the queued messages that are due, through each configured channel."""

import time

import httpx
from django.core.management.base import BaseCommand

from huying.notify.outbox import outbox_send_due
from huying.notify.senders import senders_available


class Command(BaseCommand):
    help = "Send due notifications (SMS through the active gateway); keeps polling unless --once is given."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="send what is due now, then exit")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between polls (default 5)")

    def handle(self, *args, once: bool, interval: float, **options) -> None:
        with httpx.Client() as client:
            while True:
                self._send_pass(client)
                if once:
                    return
                time.sleep(interval)

    def _send_pass(self, client: httpx.Client) -> None:
        # Configuration is read on every pass: a gateway switched on in the admin is used without a restart.
        senders = senders_available(client)
        if not senders:
            self.stderr.write("no sender is configured (activate an SMS gateway in the admin); nothing sent")
            return
        counts = outbox_send_due(senders=senders).counts
        if any(counts.values()):
            self.stdout.write(" ".join(f"{status}={n}" for status, n in counts.items()))
