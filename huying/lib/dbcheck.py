"""`python -m huying.lib.dbcheck URL`: exit 0 when the PostgreSQL server behind URL answers."""

import sys

import dj_database_url


def reachable(url: str) -> bool:
    import psycopg

    cfg = dj_database_url.parse(url)
    try:
        # Connect to the maintenance database: the test database itself is created by the test run.
        with psycopg.connect(host=cfg["HOST"] or "127.0.0.1", port=cfg["PORT"] or 5432, user=cfg["USER"],
                             password=cfg["PASSWORD"] or None, dbname="postgres", connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


if __name__ == "__main__":
    sys.exit(0 if reachable(sys.argv[1]) else 1)
