"""Part of a case number (工单编号) found fast on PostgreSQL: a pg_trgm GIN index on the number.

A number is digits, and digit bigrams are in every case ("20", "26"), so the bigram index cannot narrow a
search for "000123" or "20260930"; trigrams of the number alone can. pg_trgm ships with PostgreSQL and is a
trusted extension (PostgreSQL 13+): the database owner may create it. SQLite searches with LIKE.
"""

from django.db import migrations

# CONCURRENTLY: on a deployment with millions of cases the build must not block new cases.
CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX CONCURRENTLY IF NOT EXISTS case_number_trigrams ON cases_case USING gin (number gin_trgm_ops);
"""
DROP = "DROP INDEX IF EXISTS case_number_trigrams;"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE.strip().splitlines():
            schema_editor.execute(statement, params=None)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
    dependencies = [("workbench", "0001_case_search_bigrams")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
