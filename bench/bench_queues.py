#!/usr/bin/env python
"""Benchmark: the work queues (工单队列) over a big case table — first page, deep page, filters, Chinese search.

    .venv/bin/python bench/bench_queues.py [--cases 1000000] [--fresh] [--runs 30]

With DATABASE_URL set (a PostgreSQL server) the run uses its own database `huying_bench_queues` on that server,
default one million cases; without it, an SQLite file under var/bench/, default 200,000 cases. The database is
built once and reused by later runs (`--fresh` rebuilds it): migrations, the demo district with its generated
history (`demo_load`, 21,000 cases with their events), then copies of that history shifted back in time by
15 days per copy, bulk-inserted with INSERT … SELECT until the table holds `--cases` rows. Copies are closed
except 1 %, left in an open status (with deadlines long past), so the open queues and the overdue tab grow with
the table — a harder load than a healthy district's.

Each page is fetched through Django's test client in-process (middleware, session, templates, every query), as
the demo logins (street dispatcher, command centre, community, grid worker), warm-up first, then `--runs`
timed requests. Reported: p50/p95 per page, machine size, row counts. Results go to bench/results/.
"""

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from pgbench_common import bench_url, ensure_postgres, machine  # noqa: E402 — bench/ is on the path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "huying_bench_queues"
SHIFT_DAYS = 15
OPEN_SHARE_PERCENT = 1
OPEN_STATUSES = ("dispatched", "accepted", "in_progress", "escalated", "returned", "summoned",
                 "extension_requested", "reopened")


# ---------------------------------------------------------------------------------------------- building

def build(target: int) -> dict:
    """Migrate, load the demo (once), then grow the case table to `target` rows by shifted copies."""
    from django.core.management import call_command
    from django.db import connection

    from huying.cases.models import Case

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo_load", verbosity=0)
    have = Case.objects.count()
    if have >= target:
        return {"built": False, "build_seconds": round(time.perf_counter() - started, 1)}
    seed = Case.objects.filter(number__startswith="HY").count()
    bigrams = importlib.import_module("huying.workbench.migrations.0001_case_search_bigrams")
    trigrams = importlib.import_module("huying.workbench.migrations.0002_case_number_trigrams")
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:  # one index build at the end is much faster than a million index updates
            cursor.execute("DROP INDEX IF EXISTS case_search_bigrams")
            cursor.execute(trigrams.DROP)
        copy = Case.objects.exclude(number__startswith="HY").count() // seed + 1
        while have < target:
            cursor.execute(_copy_sql(connection.vendor, copy, min(seed, target - have)))
            have += cursor.rowcount
            print(f"  copy {copy}: {have:,} cases", file=sys.stderr, flush=True)
            copy += 1
        if postgres:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(bigrams.INDEX.replace("CONCURRENTLY ", ""))
            cursor.execute(trigrams.CREATE.replace("CONCURRENTLY ", ""))
        cursor.execute("ANALYZE")
    return {"built": True, "build_seconds": round(time.perf_counter() - started, 1)}


SHIFTED = {"created_at", "updated_at", "dispatched_at", "response_due_at", "completion_due_at", "responded_at",
           "resolved_at", "closed_at", "extension_until", "consent_at"}


def _copy_sql(vendor: str, copy: int, limit: int) -> str:
    """INSERT … SELECT of `limit` demo cases as copy number `copy`: new numbers, dates moved back."""
    from huying.cases.models import Case

    days = copy * SHIFT_DAYS
    columns, values = [], []
    for field in Case._meta.concrete_fields:
        column = field.column
        if column == "id":
            continue
        if column == "number":
            value = f"'HB{copy:04d}' || substr(number, 3)"
        elif column in ("tracking_token", "merged_into_id", "supervised_at"):
            value = "NULL"
        elif column in ("upstream_id", "upstream_source", "supervision_note"):
            value = "''"
        elif column == "status":  # a fixed pseudo-random share stays open, spread over the open statuses
            pick = " ".join(f"WHEN {i} THEN '{status}'" for i, status in enumerate(OPEN_STATUSES))
            value = (f"CASE WHEN ((id + {copy}) * 7919) % 100 < {OPEN_SHARE_PERCENT} "
                     f"THEN CASE (id * 31) % {len(OPEN_STATUSES)} {pick} END ELSE 'closed' END")
        elif column in SHIFTED:
            value = (f"{column} - interval '{days} days'" if vendor == "postgresql"
                     else f"datetime({column}, '-{days} days')")
        else:
            value = column
        columns.append(column)
        values.append(value)
    return (f"INSERT INTO cases_case ({', '.join(columns)}) SELECT {', '.join(values)} FROM cases_case "
            f"WHERE number LIKE 'HY%' ORDER BY id LIMIT {limit}")


# ------------------------------------------------------------------------------------------- measuring

def pages() -> list[tuple[str, str, str]]:
    """(label, demo login, URL) of every page measured, with cursors and values taken from the data."""
    from django.utils import timezone

    from huying.cases.models import Case
    from huying.catalog.models import Category
    from huying.org.models import User
    from huying.workbench.queues.paging import SORTS
    from huying.workbench.queues.tabs import BY_KEY, Scope

    total = Case.objects.count()
    middle = Case.objects.order_by("-created_at", "-pk").only("pk", "created_at", "urgency")[total // 2]
    command = User.objects.get(username="command")
    overdue = SORTS["urgency"].order(SORTS["urgency"].annotate(
        BY_KEY["overdue"].cases(Scope.of(command), timezone.now())))
    deep_overdue = overdue[min(overdue.count() // 2, 5000)]
    street = User.objects.get(username="street").unit
    top = Category.objects.filter(parent=None).order_by("code").first()
    recent = Case.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    assert street is not None and top is not None and recent is not None
    since = (recent.date().replace(day=1)).isoformat()
    number = Case.objects.filter(number__startswith="HY").order_by("pk").values_list("number", flat=True)[500]

    def q(**params) -> str:
        return "/work/queues/?" + urlencode(params)

    return [
        ("street 待签收 (first page)", "street", "/work/queues/"),
        ("command 待签收 (whole district)", "command", "/work/queues/"),
        ("command 已超时", "command", q(tab="overdue")),
        ("command 全部 first page", "command", "/work/queues/?tab=all"),
        (f"command 全部 deep page (row {total // 2:,}, newest first)", "command",
         q(tab="all", sort="created", after=SORTS["created"].cursor(middle))),
        ("command 已超时 deep page (urgency first)", "command",
         q(tab="overdue", after=SORTS["urgency"].cursor(deep_overdue))),
        ("command 全部 filtered (category tree + street + this month)", "command",
         q(tab="all", category=top.pk, street=street.pk, created_from=since)),
        ("command 全部 filtered (overdue only, by deadline)", "command", q(tab="all", overdue=1, sort="deadline")),
        ("command search 垃圾 (全部; in 14% of cases)", "command", q(tab="all", q="垃圾")),
        ("command search 路灯 (全部; 1.5%)", "command", q(tab="all", q="路灯")),
        ("command search 燃气表故障 (全部; 0.4%)", "command", q(tab="all", q="燃气表故障")),
        ("command search a word found nowhere (全部)", "command", q(tab="all", q="不存在的词")),
        ("command search part of a number", "command", q(tab="all", q=number[-9:])),
        ("street search 垃圾清运 (全部)", "street", q(tab="all", q="垃圾清运")),
        ("department search 路灯 (全部)", "dept", q(tab="all", q="路灯")),
        ("community search 垃圾 (处置中)", "community", q(tab="in_progress", q="垃圾")),
        ("grid worker /work/grid/", "grid", "/work/grid/"),
    ]


def measure(runs: int) -> list[dict]:
    from django.test import Client

    from huying.org.models import User

    out = []
    clients: dict[str, Client] = {}
    for label, username, url in pages():
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(User.objects.get(username=username))
        for _ in range(3):  # warm-up: imports, template and plan caches, the connection
            client.get(url)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200 or "分页位置：" in response.content.decode():
                raise SystemExit(f"{label}: HTTP {response.status_code} or a cursor refused")
        rows = response.content.decode().count("<tr class=") + response.content.decode().count('class="case-card')
        times.sort()
        out.append({"page": label, "url": url, "rows": rows, "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1)})
        print(f"  {label}: p50 {out[-1]['p50_ms']} ms", file=sys.stderr, flush=True)
    return out


def run_child(target: int, runs: int) -> dict:
    import django

    django.setup()
    from django.db import connection

    from huying.cases.models import Case, CaseEvent

    built = build(target)
    result = {"db": connection.vendor, "machine": machine(), **built, "cases": Case.objects.count(),
              "open_cases": Case.objects.exclude(status__in=("closed", "merged", "invalid", "resolved")).count(),
              "events": CaseEvent.objects.count()}
    result["pages"] = measure(runs)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--cases", type=int, help="cases in the table (default 1,000,000 on PostgreSQL, else 200,000)")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--fresh", action="store_true", help="rebuild the benchmark database")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(run_child(args.cases, args.runs)))
        return
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "huying.settings", "HUYING_DEBUG": "0"}
    server = os.environ.get("DATABASE_URL")
    if server:
        env["DATABASE_URL"] = bench_url(server, BENCH_DB)
        ensure_postgres(env["DATABASE_URL"], BENCH_DB, fresh=args.fresh)
        cases = args.cases or 1_000_000
    else:
        data_dir = ROOT / "var" / "bench" / "queues"
        data_dir.mkdir(parents=True, exist_ok=True)
        if args.fresh:
            for stale in data_dir.glob("huying.sqlite3*"):
                stale.unlink()
        env["HUYING_DATA_DIR"] = str(data_dir)
        cases = args.cases or 200_000
    child = subprocess.run([sys.executable, __file__, "--child", "--cases", str(cases), "--runs", str(args.runs)],
                           env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if child.returncode != 0:
        raise SystemExit("benchmark failed (see above)")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / f"queues_{result['db']}_{result['cases']}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False))
    m = result["machine"]
    print(f"{result['db']}: {result['cases']:,} cases ({result['open_cases']:,} open), {result['events']:,} events; "
          f"{m['cpus']} CPUs, {m['memory_gib']} GiB, {m['python']}; build {result['build_seconds']} s")
    for p in result["pages"]:
        print(f"  {p['p50_ms']:>8.1f} ms p50  {p['p95_ms']:>8.1f} ms p95  {p['rows']:>3} rows  {p['page']}")


if __name__ == "__main__":
    main()
