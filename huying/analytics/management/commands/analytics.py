"""`huying analytics refresh|rebuild|verify|mark-all`: keep and check the three rates' ledger (考核台账).

- refresh: recompute every measure due now (what the worker does on each pass) and move the rollups.
- mark-all: mark every case for recomputation (after a bulk load, or a change of the score bands).
- rebuild: replace the rollups with the sums of the stored measures.
- verify: compare the rollups with a recomputation straight from the cases; exit 1 on any difference.
"""

import time

from django.core.management.base import BaseCommand, CommandError

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

    def handle(self, *args, action: str, batch: int, **options):
        started = time.perf_counter()
        if action == "mark-all":
            self.stdout.write(f"marked {measures_mark_all()} cases")
        elif action == "refresh":
            self.stdout.write(f"recomputed {measures_refresh_all(batch=batch)} measures")
        elif action == "rebuild":
            self.stdout.write(f"wrote {rollups_rebuild()} rollup rows")
        else:
            self._verify()
        self.stdout.write(f"took {time.perf_counter() - started:.1f} s")

    def _verify(self) -> None:
        differences = rollups_differences(rollups_expected(), rollups_stored())
        for key, expected, stored in differences[:20]:
            changed = {name: (expected[name], stored[name]) for name in expected if expected[name] != stored[name]}
            self.stdout.write(f"{key}: expected/stored {changed}")
        if differences:
            raise CommandError(f"{len(differences)} rollup rows differ from a recomputation from the cases")
        self.stdout.write("rollups equal a recomputation from the cases")
