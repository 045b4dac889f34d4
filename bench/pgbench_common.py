"""What the PostgreSQL benchmarks share: the machine they ran on and a database of their own on the server."""

import os
import platform


def machine() -> dict:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpus": os.cpu_count(), "memory_gib": round(mem_gb, 1),
            "python": f"{platform.python_implementation()} {platform.python_version()}"}


def bench_url(server_url: str, database: str) -> str:
    """The URL of `database` on the server `server_url` points at."""
    import dj_database_url

    cfg = dj_database_url.parse(server_url)
    auth = cfg["USER"] + (f":{cfg['PASSWORD']}" if cfg.get("PASSWORD") else "")
    return f"postgres://{auth}@{cfg['HOST']}:{cfg['PORT'] or 5432}/{database}"


def ensure_postgres(url: str, database: str, fresh: bool) -> None:
    """Create `database` on the server `url` names (dropped first when `fresh`)."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                         password=cfg.get("PASSWORD") or None, dbname="postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(f'CREATE DATABASE "{database}"')


def insert_columns(model, values: dict[str, str], bench: str) -> tuple[list[str], list[str]]:
    """Columns and SQL expressions for an INSERT … SELECT into `model`'s table: `values` where given, else NULL,
    the field's default or '' — so a new column with a default does not break a benchmark's build."""
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.column == "id":
            continue
        if field.column in values:
            expression = values[field.column]
        elif field.null:
            expression = "NULL"
        elif field.has_default():
            expression = sql_literal(field.get_default())
        elif field.get_internal_type() in ("CharField", "TextField"):
            expression = "''"
        else:
            raise SystemExit(f"{bench}: no value for the new column {model._meta.db_table}.{field.column}")
        columns.append(field.column)
        expressions.append(expression)
    return columns, expressions


def sql_literal(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"
