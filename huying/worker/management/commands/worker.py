"""`huying worker`: the periodic work — deadline timers, the notification outbox, the upstream outbox, feeds.

Runs until SIGTERM or Ctrl-C (each duty finishes the pass it is in); any number may run at once against
PostgreSQL. `--once` and `--until-idle` run the duties in turn and exit, for cron, tests and benchmarks.
"""

import argparse

from django.core.management.base import BaseCommand, CommandError

from huying.worker.duties import DUTY_NAMES, duties_build
from huying.worker.loop import FOREVER, ONCE, UNTIL_IDLE, Worker


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _positive_seconds(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return number


def _duty_list(value: str) -> list[str]:
    names = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in DUTY_NAMES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown duty {', '.join(unknown)}; choose from {','.join(DUTY_NAMES)}")
    if not names:
        raise argparse.ArgumentTypeError(f"name at least one duty of {','.join(DUTY_NAMES)}")
    return names


class Command(BaseCommand):
    help = ("Run the periodic work: deadline timers, notifications, upstream messages, opinion feeds. Runs until "
            "stopped unless --once or --until-idle is given.")

    def add_arguments(self, parser) -> None:
        modes = parser.add_mutually_exclusive_group()
        modes.add_argument("--once", action="store_true", help="one pass of each duty, in turn, then exit")
        modes.add_argument("--until-idle", action="store_true",
                           help="passes of each duty, in turn, until a round in which none had anything to do")
        parser.add_argument("--duties", type=_duty_list, default=list(DUTY_NAMES),
                            help=f"comma-separated, from {','.join(DUTY_NAMES)} (default: all)")
        parser.add_argument("--batch", type=_positive_int, default=100,
                            help="timers claimed per transaction, upstream messages per pass (default 100)")
        parser.add_argument("--interval", type=_positive_seconds, default=5.0,
                            help="seconds between passes of the timers and the notifications while idle (default 5)")

    def handle(self, *args, once: bool, until_idle: bool, duties: list[str], batch: int, interval: float,
               **options) -> None:
        duties = _duty_list(duties) if isinstance(duties, str) else duties  # call_command passes it unconverted
        mode = ONCE if once else UNTIL_IDLE if until_idle else FOREVER
        worker = Worker(duties_build(duties, interval=interval), batch=batch, say=self._say)
        try:
            worker.run(mode)
        except KeyboardInterrupt:  # a second Ctrl-C: stop without a traceback
            raise SystemExit(130) from None
        if mode != FOREVER and worker.failing:
            raise CommandError(f"failed: {', '.join(sorted(worker.failing))} (see the log and the worker's beat)")

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()  # beside runserver, or read by a test, lines must show as they happen
