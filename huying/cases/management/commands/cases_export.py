"""`huying cases_export --out PATH [--from DATE] [--to DATE] [--format xlsx|csv]`: cases for analysis (分析导出).

Every case created in the date range (days in TIME_ZONE, both ends included), oldest first, without the
reporter's name or phone and with personal data in the texts masked (huying.cases.exporting). The command is
for whoever runs the server, so it has no organisation scope and no row limit; the export is audited.
"""

import argparse
import datetime as dt
import getpass
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huying.cases.exporting import FORMATS, csv_lines, export_audit, xlsx_write
from huying.cases.models import Case


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value}") from error


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0)))


def _operator() -> str:
    try:
        return f"command:{getpass.getuser()}"
    except (KeyError, OSError):  # a container user without a passwd entry
        return f"command:uid{os.getuid()}"


class Command(BaseCommand):
    help = ("Export cases for analysis to Excel or CSV: no reporter name or phone (a caller key instead), phones, "
            "ID numbers and plates in the texts masked. Audited.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="the file to write (.xlsx or .csv)")
        parser.add_argument("--from", dest="start", type=_day, help="first creation day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", type=_day, help="last creation day, YYYY-MM-DD (included)")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, help="default: from the file's suffix, else xlsx")

    def handle(self, *args, out: Path, start: dt.date | None, end: dt.date | None, fmt: str | None,
               **options) -> None:
        out = Path(out)  # call_command passes options unconverted
        if start and end and end < start:
            raise CommandError("--to is before --from")
        fmt = fmt or ("csv" if out.suffix.lower() == ".csv" else "xlsx")
        qs = Case.objects.order_by("created_at", "pk")
        if start:
            qs = qs.filter(created_at__gte=_day_start(start))
        if end:
            qs = qs.filter(created_at__lt=_day_start(end + dt.timedelta(days=1)))
        if fmt == "csv":
            rows = self._write_csv(qs, out)
        else:
            rows = xlsx_write(qs, str(out))
        export_audit(actor=_operator(), fmt=fmt, rows=rows, filters={"from": start, "to": end, "out": str(out)})
        self.stdout.write(self.style.SUCCESS(f"{rows} cases written to {out}"))

    @staticmethod
    def _write_csv(qs, out: Path) -> int:
        with out.open("w", encoding="utf-8", newline="") as stream:
            lines = csv_lines(qs)
            stream.write(next(lines))  # the headings
            rows = 0
            for line in lines:
                stream.write(line)
                rows += 1
        return rows
