"""The `huying` console command: Django's management commands under one name."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huying.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["huying", *argv])
    execute_from_command_line(args)
    return 0
