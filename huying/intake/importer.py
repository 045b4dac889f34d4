"""Historical cases from a spreadsheet (历史工单导入): check every row, report the bad ones, create the good ones.

Two passes over the file. The first checks each row against the mapping and the catalogue and writes the
refusal report; it touches no case. The second (left out by a dry run, and by `strict` when any row was
refused) creates the good rows through case_create_once, by default in ONE transaction for the whole run:
a crash half-way leaves nothing behind. `batch=N` commits every N rows instead, for files too big to hold
in one transaction (on SQLite that transaction also keeps every other writer waiting); a crash then leaves
the batches already committed, and importing the same file again completes it without doubles only when
the mapping gives upstream_id — without one, the committed rows would be created a second time.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from huying.cases.models import Case
from huying.cases.services import case_create_once
from huying.intake.importing.mapping import ImportMapping
from huying.intake.importing.report import RefusalReport
from huying.intake.importing.rows import CaseDraft, Catalogue, Refusal, RowReader, case_max_length
from huying.lib.errors import HuyingError, InvalidInput
from huying.lib.tables import Row, TableSource, table_source

SOURCE_MAX = case_max_length("upstream_source") - len("import:")
ID_CHUNK = 500  # upstream ids per query when a dry run counts the rows imported before

T = TypeVar("T")


@dataclass(frozen=True)
class ImportOptions:
    source: str  # names the file's origin: upstream ids are unique within it
    sheet: str | None = None
    dry_run: bool = False
    strict: bool = False  # refuse the whole file when any row is refused
    route: bool = True
    batch: int = 0  # rows per transaction; 0 = the whole run in one
    report: Path | None = None  # default: next to the file, <name>.refused.csv
    progress: bool | None = None  # None: a progress bar when stderr is a terminal


@dataclass
class ImportOutcome:
    rows: int = 0
    valid: int = 0
    refused: int = 0  # rows, however many problems each has
    created: int = 0
    existing: int = 0  # imported before (same source and upstream id): nothing new made
    written: bool = False  # False: a dry run, or refused as a whole
    report: Path | None = None
    first_refusals: list[Refusal] = field(default_factory=list)


class ImportInterrupted(Exception):
    """Writing failed on `row`; `committed` cases from earlier batches stay (always 0 without batches)."""

    def __init__(self, *, row: int, committed: int, cause: BaseException):
        super().__init__(f"row {row}: {cause!r}")
        self.row, self.committed, self.cause = row, committed, cause


def source_default(path: Path) -> str:
    """The file's name without its suffixes: requests_2011.csv.gz → requests_2011."""
    return path.name.split(".")[0][:SOURCE_MAX]


def report_default(path: Path) -> Path:
    return path.with_name(f"{path.name}.refused.csv")


def cases_import(path: Path, *, mapping: ImportMapping, options: ImportOptions) -> ImportOutcome:
    """Import the rows of `path` as cases; InvalidInput when the file or the options cannot be used at all."""
    if not options.source or len(options.source) > SOURCE_MAX:
        raise InvalidInput(_("来源名称须为 1 到 %(max)d 个字符") % {"max": SOURCE_MAX}, field="source")
    source = table_source(path, sheet=options.sheet)
    outcome = ImportOutcome()
    with RefusalReport(options.report or report_default(path)) as report:
        run = _Run(source=source, mapping=mapping, options=options, report=report, outcome=outcome)
        run.check()
        if not options.dry_run and not (options.strict and outcome.refused):
            run.write()
    outcome.report = report.path if report.written else None
    outcome.first_refusals = report.first
    return outcome


def _chunks(items: Iterator[T], size: int) -> Iterator[Iterator[T]]:
    """`items` in runs of `size` (lazily, all of them in one run when size is 0)."""
    if size <= 0:
        yield items
        return
    while chunk := list(islice(items, size)):
        yield iter(chunk)


@dataclass
class _Run:
    source: TableSource
    mapping: ImportMapping
    options: ImportOptions
    report: RefusalReport
    outcome: ImportOutcome
    catalogue: Catalogue = field(default_factory=Catalogue.load)
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def upstream_source(self) -> str:
        return f"import:{self.options.source}"

    def _bar(self, rows: Iterable[T], *, desc: str, total: int | None = None) -> Iterable[T]:
        disable = None if self.options.progress is None else not self.options.progress
        return tqdm(rows, desc=desc, total=total, unit=" rows", disable=disable, smoothing=0.1)

    def _refuse(self, refusals: Iterable[Refusal]) -> None:
        rows_before = len(self.report.rows)
        for refusal in refusals:
            self.report.add(refusal)
        self.outcome.refused += len(self.report.rows) - rows_before

    def check(self) -> None:
        """First pass: every row converted and checked; refusals reported; no case touched."""
        first_seen: dict[str, int] = {}  # upstream id → the row that has it, to refuse doubles within the file
        with self.source.open() as table:
            reader = self._reader(table.header)
            for number, cells in self._bar(table.rows, desc=_("检查")):
                self.outcome.rows += 1
                draft = reader.convert(number, cells)
                if isinstance(draft, list):
                    self._refuse(draft)
                elif draft.upstream_id and first_seen.setdefault(draft.upstream_id, number) != number:
                    self._refuse([Refusal(number, reader.column_label("upstream_id"), _("编号与第 %(row)d 行重复") % {
                        "row": first_seen[draft.upstream_id]})])
                else:
                    self.outcome.valid += 1
        if self.options.dry_run:
            self.outcome.existing = self._count_existing(list(first_seen))

    def _reader(self, header: list[str]) -> RowReader:
        return RowReader(mapping=self.mapping, header=header, catalogue=self.catalogue, now=self.now)

    def _count_existing(self, upstream_ids: list[str]) -> int:
        found = Case.objects.filter(upstream_source=self.upstream_source)
        return sum(found.filter(upstream_id__in=upstream_ids[i:i + ID_CHUNK]).count()
                   for i in range(0, len(upstream_ids), ID_CHUNK))

    def write(self) -> None:
        """Second pass: the rows the first pass accepted become cases, in one transaction per batch."""
        committed = 0
        with self.source.open() as table:
            reader = self._reader(table.header)
            drafts = iter(self._bar(self._drafts(reader, table.rows), desc=_("导入"), total=self.outcome.valid))
            for chunk in _chunks(drafts, self.options.batch):
                with transaction.atomic():
                    created = sum(self._write_one(draft, reader=reader, committed=committed) for draft in chunk)
                committed += created  # only now: a failed batch rolled back its cases
                self.outcome.created = committed
        self.outcome.written = True

    def _drafts(self, reader: RowReader, rows: Iterator[Row]) -> Iterator[CaseDraft]:
        for number, cells in rows:
            if number in self.report.rows:
                continue
            draft = reader.convert(number, cells)
            if isinstance(draft, list):  # the check saw the same row, catalogue and clock; kept as a last guard
                self._refuse(draft)
                continue
            yield draft

    def _write_one(self, draft: CaseDraft, *, reader: RowReader, committed: int) -> bool:
        try:
            case, created = case_create_once(
                scope=self.upstream_source, by=None, auto_route=self.options.route,
                upstream_source=self.upstream_source, triage=False,  # history: no suggestions, no merging
                **draft.case_fields(),
            )
        except HuyingError as error:
            # case_create_once ran it in a savepoint, rolled back on its own: the row is refused, the run goes on.
            self._refuse([Refusal(draft.row, reader.column_label(error.field or ""), str(error.message))])
            return False
        except Exception as error:
            raise ImportInterrupted(row=draft.row, committed=committed, cause=error) from error
        if not created:
            self.outcome.existing += 1
        elif draft.created_at is not None:
            # Imported history keeps the time the resident raised it, so rates and trends count it where it
            # belongs; the only place a case's created_at is not "now". Its events keep the real time of intake.
            Case.objects.filter(pk=case.pk).update(created_at=draft.created_at)
        return created
