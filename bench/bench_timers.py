#!/usr/bin/env python
"""Benchmark: deadline timers (自动督办) over a million open cases — how late reminders fire, how long a pass takes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_timers.py \\
        [--cases 1000000] [--window 150] [--rate 100] [--backlog 10000] [--workers 1] [--keep]

PostgreSQL only: several workers claiming timers with SKIP LOCKED is the production set-up; SQLite has one
writer and is not the place for a million open cases. The run uses its own database `huying_bench_timers` on
the server DATABASE_URL names, rebuilt unless `--keep` (reuse the one built before).

Building: migrations, 50 communities with two handlers each (one of them the unit head, both with a mobile
and an e-mail, so every reminder queues real messages), then `--cases` open cases (in progress, tier A2,
spread over the communities) and one running completion timer each, written with INSERT … SELECT
generate_series. The default reminder policy seeded by the migrations applies.

Measuring, with real `huying worker --duties timers` processes (`--workers`, default one) at their default pace
(a pass every 5 s while idle; passes back to back while work is due):
1. Idle: nothing due, a million timers in the future. The pass time from the worker's heartbeat, and the
   same pass timed in-process.
2. Window: for `--window` seconds, reminders come due at `--rate` per second (alternately "half the time gone",
   in-app, and "one hour left", in-app + SMS + e-mail; two handlers each, so 4 or 6 messages per step); all
   other timers stay in the future. Lag = the event's created_at − its step's due moment, for every step.
3. Backlog: `--backlog` reminders due at the same moment (a worker that was down), drained by a fresh
   `huying worker --until-idle` (one per `--workers`): time to drain, pass times, lags.
Before every run the timers are re-timed around the run's start, so a kept database measures the same thing.
Results are printed and written to bench/results/.
"""

import argparse
import datetime as dt
import importlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from pgbench_common import bench_url, ensure_postgres, insert_columns, machine  # noqa: E402 — bench/ is on the path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "huying_bench_timers"
UNITS = 50
CHUNK = 100_000  # cases per INSERT … SELECT
LEAD = 20.0  # seconds between the worker's start and the first due step: idle passes are sampled meanwhile
TARGET_LAG = 60.0  # seconds: issue 5's target


# ---------------------------------------------------------------------------------------------- building

def build(target: int) -> dict:
    """Migrate, then grow the bench's cases and their timers to `target` (continuing a build cut short)."""
    from django.core.management import call_command
    from django.db import connection

    from huying.cases.models import Case

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    have = Case.objects.filter(number__startswith="BT").count()
    if have >= target:
        return {"built": False, "build_seconds": round(time.perf_counter() - started, 1)}
    units = org_build()
    bigrams = importlib.import_module("huying.workbench.migrations.0001_case_search_bigrams")
    trigrams = importlib.import_module("huying.workbench.migrations.0002_case_number_trigrams")
    with connection.cursor() as cursor:
        # One index build at the end is much faster than a million index updates.
        cursor.execute("DROP INDEX IF EXISTS case_search_bigrams")
        cursor.execute(trigrams.DROP)
        while have < target:
            last = min(have + CHUNK, target)
            cursor.execute(_cases_sql(have + 1, last, units))
            cursor.execute(_timers_sql(have + 1, last))
            have = last
            print(f"  {have:,} cases and timers ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(bigrams.INDEX.replace("CONCURRENTLY ", ""))
        cursor.execute(trigrams.CREATE.replace("CONCURRENTLY ", ""))
        cursor.execute("VACUUM ANALYZE" if connection.get_autocommit() else "ANALYZE")
    return {"built": True, "build_seconds": round(time.perf_counter() - started, 1)}


def org_build() -> list[int]:
    """A street of `UNITS` communities, each with two handlers (the first its head); their unit ids."""
    from huying.org.models import Role, Unit, UnitKind, User

    district, _ = Unit.objects.get_or_create(code="BT01", defaults={"name": "基准区", "kind": UnitKind.DISTRICT})
    street, _ = Unit.objects.get_or_create(code="BT0101", defaults={
        "name": "基准街道", "kind": UnitKind.STREET, "parent": district})
    ids = []
    for n in range(UNITS):
        unit, created = Unit.objects.get_or_create(code=f"BT0101{n:03d}", defaults={
            "name": f"基准社区{n}", "kind": UnitKind.COMMUNITY, "parent": street})
        ids.append(unit.pk)
        if created:
            for k in range(2):
                User.objects.create(username=f"bench{n}-{k}", password="!", unit=unit, role=Role.COMMUNITY_STAFF,
                                    phone=f"139{n:04d}{k:04d}", email=f"bench{n}-{k}@example.org",
                                    is_unit_head=k == 0)
    return ids


def _cases_sql(first: int, last: int, units: list[int]) -> str:
    """INSERT … SELECT of cases `first`..`last`: in progress at a community, tier A2. Every NOT NULL column
    without a value here takes its model default, so a new column with a default does not break the build."""
    from huying.cases.models import Case
    from huying.catalog.models import RequestType, Tier
    from huying.org.models import Unit

    street = Unit.objects.get(code="BT0101")
    unit = f"(ARRAY[{','.join(map(str, units))}])[g % {len(units)} + 1]"
    values = {
        "number": "'BT' || lpad(g::text, 12, '0')", "channel": "'hotline'",
        "request_type_id": str(RequestType.objects.get(code="complaint").pk),
        "title": "'基准测试工单 ' || g", "description": "'基准测试：门口垃圾没人清运，第 ' || g || ' 件'",
        "address": "''", "community_id": unit, "current_unit_id": unit, "street_id": str(street.pk),
        "district_id": str(street.parent_id), "tier_id": str(Tier.objects.get(code="A2").pk),
        "status": "'in_progress'", "dispatched_at": "now() - interval '1 day'",
        "responded_at": "now() - interval '23 hours'", "response_due_at": "now() - interval '22 hours'",
        "completion_due_at": "now() + interval '1 day'", "created_at": "now() - interval '1 day'",
        "updated_at": "now()",
    }
    columns, expressions = insert_columns(Case, values, "bench_timers")
    return (f"INSERT INTO cases_case ({', '.join(columns)}) SELECT {', '.join(expressions)} "
            f"FROM generate_series({first}, {last}) AS g")


def _timers_sql(first: int, last: int) -> str:
    """One completion timer per case, parked in the future until a run times it."""
    return ("INSERT INTO cases_casetimer (case_id, kind, ref, unit_id, tier_id, started_at, deadline_at, next_at, "
            "fired_through, attempts, last_error) "
            "SELECT id, 'completion', 0, current_unit_id, tier_id, now(), now() + interval '30 days', "
            "now() + interval '15 days', NULL, 0, '' FROM cases_case "
            f"WHERE number BETWEEN 'BT{first:012d}' AND 'BT{last:012d}'")


# ------------------------------------------------------------------------------------------------ timing

def retime(t0: dt.datetime, rate: float, window: float) -> tuple[int, int]:
    """Re-time every timer around `t0`: the first rate × window cases get one reminder each, due from t0 at
    `rate` per second; all the others are due days later. Returns (first case id, steps due in the window)."""
    from django.db import connection

    steps = int(rate * window)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(case_id) FROM cases_casetimer")
        first = cursor.fetchone()[0]
        i = f"(case_id - {first})"
        due = f"(%(t0)s::timestamptz + {i} / {float(rate)} * interval '1 second')"
        in_window = f"{i} < {steps}"
        half = f"mod({i}, 2) = 0"  # even: "half the time gone" (in-app); odd: "one hour left" (in-app, SMS, e-mail)
        started = (f"CASE WHEN {in_window} THEN CASE WHEN {half} THEN {due} - interval '4 hours' "
                   f"ELSE {due} - interval '7 hours' END ELSE %(t0)s::timestamptz - interval '1 day' END")
        deadline = (f"CASE WHEN {in_window} THEN CASE WHEN {half} THEN {due} + interval '4 hours' "
                    f"ELSE {due} + interval '1 hour' END "
                    f"ELSE %(t0)s::timestamptz + (mod({i}, 58) + 2) * interval '1 day' END")
        # In the window, every step before t0 counts as done (the half-time step of the "hour left" timers);
        # outside it, the next step is half the time: at least half a day after t0.
        cursor.execute(
            f"UPDATE cases_casetimer SET started_at = {started}, deadline_at = {deadline}, "
            f"fired_through = CASE WHEN {in_window} THEN %(t0)s::timestamptz - interval '1 second' END, "
            f"next_at = CASE WHEN {in_window} THEN {due} "
            f"ELSE %(t0)s::timestamptz - interval '1 day' + ((mod({i}, 58) + 3) * interval '1 day') / 2 END, "
            "attempts = 0, last_error = ''", {"t0": t0})
        cursor.execute("VACUUM ANALYZE cases_casetimer")  # the update left a million dead rows behind
    return first, steps


def window_shift(first: int, steps: int, t0: dt.datetime) -> None:
    """Move the window's timers so that it opens at `t0` (re-timing a million rows takes longer than the lead)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(next_at) FROM cases_casetimer WHERE case_id < %s", [first + steps])
        shift = t0 - cursor.fetchone()[0]
        cursor.execute("UPDATE cases_casetimer SET started_at = started_at + %(d)s, deadline_at = deadline_at + %(d)s, "
                       "next_at = next_at + %(d)s, fired_through = fired_through + %(d)s WHERE case_id < %(high)s",
                       {"d": shift, "high": first + steps})


def backlog_arm(first: int, skip: int, count: int, at: dt.datetime) -> None:
    """`count` timers beyond the window's, all with a reminder due at `at`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_casetimer SET started_at = %(at)s::timestamptz - interval '4 hours', "
            "deadline_at = %(at)s::timestamptz + interval '4 hours', fired_through = NULL, next_at = %(at)s "
            "WHERE case_id >= %(low)s AND case_id < %(high)s",
            {"at": at, "low": first + skip, "high": first + skip + count})


def clear_previous_run() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE notify_notification, cases_caseevent, worker_workerbeat CASCADE")


def lags(low: int, high: int) -> list[float]:
    """Seconds from each step's due moment to its event, for the cases with ids in [low, high)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT extract(epoch FROM created_at - (data->>'due_at')::timestamptz) FROM cases_caseevent "
                       "WHERE case_id >= %s AND case_id < %s AND data ? 'due_at'", [low, high])
        return sorted(float(row[0]) for row in cursor.fetchall())


def summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0}

    def pct(p: float) -> float:
        return round(values[min(len(values) - 1, int(len(values) * p))], 2)

    return {"n": len(values), "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99), "max": round(values[-1], 2)}


# ------------------------------------------------------------------------------------------- the worker

PASS_LINE = re.compile(r"timers: (\d+) timers, (\d+) steps.*\((\d+) ms\)$", re.MULTILINE)


def worker_start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "worker", "--duties", "timers", *args],
                            cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                            text=True)


def beat_samples(seconds: float) -> list[float]:
    """The pass times the running worker's heartbeat reports over `seconds` (one per pass seen)."""
    from huying.worker.models import WorkerBeat

    seen: dict[str, float] = {}
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        row = WorkerBeat.objects.filter(stopped_at=None).first()
        entry = row.duties.get("timers") if row else None
        if entry and not entry["done"]:
            seen[entry["at"]] = entry["last_ms"]
        time.sleep(0.2)
    return sorted(seen.values())


def idle_in_process(runs: int = 30) -> list[float]:
    from huying.timers.fire import timers_fire_due

    times = []
    for _ in range(runs):
        t = time.perf_counter()
        report = timers_fire_due()
        times.append((time.perf_counter() - t) * 1000)
        assert report.timers == 0, "something was due before the window"
    return sorted(times)


def events_count(low: int, high: int) -> int:
    from huying.cases.models import CaseEvent

    return CaseEvent.objects.filter(case_id__gte=low, case_id__lt=high).count()


# --------------------------------------------------------------------------------------------- measuring

def measure_window(rate: float, window: float, interval: float, batch: int, count: int) -> dict:
    from django.utils import timezone

    from huying.notify.models import Notification

    clear_previous_run()
    retime_started = time.perf_counter()
    first, steps = retime(timezone.now() + dt.timedelta(days=1), rate, window)
    retime_s = time.perf_counter() - retime_started
    idle_ms = idle_in_process()
    t0 = timezone.now() + dt.timedelta(seconds=LEAD)
    window_shift(first, steps, t0)
    workers = [worker_start("--interval", str(interval), "--batch", str(batch)) for _ in range(count)]
    wait = (t0 - timezone.now()).total_seconds()
    idle_beats = beat_samples(max(wait - 1, 1))
    print(f"  window: {steps:,} steps at {rate:g}/s from {t0:%H:%M:%S}", file=sys.stderr, flush=True)
    give_up = time.monotonic() + max(wait, 0) + window + 300
    while events_count(first, first + steps) < steps and time.monotonic() < give_up:
        time.sleep(1)
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    passes = _passes("window", [worker.communicate(timeout=120)[0] for worker in workers])
    window_lags = lags(first, first + steps)
    return {
        "first": first, "steps_due": steps, "rate_per_s": rate, "window_s": window, "interval_s": interval,
        "workers": count,
        "retime_s": round(retime_s, 1), "steps_done": len(window_lags),
        "notifications_queued": Notification.objects.count(),
        "lag_s": summary(window_lags), "within_target_share": _share(window_lags, TARGET_LAG),
        "idle_pass_ms_beat": summary(idle_beats), "idle_pass_ms_in_process": summary(idle_ms),
        "busy_pass_ms": summary(sorted(float(ms) for _t, _s, ms in passes)),
        "steps_per_busy_pass": summary(sorted(float(s) for _t, s, _ms in passes)),
        # What one worker does per second of busy pass: its capacity, whatever the offered rate.
        "steps_per_busy_s": round(sum(s for _t, s, _ms in passes) / (sum(ms for *_x, ms in passes) / 1000), 1)
        if passes else 0,
    }


def _passes(phase: str, outputs: list[str]) -> list[tuple[int, int, int]]:
    """(timers, steps, ms) of every pass that did something, from the workers' one-line summaries (kept in
    bench/results/ for a closer look)."""
    for n, out in enumerate(outputs, 1):
        (ROOT / "bench" / "results" / f"timers_worker_{phase}_{n}.log").write_text(out)
    return [(int(t), int(s), int(ms)) for out in outputs for t, s, ms in PASS_LINE.findall(out)]


def measure_backlog(first: int, skip: int, count: int, batch: int, workers: int) -> dict:
    from django.utils import timezone

    due = timezone.now()
    backlog_arm(first, skip, count, due)
    started = time.perf_counter()
    running = [worker_start("--until-idle", "--batch", str(batch)) for _ in range(workers)]
    passes = _passes("backlog", [worker.communicate(timeout=3600)[0] for worker in running])
    wall = time.perf_counter() - started
    backlog_lags = lags(first + skip, first + skip + count)
    return {"due_at_once": count, "workers": workers, "steps_done": len(backlog_lags),
            "process_wall_s": round(wall, 1), "passes": len(passes),
            # The last step's lag is the drain time seen from the due moment, process start-up included.
            "drain_s": round(backlog_lags[-1], 1) if backlog_lags else None,
            "pass_ms": summary(sorted(float(ms) for *_x, ms in passes)), "lag_s": summary(backlog_lags)}


def _share(values: list[float], limit: float) -> float:
    return round(sum(1 for v in values if v <= limit) / len(values), 4) if values else 0.0


def database_facts() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database())), "
                       "pg_size_pretty(pg_total_relation_size('cases_casetimer')), "
                       "pg_size_pretty(pg_relation_size('timer_due')), split_part(version(), ' ', 2)")
        size, timers, index, version = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM cases_case")
        cases = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM cases_casetimer")
        timer_rows = cursor.fetchone()[0]
    return {"cases": cases, "timers": timer_rows, "database_size": size, "timers_table_size": timers,
            "timer_due_index_size": index, "postgres": version}


def run_child(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    built = build(args.cases)
    result = {"machine": machine(), **built, **database_facts()}
    # The machine's load from other work, before and after: a busy neighbour shows in the figures.
    result["loadavg_before"] = os.getloadavg()
    window = measure_window(args.rate, args.window, args.interval, args.batch, args.workers)
    result["window"] = window
    result["backlog"] = measure_backlog(window["first"], window["steps_due"], args.backlog, args.batch, args.workers)
    result["loadavg_after"] = os.getloadavg()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--cases", type=int, default=1_000_000, help="open cases, one running timer each")
    parser.add_argument("--window", type=float, default=150.0, help="seconds during which steps come due")
    parser.add_argument("--rate", type=float, default=100.0, help="steps coming due per second in the window")
    parser.add_argument("--backlog", type=int, default=10_000, help="steps due at once in the backlog phase")
    parser.add_argument("--interval", type=float, default=5.0, help="the worker's pause when idle (its default)")
    parser.add_argument("--batch", type=int, default=100, help="timers per transaction (the worker's default)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes running side by side")
    parser.add_argument("--keep", action="store_true", help="reuse the database built by an earlier run")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(run_child(args)))
        return
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        raise SystemExit("bench_timers needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/postgres")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "huying.settings", "HUYING_DEBUG": "0",
           "DATABASE_URL": bench_url(server, BENCH_DB)}
    ensure_postgres(env["DATABASE_URL"], BENCH_DB, fresh=not args.keep)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    child = subprocess.run([sys.executable, __file__, "--child", *sys.argv[1:]], env=env, cwd=ROOT,
                           stdout=subprocess.PIPE, text=True, check=False)
    if child.returncode != 0:
        raise SystemExit("benchmark failed (see above)")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    name = f"timers_postgresql_{result['cases']}_rate{args.rate:g}_workers{args.workers}.json"
    (ROOT / "bench" / "results" / name).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    report(result)


def report(r: dict) -> None:
    m, w, b = r["machine"], r["window"], r["backlog"]
    print(f"PostgreSQL {r['postgres']}: {r['cases']:,} open cases, {r['timers']:,} timers; database "
          f"{r['database_size']} (timers {r['timers_table_size']}, due index {r['timer_due_index_size']}); "
          f"{m['cpus']} CPUs, {m['memory_gib']} GiB, {m['python']}; build {r['build_seconds']} s"
          + ("" if r["built"] else " (kept)")
          + f"; load average {r['loadavg_before'][0]:.1f} before, {r['loadavg_after'][0]:.1f} after")
    print(f"idle pass (nothing due): beat p50 {w['idle_pass_ms_beat'].get('p50')} ms, "
          f"in-process p50 {w['idle_pass_ms_in_process'].get('p50')} ms")
    lag = w["lag_s"]
    print(f"window: {w['steps_due']:,} steps due at {w['rate_per_s']:g}/s over {w['window_s']:g} s, {w['workers']} "
          f"worker(s), idle pause {w['interval_s']:g} s; done {w['steps_done']:,}, "
          f"{w['notifications_queued']:,} messages queued")
    print(f"  lag p50 {lag.get('p50')} s, p95 {lag.get('p95')} s, p99 {lag.get('p99')} s, max {lag.get('max')} s; "
          f"within {TARGET_LAG:g} s: {w['within_target_share']:.1%}")
    print(f"  busy passes p50 {w['busy_pass_ms'].get('p50')} ms (p50 {w['steps_per_busy_pass'].get('p50')} steps); "
          f"{w['steps_per_busy_s']} steps per busy second per worker")
    print(f"backlog: {b['due_at_once']:,} due at once, {b['workers']} worker(s) started then: drained "
          f"{b['drain_s']} s after the due moment, {b['passes']} passes of p50 {b['pass_ms'].get('p50')} ms; "
          f"lag p50 {b['lag_s'].get('p50')} s")


if __name__ == "__main__":
    main()
