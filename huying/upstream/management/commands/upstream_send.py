"""`huying upstream_send [--once] [--batch N]`: deliver the due upstream messages (回传), then exit."""

import argparse
from collections import Counter

from django.core.management.base import BaseCommand

from huying.upstream.models import OutboxStatus
from huying.upstream.sender import messages_send


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


class Command(BaseCommand):
    help = "Deliver due upstream messages, in order per case; --once sends a single batch."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="send one batch and stop")
        parser.add_argument("--batch", type=_positive, default=100, help="messages per batch (default 100)")

    def handle(self, *args, once: bool, batch: int, **options):
        total: Counter[str] = Counter()
        while True:
            report = messages_send(batch=batch)
            total.update(report)
            # Stop on a short batch (nothing more is due) or one that delivered nothing (the platform is down:
            # its messages wait for their backoff, not for this loop).
            if once or report.total() < batch or not report[OutboxStatus.DELIVERED]:
                break
        self.stdout.write(f"delivered {total[OutboxStatus.DELIVERED]}, will retry {total[OutboxStatus.PENDING]}, "
                          f"failed {total[OutboxStatus.FAILED]}")
