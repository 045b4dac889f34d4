"""`huying timers_rebuild [--batch N]`: arm the deadline timers of open cases written by bulk paths (重建计时器).

Cases made through the services have their timers already; a bulk import, the demo's generated history or
a restored backup does not. Running it again changes nothing that is right already (a timer whose deadline
is unchanged keeps what it has fired).
"""

import argparse

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from huying.cases.models import Case
from huying.cases.timers import timers_rebuild
from huying.cases.workflow import ACTIVE


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def open_case_ids() -> list[int]:
    return list(Case.objects.filter(status__in=ACTIVE).order_by("pk").values_list("pk", flat=True))


def timers_rebuild_batch(case_ids: list[int]) -> int:
    """Sync the timers of these cases in one transaction; returns how many are running on them."""
    with transaction.atomic():
        cases = Case.objects.filter(pk__in=case_ids, status__in=ACTIVE).select_related("tier").order_by("pk")
        if connection.features.has_select_for_update:
            # Case first, then its timers, as case_apply and the worker do: a case changed meanwhile waits for
            # this batch instead of having its fresh timers replaced by ones computed from its old state.
            cases = cases.select_for_update(of=("self",))
        return timers_rebuild(cases)


class Command(BaseCommand):
    help = "Arm the deadline timers of every open case, in batches of one transaction each; prints a count."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", type=_positive, default=500, help="cases per transaction (default 500)")

    def handle(self, *args, batch: int, **options) -> None:
        ids = open_case_ids()
        timers = 0
        for start in range(0, len(ids), batch):
            timers += timers_rebuild_batch(ids[start:start + batch])
        self.stdout.write(f"{timers} timers running on {len(ids)} open cases")
