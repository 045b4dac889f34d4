"""`huying analytics refresh|rebuild|verify|mark-all`: keep and check the three rates' ledger (考核台账).

- refresh: recompute every measure due now (what the worker does on each pass) and move the rollups.
- mark-all: mark every case for recomputation (after a bulk load, or a change of the score bands).
- rebuild: replace the rollups with the sums of the stored measures.
- verify: compare the rollups with a recomputation straight from the cases; exit 1 on any difference. It first
  does the worker's pending work (what was marked, or fell due, since its last pass), unless `--no-refresh`:
  a case changed a second ago is not a wrong rollup.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huying.analytics.marks import measures_mark_all
from huying.analytics.refresh import (
    measures_refresh_all,
    rollups_differences,
    rollups_expected,
    rollups_rebuild,
    rollups_stored,
)


class Command(BaseCommand):
    help = "Keep the rates' ledger: refresh due measures, mark all, rebuild the rollups, or verify them."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh", "rebuild", "verify", "mark-all"])
        parser.add_argument("--batch", type=int, default=1000)
        parser.add_argument("--no-refresh", action="store_true",
                            help="verify: compare as stored, without first recomputing the measures due now")

    def handle(self, *args, action: str, batch: int, no_refresh: bool = False, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        started, now = time.perf_counter(), timezone.now()
        if action == "mark-all":
            self.stdout.write(f"marked {measures_mark_all()} cases")
        elif action == "refresh":
            self.stdout.write(f"recomputed {measures_refresh_all(batch=batch)} measures")
        elif action == "rebuild":
            self.stdout.write(f"wrote {rollups_rebuild()} rollup rows")
        else:
            if not no_refresh:
                measures_refresh_all(batch=batch, now=now)
            self._verify(now)
        self.stdout.write(f"took {time.perf_counter() - started:.1f} s")

    def _verify(self, now: dt.datetime) -> None:
        differences = rollups_differences(rollups_expected(now=now), rollups_stored())
        for key, expected, stored in differences[:20]:
            changed = {name: (expected[name], stored[name]) for name in expected if expected[name] != stored[name]}
            self.stdout.write(f"{key}: expected/stored {changed}")
        if differences:
            raise CommandError(f"{len(differences)} rollup rows differ from a recomputation from the cases")
        self.stdout.write("rollups equal a recomputation from the cases")
