"""`huying cases_import PATH --mapping MAPPING.json`: historical cases from CSV, CSV.GZ or XLSX (历史工单导入)."""

import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from huying.intake.importer import (
    ImportInterrupted,
    ImportOptions,
    ImportOutcome,
    cases_import,
    report_default,
    source_default,
)
from huying.intake.importing.mapping import mapping_load
from huying.lib.errors import InvalidInput


def _batch_size(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("--batch must be 0 or more")
    return number


class Command(BaseCommand):
    help = ("Import historical cases from a spreadsheet by a JSON column mapping. Every row is checked first; "
            "refused rows go to a report (row, column, reason) and are never written. The good rows are "
            "created in one transaction (a failure leaves nothing), or one per --batch rows for huge files.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="CSV (UTF-8 or GB18030), .csv.gz or .xlsx")
        parser.add_argument("--mapping", type=Path, required=True, help="JSON: case field → column")
        parser.add_argument("--sheet", help="Excel sheet (default: the first)")
        parser.add_argument("--source", help="name of the file's origin; upstream ids are unique within it "
                                             "(default: the file name without suffixes)")
        parser.add_argument("--dry-run", action="store_true", help="check and report only; write no case")
        parser.add_argument("--strict", action="store_true", help="write nothing if any row is refused")
        parser.add_argument("--no-route", action="store_true", help="take the cases in without dispatching them")
        parser.add_argument("--batch", type=_batch_size, default=0,
                            help="commit every N rows (default 0: one transaction for the whole run). A failure "
                                 "then keeps the batches before it; rerun the file to finish (needs upstream_id)")
        parser.add_argument("--report", type=Path, help="where refused rows go (default: PATH.refused.csv)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, path: Path, mapping: Path, sheet: str | None, source: str | None, dry_run: bool,
               strict: bool, no_route: bool, batch: int, report: Path | None, no_progress: bool, **options) -> None:
        path, report = Path(path), Path(report) if report else None  # call_command passes options unconverted
        chosen = ImportOptions(
            source=source or source_default(path), sheet=sheet, dry_run=dry_run, strict=strict,
            route=not no_route, batch=batch, report=report or report_default(path),
            progress=False if no_progress else None,
        )
        try:
            outcome = cases_import(path, mapping=mapping_load(Path(mapping)), options=chosen)
        except InvalidInput as error:
            raise CommandError(str(error.message)) from error
        except ImportInterrupted as stop:
            kept = (_("此前已提交的 %(count)d 件保留，重新导入同一文件可续传") % {"count": stop.committed}
                    if batch else _("本次导入未写入任何工单"))
            raise CommandError(_("第 %(row)d 行写入时出错（%(error)s），%(kept)s") % {
                "row": stop.row, "error": stop.cause, "kept": kept}) from stop
        self._summarise(outcome, chosen)

    def _summarise(self, outcome: ImportOutcome, chosen: ImportOptions) -> None:
        for refusal in outcome.first_refusals:
            self.stderr.write(_("第 %(row)d 行“%(column)s”：%(reason)s") % {
                "row": refusal.row, "column": refusal.column, "reason": refusal.reason})
        if outcome.report:
            self.stderr.write(_("%(count)d 行未通过检查，明细见 %(path)s") % {
                "count": outcome.refused, "path": outcome.report})
        counts = {"rows": outcome.rows, "valid": outcome.valid, "refused": outcome.refused,
                  "created": outcome.created, "existing": outcome.existing}
        if chosen.dry_run:
            message = _("试运行：共 %(rows)d 行，%(valid)d 行可导入（其中 %(existing)d 行此前已导入），"
                        "%(refused)d 行被拒；未写入任何工单") % counts
        elif not outcome.written:
            raise CommandError(_("共 %(rows)d 行，%(refused)d 行被拒；按 --strict 未写入任何工单") % counts)
        else:
            message = _("共 %(rows)d 行：新建工单 %(created)d 件，此前已导入 %(existing)d 件，"
                        "%(refused)d 行被拒") % counts
        self.stdout.write(self.style.SUCCESS(message) if not outcome.refused else message)
