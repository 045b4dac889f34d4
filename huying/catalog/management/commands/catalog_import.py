"""`huying catalog_import PATH`: create or update categories from a CSV file; a bad row refuses the whole file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from huying.catalog.csvio import categories_import, csv_text
from huying.lib.errors import InvalidInput


class Command(BaseCommand):
    help = "Create or update categories from a CSV file (columns: code,parent_code,name,name_en,keywords,active)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="the CSV file, UTF-8 or GBK")

    def handle(self, *args, path: Path, **options) -> None:
        try:
            report = categories_import(csv_text(path.read_bytes()))
        except OSError as error:
            raise CommandError(str(error)) from error
        except InvalidInput as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(self.style.SUCCESS(report.summary()))
