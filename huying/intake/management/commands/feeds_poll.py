"""`huying feeds_poll [--once]`: poll the opinion feeds that are due and take in their new items (舆情监测)."""

import time

import httpx
from django.core.management.base import BaseCommand

from huying.intake.feeds import PollReport, feeds_poll_due


class Command(BaseCommand):
    help = "Poll every active opinion feed whose interval has passed; keeps polling unless --once is given."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="poll the feeds due now, then exit")
        parser.add_argument("--interval", type=float, default=60.0,
                            help="seconds between rounds (default 60); each feed still waits its own poll_minutes")

    def handle(self, *args, once: bool, interval: float, **options) -> None:
        with httpx.Client(headers={"User-Agent": "Huying opinion monitor"}) as client:
            while True:
                for report in feeds_poll_due(client=client):
                    self._say(report)
                if once:
                    return
                time.sleep(interval)

    def _say(self, report: PollReport) -> None:
        line = (f"{report.feed.name}: created {report.created}, already taken {report.seen}, "
                f"skipped {report.skipped}")
        if report.error and not (report.created or report.seen):
            self.stderr.write(f"{line}; error: {report.error}")
        else:
            self.stdout.write(line)
