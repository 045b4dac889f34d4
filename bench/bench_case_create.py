#!/usr/bin/env python
"""Benchmark: create cases through the REST API (routing, deadlines and audit included).

    .venv/bin/python bench/bench_case_create.py [--db sqlite|postgres|both] [--n 2000]

Each database gets a fresh Huying: migrations, the demo district (with a small history so the tables are
not empty) and an API token for the demo operator. Then `--n` POST /api/v1/cases requests go through the
whole Django stack in-process (middleware, token auth, validation, place resolution, dispatch rule,
working-day deadlines, case number, two audit events, JSON response), one after another. Reported: cases
per second and p50/p99 latency per request. Results are printed and written to bench/results/.
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("HUYING_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/huying_bench")


def machine() -> str:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {mem_gb:.0f} GiB, {platform.python_implementation()} {platform.python_version()}"


def fresh_postgres(url: str) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def payloads(n: int, seed: int) -> list[dict]:
    from huying.catalog.models import DispatchRule, RequestType
    from huying.geo.models import Building

    rng = random.Random(seed)
    buildings = list(Building.objects.values_list("name", "lat", "lon"))
    categories = list(DispatchRule.objects.filter(active=True).values_list("category__code", flat=True))
    types = list(RequestType.objects.values_list("code", flat=True))
    out = []
    for i in range(n):
        name, lat, lon = rng.choice(buildings)
        body = {"channel": "hotline", "request_type": rng.choice(types), "category": rng.choice(categories),
                "description": f"{name}附近有问题需要处理，第{i}次反映，请尽快安排人员到场。",
                "reporter_name": "测试", "reporter_phone": f"139{rng.randrange(10**8):08d}"}
        if rng.random() < 0.5:
            body["address"] = name  # half by address text (registry match), half by coordinates
        else:
            body.update(lat=lat, lon=lon)
        out.append(body)
    return out


def run_one(db: str, n: int, seed: int) -> dict:
    """Runs in a child process whose environment already points Django at `db`."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from huying.cases.models import Case, CaseEvent
    from huying.org.models import User
    from huying.org.tokens import token_create

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo_load", cases=2000, verbosity=0)
    setup_s = time.perf_counter() - started
    _token, key = token_create(user=User.objects.get(username="operator"), name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    bodies = payloads(n, seed)
    cases_before, events_before = Case.objects.count(), CaseEvent.objects.count()
    for body in bodies[:20]:  # warm-up: imports, caches, connection
        client.post("/api/v1/cases", body, content_type="application/json")
    latencies = []
    wall = time.perf_counter()
    for body in bodies[20:]:
        t0 = time.perf_counter()
        response = client.post("/api/v1/cases", body, content_type="application/json")
        latencies.append(time.perf_counter() - t0)
        if response.status_code != 201:
            raise SystemExit(f"unexpected {response.status_code}: {response.content[:300]!r}")
    wall = time.perf_counter() - wall
    created = Case.objects.count() - cases_before
    latencies.sort()
    return {
        "db": db, "machine": machine(), "requests": len(latencies), "cases_created": created,
        "events_written": CaseEvent.objects.count() - events_before,
        "cases_per_second": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2), "setup_seconds": round(setup_s, 1),
    }


def spawn(db: str, n: int, seed: int) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "huying.settings", "HUYING_DEBUG": "0"}
    env.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="huying-bench-") as tmp:
        if db == "sqlite":
            env["HUYING_DATA_DIR"] = tmp
        else:
            fresh_postgres(PG_URL)
            env["DATABASE_URL"] = PG_URL
        out = subprocess.run([sys.executable, __file__, "--child", db, "--n", str(n), "--seed", str(seed)],
                             env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{db} run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--n", type=int, default=2000, help="requests per database (after 20 warm-up)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(run_one(args.child, args.n + 20, args.seed)))
        return
    results = [spawn(db, args.n, args.seed) for db in (["sqlite", "postgres"] if args.db == "both" else [args.db])]
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    for r in results:
        (ROOT / "bench" / "results" / f"case_create_{r['db']}.json").write_text(json.dumps(r, indent=2))
        print(f"{r['db']:>8}: {r['cases_per_second']:>7} cases/s  p50 {r['p50_ms']} ms  p99 {r['p99_ms']} ms  "
              f"({r['requests']} requests, {r['events_written']} events; {r['machine']})")


if __name__ == "__main__":
    main()
