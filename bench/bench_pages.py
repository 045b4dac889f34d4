#!/usr/bin/env python
"""Benchmark: every staff console page and JSON endpoint, timed as the role that uses it, with the demo history.

    .venv/bin/python bench/bench_pages.py [--runs 20] [--cases 21000] [--postgres URL]

Each database gets a fresh Huying: migrations and `huying demo_load` (the demo district and its history),
then ANALYZE on PostgreSQL (what autovacuum does shortly after a bulk load).
SQLite always; PostgreSQL too when `--postgres` or DATABASE_URL names a server — the benchmark then creates
and drops its own database `<name>_pages_bench` there, never touching the one named. Each page is requested
through the whole Django stack in-process (Django's test client, session middleware included) twice to
warm up and then `--runs` times; reported are the median and the 95th percentile against its budget
(300 ms for a page, 1 s for the wall screen). A page that answers 404 (not built yet) is skipped with a
message; any other status but 200 is an error. Results are printed and written to bench/results/.

To add a page, add a line to PAGES: the URL (with {case} for a case the role can see), the demo user,
and the budget.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_MS = 300
SCREEN_MS = 1000


@dataclass(frozen=True)
class Page:
    url: str
    user: str  # a demo login (see `huying demo_info`)
    budget_ms: int = PAGE_MS


PAGES = [
    # Work queues (工单队列) and the grid worker's phone page
    Page("/work/queues/", "street"),
    Page("/work/queues/", "community"),
    Page("/work/queues/", "dept"),
    Page("/work/queues/", "command"),
    Page("/work/grid/", "grid"),
    # The case page (工单详情)
    Page("/work/cases/{case}/", "street"),
    Page("/work/cases/{case}/", "command"),
    # Maps (地图)
    Page("/work/map/", "command"),
    Page("/work/map/areas.json", "command"),
    Page("/work/map/cases.json", "command"),
    Page("/work/map/heat.json", "command"),
    Page("/work/map/cases.json?status=all&date_from={month_ago}", "command"),
    Page("/work/map/heat.json?status=all&date_from={month_ago}", "command"),
    Page("/work/map/cases.json?status=all", "command"),  # six months: capped to the newest 5,000
    Page("/work/map/cases.json", "street"),
    Page("/work/map/cases.json", "dept"),
    # The command-centre screen (指挥大屏)
    Page("/work/screen/", "command", SCREEN_MS),
    Page("/work/screen/stats.json", "command", SCREEN_MS),
    Page("/work/screen/", "leader", SCREEN_MS),
    # Entry screens (录入)
    Page("/console/hotline/", "operator"),
    Page("/console/visit/", "community"),
    Page("/patrol/", "grid"),
]


def machine() -> str:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores, {mem_gb:.0f} GiB, {platform.machine()}, "
            f"{platform.python_implementation()} {platform.python_version()}")


# ---- the child: one database, every page ----------------------------------------------------------------------

def run_one(db: str, runs: int, cases: int) -> dict:
    """Runs in a child process whose environment already points Django at a fresh `db`."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo_load", cases=cases, verbosity=0)
    if connection.vendor == "postgresql":
        # Autovacuum would refresh the planner's statistics a minute after a bulk load; do it now, or the
        # first minute's plans (row estimates of a near-empty table) are what gets measured.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    setup_s = time.perf_counter() - started
    rows = [time_page(page, runs) for page in PAGES]
    return {"db": db, "machine": machine(), "runs": runs, "cases": cases, "setup_seconds": round(setup_s, 1),
            "pages": rows}


def time_page(page: Page, runs: int) -> dict:
    from django.test import Client

    from huying.org.models import User

    client = Client()
    user = User.objects.get(username=page.user)
    client.force_login(user)
    url = page.url.format(**placeholders(user))
    row: dict = {"url": url, "user": page.user, "budget_ms": page.budget_ms}
    for _ in range(2):  # warm-up: imports, template compilation, per-process caches
        response = client.get(url)
    if response.status_code == 404:
        return {**row, "skipped": "404: not built yet"}
    if response.status_code != 200:
        return {**row, "error": f"HTTP {response.status_code}"}
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    return {**row, "median_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1),
            "bytes": len(response.content), "ok": p95 <= page.budget_ms}


def placeholders(user) -> dict:
    import datetime as dt

    from django.utils import timezone

    from huying.cases.selectors import cases_visible_to
    from huying.cases.workflow import ACTIVE

    case = cases_visible_to(user).filter(status__in=ACTIVE).order_by("-created_at").first()
    month_ago = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    return {"case": case.number if case else "none", "month_ago": month_ago}


# ---- the parent: fresh databases, one child each ---------------------------------------------------------------

def bench_postgres_url(url: str) -> str:
    """The same server as `url`, with a database of the benchmark's own."""
    import dj_database_url

    cfg = dj_database_url.parse(url)
    name = f"{cfg['NAME']}_pages_bench"
    return url.rsplit("/", 1)[0] + "/" + name


def postgres_database(url: str, *, create: bool) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                         password=cfg.get("PASSWORD") or None, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def spawn(db: str, runs: int, cases: int, pg_url: str | None) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "huying.settings", "HUYING_DEBUG": "0"}
    env.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="huying-bench-") as tmp:
        env["HUYING_DATA_DIR"] = tmp  # SQLite file, static root and uploads of this run only
        if db == "postgres":
            assert pg_url
            postgres_database(pg_url, create=True)
            env["DATABASE_URL"] = pg_url
        try:
            out = subprocess.run([sys.executable, __file__, "--child", db, "--runs", str(runs), "--cases", str(cases)],
                                 env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        finally:
            if db == "postgres":
                postgres_database(pg_url, create=False)  # type: ignore[arg-type]
    if out.returncode != 0:
        raise SystemExit(f"{db} run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(result: dict) -> None:
    print(f"\n{result['db']} — {result['cases']} demo cases, {result['runs']} runs per page, "
          f"setup {result['setup_seconds']} s; {result['machine']}")
    print(f"{'page':<58} {'user':<10} {'median':>8} {'p95':>8} {'budget':>7}")
    for row in result["pages"]:
        head = f"{row['url'][:58]:<58} {row['user']:<10}"
        if "skipped" in row:
            print(f"{head} skipped ({row['skipped']})")
        elif "error" in row:
            print(f"{head} ERROR {row['error']}")
        else:
            verdict = "" if row["ok"] else "  OVER BUDGET"
            print(f"{head} {row['median_ms']:>6.1f}ms {row['p95_ms']:>6.1f}ms {row['budget_ms']:>5}ms{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page (after 2 warm-up)")
    parser.add_argument("--cases", type=int, default=21000, help="demo history cases")
    parser.add_argument("--postgres", default=os.environ.get("DATABASE_URL", ""),
                        help="a PostgreSQL server URL (default: DATABASE_URL); the bench makes its own database")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(run_one(args.child, args.runs, args.cases)))
        return
    pg_url = bench_postgres_url(args.postgres) if args.postgres.startswith("postgres") else None
    results = [spawn(db, args.runs, args.cases, pg_url) for db in ["sqlite", *(["postgres"] if pg_url else [])]]
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    for result in results:
        (ROOT / "bench" / "results" / f"pages_{result['db']}.json").write_text(json.dumps(result, indent=2))
        report(result)
    over = [row for r in results for row in r["pages"] if "error" in row or row.get("ok") is False]
    if over:
        raise SystemExit(f"\n{len(over)} page(s) over budget or failing")


if __name__ == "__main__":
    main()
