"""Public case numbers: prefix + date + a per-day sequence, e.g. HY20261122000123."""

import datetime as dt

from django.conf import settings
from django.db import connection

from huying.cases.models import CaseNumberCounter
from huying.lib.workcal import SHANGHAI

_TABLE = CaseNumberCounter._meta.db_table

# One statement takes the next number: the first of the day inserts the row, later ones increment it under
# the row lock, so concurrent intakes never share a number (SQLite ≥ 3.35 and PostgreSQL both speak this).
_NEXT_SQL = (
    f'INSERT INTO "{_TABLE}" ("day", "last") VALUES (%s, 1) '
    f'ON CONFLICT ("day") DO UPDATE SET "last" = "{_TABLE}"."last" + 1 RETURNING "last"'
)


def case_number_next(now: dt.datetime) -> str:
    """Take the next number of the day; run it inside the caller's transaction so a rollback gives it back."""
    day = now.astimezone(SHANGHAI).date()
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_SQL, [day.isoformat()])
        (last,) = cursor.fetchone()
    return f"{settings.HUYING['CASE_NUMBER_PREFIX']}{day:%Y%m%d}{last:06d}"
