"""`huying catalog_export [PATH|-]`: write the category tree as CSV, the format catalog_import reads."""

import io

from django.core.management.base import BaseCommand

from huying.catalog.csvio import categories_export


class Command(BaseCommand):
    help = "Write the category tree as CSV (UTF-8 with BOM) to PATH, or to standard output with - or no PATH."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", default="-", help="the file to write; - for standard output")

    def handle(self, *args, path: str, **options) -> None:
        if path == "-":
            buffer = io.StringIO(newline="")
            categories_export(buffer)
            self.stdout.write(buffer.getvalue(), ending="")  # the CSV rows carry their own line ends
            return
        with open(path, "w", encoding="utf-8", newline="") as stream:
            count = categories_export(stream)
        self.stdout.write(self.style.SUCCESS(f"{count} categories written to {path}"))
