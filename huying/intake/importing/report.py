"""The refusal report: one CSV line per problem (row, column, reason), written as problems are found.

Streamed to disk rather than collected, so a wrong mapping over a million rows cannot exhaust memory; the
first few are also kept to show on the console.
"""

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import IO

from django.utils.translation import gettext as _

from huying.intake.importing.rows import Refusal

SHOWN = 10


class RefusalReport:
    """Opened on the first refusal, so a clean import leaves no empty report behind."""

    def __init__(self, path: Path):
        self.path = path
        self.first: list[Refusal] = []
        self.rows: set[int] = set()  # row numbers refused, so the writing pass can step over them
        self._stream: IO[str] | None = None
        self._writerow: Callable[[Iterable[object]], object] | None = None

    def add(self, refusal: Refusal) -> None:
        if self._writerow is None:
            # utf-8-sig: the BOM is how Excel knows the file is UTF-8 and not the locale's GBK
            self._stream = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writerow = csv.writer(self._stream).writerow
            self._writerow([_("行号"), _("列"), _("原因")])
        self._writerow([refusal.row, refusal.column, refusal.reason])
        self.rows.add(refusal.row)
        if len(self.first) < SHOWN:
            self.first.append(refusal)

    @property
    def written(self) -> bool:
        return self._writerow is not None

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()

    def __enter__(self) -> "RefusalReport":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
