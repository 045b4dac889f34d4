#!/usr/bin/env python
"""Benchmark: the three rates (三率) at megacity scale — a year of Beijing's 12345 volume on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_rates.py \\
        [--cases 25000000] [--keep] [--seed 7] [--repeat 20] [--refresh 10000] [--json]

Issue 7's target: the monthly ranking of 343 streets and the command-centre figures under 1 second each, with a
year of 25,000,000 cases in the database. PostgreSQL only. The run uses its own database `huying_bench_rates` on
the server DATABASE_URL names (`--database`), rebuilt unless `--keep`; a kept database that a build left unfinished
is completed where it stopped.

Building (one child process; everything set-based in SQL, nothing row by row):
- An organisation shaped like Beijing's: a city, its 16 districts with their real numbers of streets and
  townships (343 in all, 街道/乡镇), 7,000 communities and 30,000 grids spread over them unevenly, a command
  centre per district and one for the city, 30 city departments and 4 utilities, 12 bureaus per district; the
  catalogue the migrations seed (its 153 leaf categories). Each street and department gets a hidden quality
  (0–1, Beta(4, 2)) that moves its rates, so a ranking has something to rank.
- `--cases` cases over 2026-01-01 … 2026-12-31 18:00 (Asia/Shanghai), ids in time order, more by day than by
  night, each drawn from hashes of its id (the same cases on every build, whatever the chunking): channels
  (hotline 66%, web 12%, …, patrol/visit 1%: 无呼也应, counted apart), request types, categories (skewed), the
  handler (street 30%, community 28%, grid 7%, district bureau 27%, city department 8%) with its tier's
  deadlines (the response unit, 响应责任单位, is the unit dispatched to; a grid's or community's case escalated by
  hand sits with the street), responded and resolved times (on time or late by the handler's quality), 0.2%
  never resolved (overdue), 0.7% merged and 0.3% invalid, 1% excluded by approval (考核核减) and 0.1% awaiting
  approval; 56% of resolved rounds evaluated (60% resident ratings, 40% reached call-backs; 8% unreached
  call-backs besides); a "not solved" evaluation reopens the case (FeedbackPolicy's default: either source,
  once), which is then resolved and maybe evaluated again (round 1). Texts are short (title = category,
  one-line description); no case events, tracking tokens, coordinates or buildings are written (see the
  output for what the rows hold).
  Cases, ratings and call-backs of one chunk are one INSERT … SELECT generate_series statement (data-modifying
  CTEs), with the tables' secondary indexes dropped during the load and foreign-key triggers off
  (session_replication_role = replica); the indexes are recreated afterwards (the same definitions, unique
  constraints included), then VACUUM ANALYZE.
- The ledger: one CaseMeasure per case, computed in SQL from the case rows and their ratings and call-backs by
  the definitions of huying/analytics/facts.py at the build's moment (a transcription, checked below), then the
  UnitRollup rows by SQL GROUP BY (per handler, then up the paths kept on the measures: the response counters
  the response unit's, the others the handler's). rollups_rebuild() (Python, ~10,000 measures/s) would take about
  an hour at 25M; its speed is measured on runs of ≤ `--full-check` cases.

Measuring (a second child process, the clock moved to the build's moment with time-machine), each operation
`--repeat` times after one cold call, through the product's code: rates.ranking of the 343 streets for a month
(with the previous month's change), a quarter and the year, and of the departments; the command-centre figures
(city and district totals and rates from the rollups; the wall screen's rates (workbench.screen.stats); open and
overdue now from the case table through the wall screen's live_counts); a drill-down first page (the measures
behind a street's number, with the count: analytics.selectors.measures_behind); then the worker: `--refresh`
random cases marked with measure_mark and measures_refresh timed batch by batch, the clock at the build's moment
(each recomputation must then give back the SQL-built row: the rollups must not move).

Checks: a sample of measures recomputed by measures_compute must equal the SQL-built rows; the rollups of a sample
of units must equal a Python sum (facts.contributions) of their measures; runs of ≤ `--full-check` cases also
compare every rollup row with rollups_expected() (from the cases) and with rollups_rebuild(), which is timed.
Results are printed (a table; JSON with --json) and written to bench/results/.
"""

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from pgbench_common import bench_url, ensure_postgres, insert_columns, machine  # noqa: E402 — bench/ is on the path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "huying_bench_rates"
PREFIX = "BR"  # the bench's unit codes and case numbers
CASES_CHUNK = 250_000  # cases per INSERT … SELECT
MEASURES_CHUNK = 1_000_000
TARGET_S = 1.0  # issue 7
CI_FLAG = Path("/tmp/ci_running")  # the lead's CI is running: heavy phases wait

YEAR_START = "2026-01-01T00:00:00+08:00"
T_REF = "2026-12-31T18:00:00+08:00"  # the build's moment: "now" for the statuses and the measures
MONTH, PREVIOUS_MONTH, QUARTER, YEAR = "2026-11", "2026-10", "2026-Q4", "2026"

# Beijing's 16 districts and their streets and townships (街道、乡镇), 343 in all.
DISTRICTS = (("东城区", 17), ("西城区", 15), ("朝阳区", 43), ("丰台区", 26), ("石景山区", 9), ("海淀区", 29),
             ("门头沟区", 13), ("房山区", 28), ("通州区", 22), ("顺义区", 25), ("昌平区", 22), ("大兴区", 22),
             ("怀柔区", 16), ("平谷区", 18), ("密云区", 20), ("延庆区", 18))
COMMUNITIES, GRIDS = 7_000, 30_000
CITY_DEPARTMENTS = ("城市管理委员会 住房和城乡建设委员会 交通委员会 水务局 生态环境局 市场监督管理局 卫生健康委员会 "
                    "教育委员会 人力资源和社会保障局 民政局 公安局公安交通管理局 规划和自然资源委员会 园林绿化局 "
                    "文化和旅游局 商务局 发展和改革委员会 财政局 医疗保障局 消防救援总队 农业农村局 应急管理局 "
                    "税务局 体育局 退役军人事务局 城管执法局 知识产权局 邮政管理局 通信管理局 住房公积金管理中心 "
                    "政务服务和数据管理局").split()
UTILITIES = ("自来水集团", "电力公司", "燃气集团", "热力集团")
BUREAUS = ("城管委 住建委 交通委 水务局 生态环境局 市场监管局 卫健委 教委 人社局 民政局 城管执法局 园林绿化局").split()
STREET_HEADS = ("安定 和平 交道 景山 东华 建国 朝阳 永定 体育 天坛 "
                "龙潭 广安 白纸 椿树 大栅 金融 德胜 新街 展览 月坛").split()
STREET_TAILS = "门 里 口 桥 营 庄 园 坊 湖 路 苑 村 寺 塔 台 店 屯 河 山 街".split()

# The handler a case is sent to (by its hash u5), the tier it is sent on, and the tier's deadlines.
HANDLERS = (("A1", 0.07, "grid_id", 30, 24), ("A2", 0.35, "community_id", 60, 72), ("B", 0.65, "street_id", 120, 120),
            ("C", 0.92, "bureau", 120, 168), ("D", 1.0, "dept", 240, 360))
CHANNELS = (("hotline", 0.66), ("web", 0.78), ("qr", 0.83), ("upstream", 0.89), ("opinion", 0.92),
            ("business", 0.96), ("api", 0.98), ("emergency", 0.99), ("patrol", 0.997), ("visit", 1.0))
REQUEST_TYPES = (("consult", 0.25), ("help", 0.50), ("complaint", 0.90), ("report", 0.95), ("suggestion", 0.99),
                 ("praise", 1.0))
RANDOMS = 32  # hash-drawn uniforms per case: u0 … u31

PAUSED = [0.0]  # seconds spent waiting for the CI, taken out of the build steps' times


# ---------------------------------------------------------------------------------------------- building

def build_phase(args: argparse.Namespace) -> dict:
    """Migrate, then make whatever of the organisation, cases, ledger and indexes is not there yet."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET work_mem = '512MB'")
        cursor.execute("SET maintenance_work_mem = '2GB'")
    meta = meta_read(args)
    built = False
    if not _exists(f"SELECT 1 FROM org_unit WHERE code = '{PREFIX}'"):
        step(meta, "units_s", lambda: units_build(args.seed))
        built = True
    if _scalar("SELECT coalesce(max(id), 0) FROM cases_case") < args.cases:
        step(meta, "cases_s", lambda: cases_load(args, meta))
        built = True
    if any(ix["table"] in ("feedback_rating", "feedback_callback") for ix in meta["saved_indexes"]):
        step(meta, "evaluation_indexes_s", lambda: indexes_restore(meta, ("feedback_rating", "feedback_callback")))
    if _scalar("SELECT coalesce(max(case_id), 0) FROM analytics_casemeasure") < args.cases:
        step(meta, "measures_s", lambda: measures_load(args, meta))
        built = True
    if not _exists("SELECT 1 FROM analytics_unitrollup"):
        step(meta, "rollups_s", rollups_load)
        built = True
    if any(ix["table"] == "cases_case" for ix in meta["saved_indexes"]):
        step(meta, "case_indexes_s", lambda: indexes_restore(meta, ("cases_case",)))
    if meta["saved_indexes"]:
        step(meta, "measure_indexes_s", lambda: indexes_restore(meta, ("analytics_casemeasure",)))
    if built or not meta.get("vacuumed"):
        step(meta, "vacuum_analyze_s", vacuum_analyze)
        meta["vacuumed"] = True
        meta.pop("mix", None)
        meta_write(meta)
    if "mix" not in meta:
        meta["mix"] = step(meta, "mix_s", data_mix)
        meta_write(meta)
    return {"built": built, "build_steps": meta["steps"], "build_seconds": round(sum(meta["steps"].values()), 1),
            "ci_paused_s": round(meta.get("ci_paused_s", 0.0), 1), "mix": meta["mix"], "seed": meta["seed"]}


def step(meta: dict, name: str, work):
    """Run one build step; its time (less any wait for the CI) is added to the step's total in the meta row."""
    ci_wait()
    paused_before, started = PAUSED[0], time.perf_counter()
    result = work()
    paused = PAUSED[0] - paused_before
    seconds = time.perf_counter() - started - paused
    meta["steps"][name] = round(meta["steps"].get(name, 0.0) + seconds, 1)
    meta["ci_paused_s"] = meta.get("ci_paused_s", 0.0) + paused
    meta_write(meta)
    print(f"  {name[:-2]}: {seconds:.1f} s", file=sys.stderr, flush=True)
    return result


def ci_wait() -> None:
    """While the project's CI runs (the lead's flag file), start nothing heavy: the machine is shared."""
    if not CI_FLAG.exists():
        return
    print("  CI running: waiting", file=sys.stderr, flush=True)
    started = time.monotonic()
    while CI_FLAG.exists():
        time.sleep(20)
    PAUSED[0] += time.monotonic() - started


def size_guard(limit_gb: float) -> None:
    size = _scalar("SELECT pg_database_size(current_database())") / 2**30
    if size > limit_gb:
        raise SystemExit(f"bench_rates: the database is {size:.1f} GiB, over --max-gb {limit_gb:g}: stopped")


def _scalar(sql: str, params: list | None = None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _exists(sql: str) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone() is not None


def _execute(sql: str, params: list | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def meta_read(args: argparse.Namespace) -> dict:
    """The build's own row: its seed, steps and times, and the indexes dropped for the load (so a build cut short
    can recreate them)."""
    _execute("CREATE TABLE IF NOT EXISTS bench_rates_meta (id int PRIMARY KEY, data jsonb NOT NULL)")
    _execute("INSERT INTO bench_rates_meta VALUES (1, %s) ON CONFLICT DO NOTHING",
             [json.dumps({"seed": args.seed, "steps": {}, "saved_indexes": []})])
    meta = _scalar("SELECT data FROM bench_rates_meta WHERE id = 1")
    return json.loads(meta) if isinstance(meta, str) else meta


def meta_write(meta: dict) -> None:
    _execute("UPDATE bench_rates_meta SET data = %s WHERE id = 1", [json.dumps(meta)])


# ------------------------------------------------------------------------------------------ organisation

def split(total: int, parts: int, rng: random.Random, shape: float) -> list[int]:
    """`total` split into `parts` positive integers, unevenly (Gamma(shape) weights)."""
    weights = [rng.gammavariate(shape, 1.0) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def units_build(seed: int) -> None:
    """The city's tree (bulk_create per level, materialised paths in SQL), departments, and the helper tables."""
    from huying.org.models import Role, Unit, UnitKind, User

    rng = random.Random(seed)
    city = Unit.objects.create(code=PREFIX, name="基准市", kind=UnitKind.CITY, population=21_860_000)
    districts = Unit.objects.bulk_create([
        Unit(code=f"{PREFIX}{d:02d}", name=name, kind=UnitKind.DISTRICT, parent=city)
        for d, (name, _streets) in enumerate(DISTRICTS)])
    streets = Unit.objects.bulk_create([
        Unit(code=f"{PREFIX}{d:02d}S{s:02d}", kind=UnitKind.STREET, parent=district,
             name=f"{STREET_HEADS[(d + s) % 20]}{STREET_TAILS[(d * 7 + s) % 20]}街道",
             population=int(rng.uniform(20_000, 120_000)))
        for d, district in enumerate(districts) for s in range(DISTRICTS[d][1])])
    sizes = split(COMMUNITIES, len(streets), rng, 4.0)
    communities = Unit.objects.bulk_create([
        Unit(code=f"{street.code}C{c:03d}", name=f"{street.name[:-2]}第{c + 1}社区", kind=UnitKind.COMMUNITY,
             parent=street) for street, n in zip(streets, sizes, strict=True) for c in range(n)], batch_size=2_000)
    sizes = split(GRIDS, len(communities), rng, 3.0)
    Unit.objects.bulk_create([
        Unit(code=f"{community.code}G{g:02d}", name=f"{community.name}第{g + 1}网格", kind=UnitKind.GRID,
             parent=community) for community, n in zip(communities, sizes, strict=True) for g in range(n)],
        batch_size=2_000)
    others = [Unit(code=f"{PREFIX}CC", name="市民热线服务中心", kind=UnitKind.COMMAND_CENTRE, parent=city)]
    others += [Unit(code=f"{PREFIX}D{k:02d}", name=f"市{name}", kind=UnitKind.DEPARTMENT, parent=city)
               for k, name in enumerate(CITY_DEPARTMENTS)]
    others += [Unit(code=f"{PREFIX}U{k:02d}", name=f"市{name}", kind=UnitKind.UTILITY, parent=city)
               for k, name in enumerate(UTILITIES)]
    for district in districts:
        others.append(Unit(code=f"{district.code}CC", name=f"{district.name}接诉即办指挥中心",
                           kind=UnitKind.COMMAND_CENTRE, parent=district))
        others += [Unit(code=f"{district.code}B{k:02d}", name=f"{district.name[:-1]}{name}", kind=UnitKind.DEPARTMENT,
                        parent=district) for k, name in enumerate(BUREAUS)]
    Unit.objects.bulk_create(others)
    for level in ("district", "street", "community", "grid", "department", "utility", "command_centre"):
        _execute("UPDATE org_unit u SET path = p.path || u.id || '/' FROM org_unit p "
                 "WHERE u.parent_id = p.id AND u.kind = %s AND u.code LIKE %s", [level, f"{PREFIX}%"])
    _execute("UPDATE org_unit c SET population = s.population / 20 FROM org_unit s "
             "WHERE c.parent_id = s.id AND c.kind = 'community' AND c.code LIKE %s", [f"{PREFIX}%"])
    User.objects.get_or_create(username="bench-rates-operator", defaults={
        "password": "!", "role": Role.OPERATOR, "unit": Unit.objects.get(code=f"{PREFIX}CC")})
    helpers_build(rng)


def helpers_build(rng: random.Random) -> None:
    """Lookups by position for the INSERT … SELECT that writes the cases, and each handler's hidden quality."""
    from django.db import connection

    from huying.org.models import Unit

    quality = {pk: round(rng.betavariate(4, 2), 4) for pk in Unit.objects.filter(
        code__startswith=PREFIX, kind__in=("street", "department", "utility")).order_by("code").values_list(
        "pk", flat=True)}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_rates_quality (unit_id bigint PRIMARY KEY, q float8 NOT NULL)")
        cursor.executemany("INSERT INTO bench_rates_quality VALUES (%s, %s)", list(quality.items()))
        cursor.execute(
            "CREATE TABLE bench_rates_grid AS SELECT (row_number() OVER (ORDER BY g.code) - 1)::int AS idx, "
            "g.id AS grid_id, c.id AS community_id, s.id AS street_id, s.parent_id AS district_id, g.path, q.q "
            "FROM org_unit g JOIN org_unit c ON c.id = g.parent_id JOIN org_unit s ON s.id = c.parent_id "
            "JOIN bench_rates_quality q ON q.unit_id = s.id WHERE g.kind = 'grid' AND g.code LIKE %s",
            [f"{PREFIX}%"])
        cursor.execute("ALTER TABLE bench_rates_grid ADD PRIMARY KEY (idx)")
        cursor.execute(
            "CREATE TABLE bench_rates_bureau AS SELECT u.parent_id AS district_id, (row_number() OVER (PARTITION BY "
            "u.parent_id ORDER BY u.code) - 1)::int AS k, u.id AS unit_id, q.q FROM org_unit u JOIN "
            "bench_rates_quality q ON q.unit_id = u.id JOIN org_unit d ON d.id = u.parent_id "
            "WHERE u.kind = 'department' AND d.kind = 'district' AND u.code LIKE %s", [f"{PREFIX}%"])
        cursor.execute("ALTER TABLE bench_rates_bureau ADD PRIMARY KEY (district_id, k)")
        cursor.execute(
            "CREATE TABLE bench_rates_dept AS SELECT (row_number() OVER (ORDER BY u.code) - 1)::int AS k, "
            "u.id AS unit_id, q.q FROM org_unit u JOIN bench_rates_quality q ON q.unit_id = u.id "
            "JOIN org_unit c ON c.id = u.parent_id WHERE c.kind = 'city' AND u.code LIKE %s", [f"{PREFIX}%"])
        cursor.execute("ALTER TABLE bench_rates_dept ADD PRIMARY KEY (k)")
        cursor.execute(
            "CREATE TABLE bench_rates_category AS SELECT (row_number() OVER (ORDER BY c.id) - 1)::int AS k, "
            "c.id AS category_id, c.name FROM catalog_category c WHERE c.active AND NOT EXISTS "
            "(SELECT 1 FROM catalog_category k WHERE k.parent_id = c.id)")
        cursor.execute("ALTER TABLE bench_rates_category ADD PRIMARY KEY (k)")
        # A uniform in (0, 1) from a hash of (case id, draw): the same case on every build and in every chunk.
        cursor.execute(
            "CREATE OR REPLACE FUNCTION bench_rates_u(g bigint, k bigint) RETURNS float8 LANGUAGE sql IMMUTABLE "
            "PARALLEL SAFE AS $$ SELECT ((hashint8extended(g, k) & 9007199254740991)::float8 + 0.5) "
            "/ 9007199254740992.0 $$")


# ------------------------------------------------------------------------------------------------ indexes

INDEXES_SQL = """
SELECT i.relname, pg_get_indexdef(i.oid), c.conname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('u', 'x')
WHERE x.indrelid = %s::regclass AND NOT x.indisprimary ORDER BY i.relname
"""


def indexes_drop(meta: dict, tables: tuple[str, ...]) -> None:
    """Drop the tables' secondary indexes (kept in the meta row first, so they come back even after a crash)."""
    from django.db import connection

    for table in tables:
        with connection.cursor() as cursor:
            cursor.execute(INDEXES_SQL, [table])
            found = cursor.fetchall()
        known = {ix["name"] for ix in meta["saved_indexes"]}
        meta["saved_indexes"] += [{"table": table, "name": name, "sql": sql, "constraint": constraint}
                                  for name, sql, constraint in found if name not in known]
        meta_write(meta)
        for name, _sql, constraint in found:
            if constraint:
                _execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
            else:
                _execute(f'DROP INDEX "{name}"')


def indexes_restore(meta: dict, tables: tuple[str, ...]) -> None:
    """Recreate the dropped indexes of `tables` (unique constraints as constraints again), one by one."""
    for index in [ix for ix in meta["saved_indexes"] if ix["table"] in tables]:
        ci_wait()
        started = time.perf_counter()
        _execute(f'DROP INDEX IF EXISTS "{index["name"]}"')  # one half-built by a run cut short
        _execute(index["sql"])
        if index["constraint"]:
            _execute(f'ALTER TABLE {index["table"]} ADD CONSTRAINT "{index["constraint"]}" '
                     f'UNIQUE USING INDEX "{index["name"]}"')
        meta["saved_indexes"].remove(index)
        meta_write(meta)
        print(f"    {index['name']}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


def vacuum_analyze() -> None:
    for table in ("cases_case", "feedback_rating", "feedback_callback", "analytics_casemeasure",
                  "analytics_unitrollup", "org_unit"):
        ci_wait()
        _execute(f"VACUUM (ANALYZE) {table}")


# -------------------------------------------------------------------------------------------------- cases

def cases_load(args: argparse.Namespace, meta: dict) -> None:
    """Cases with their ratings and call-backs, chunk by chunk (each chunk one statement, so a run cut short
    continues after the last whole chunk)."""
    have = _scalar("SELECT coalesce(max(id), 0) FROM cases_case")
    if have > args.cases:
        raise SystemExit(f"bench_rates: the kept database holds {have:,} cases, more than --cases: run without --keep")
    indexes_drop(meta, ("cases_case", "feedback_rating", "feedback_callback"))
    _execute("SET session_replication_role = replica")  # no FK triggers: the bench writes only ids that exist
    context = case_context(args)
    started = time.perf_counter()
    while have < args.cases:
        ci_wait()
        size_guard(args.max_gb)
        last = min(have + CASES_CHUNK, args.cases)
        _execute(cases_sql(have + 1, last, context))
        have = last
        print(f"  {have:,} cases ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    _execute("SET session_replication_role = DEFAULT")
    _execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT max(id) FROM cases_case))")


def case_context(args: argparse.Namespace) -> dict:
    from huying.catalog.models import RequestType, Tier
    from huying.org.models import User

    t0, t_ref = dt.datetime.fromisoformat(YEAR_START), dt.datetime.fromisoformat(T_REF)
    return {"n": args.cases, "seed": args.seed, "t0": f"'{YEAR_START}'::timestamptz",
            "t_ref": f"'{T_REF}'::timestamptz",
            "span_days": (t_ref - t0).total_seconds() / 86400,
            "grids": _scalar("SELECT count(*) FROM bench_rates_grid"),
            "categories": _scalar("SELECT count(*) FROM bench_rates_category"),
            "depts": _scalar("SELECT count(*) FROM bench_rates_dept"), "bureaus": len(BUREAUS),
            "tiers": dict(Tier.objects.values_list("code", "pk")),
            "types": dict(RequestType.objects.values_list("code", "pk")),
            "operator": User.objects.get(username="bench-rates-operator").pk}


def _pick(u: str, table: tuple[tuple[str, float], ...], quote: bool = True) -> str:
    """CASE expression: the first entry whose cumulative share exceeds the uniform `u`."""
    arms = " ".join(f"WHEN {u} < {limit} THEN {repr(value) if quote else value}" for value, limit in table[:-1])
    last = repr(table[-1][0]) if quote else table[-1][0]
    return f"CASE {arms} ELSE {last} END"


def cases_sql(first: int, last: int, c: dict) -> str:
    """One chunk: the cases `first`..`last` (id = its number in time order) and their evaluations, in one statement.

    Each level is a subquery (OFFSET 0: computed once a row) that adds columns from the one below: the draws, the
    place and handler, the timeline, then the columns as the product writes them.
    """
    from huying.cases.models import Case
    from huying.feedback.models import CallBack, Rating

    t_ref, hour, minute = c["t_ref"], "interval '1 hour'", "interval '1 minute'"
    draws = ", ".join(f"bench_rates_u(g, {c['seed'] * 100 + k}) AS u{k}" for k in range(RANDOMS))
    level1 = (f"SELECT r.*, x - floor(x) AS xf, floor(x) AS xd FROM (SELECT g, {draws}, "
              f"((g - 1) + bench_rates_u(g, {c['seed'] * 100 + 99})) / {c['n']}::float8 * {c['span_days']} AS x "
              f"FROM generate_series({first}, {last}) AS g OFFSET 0) AS r")
    handler = " ".join(f"WHEN u5 < {limit} THEN '{code}'" for code, limit, *_rest in HANDLERS[:-1])
    level2 = (
        f"SELECT r.*, {c['t0']} + (xd + xf + 0.7 * sin(2 * pi() * xf) / (2 * pi())) * interval '1 day' AS born, "
        "gr.grid_id, gr.community_id, gr.street_id, gr.district_id, gr.path, gr.q AS street_q, ct.category_id, "
        "ct.name AS cat_name, br.unit_id AS bureau_id, br.q AS bureau_q, dp.unit_id AS dept_id, dp.q AS dept_q, "
        f"CASE {handler} ELSE 'D' END AS hk, {_pick('u2', CHANNELS)} AS channel, "
        f"{_pick('u3', tuple((str(c['types'][code]), limit) for code, limit in REQUEST_TYPES), quote=False)} AS rtype "
        f"FROM ({level1} OFFSET 0) AS r "
        f"JOIN bench_rates_grid gr ON gr.idx = least({c['grids'] - 1}, floor(u1 * {c['grids']}))::int "
        f"JOIN bench_rates_category ct ON ct.k = least({c['categories'] - 1}, floor(u4 * u4 * {c['categories']}))::int "
        f"JOIN bench_rates_bureau br ON br.district_id = gr.district_id AND br.k = least({c['bureaus'] - 1}, "
        f"floor(u6 * {c['bureaus']}))::int "
        f"JOIN bench_rates_dept dp ON dp.k = least({c['depts'] - 1}, floor(u6 * {c['depts']}))::int")
    unit = " ".join(f"WHEN '{code}' THEN {'r.bureau_id' if col == 'bureau' else 'r.dept_id' if col == 'dept' else col}"
                    for code, _limit, col, _r, _c in HANDLERS)
    response = " ".join(f"WHEN '{code}' THEN {r}" for code, _l, _col, r, _c in HANDLERS)
    completion = " ".join(f"WHEN '{code}' THEN {h}" for code, _l, _col, _r, h in HANDLERS)
    tiers = " ".join(f"WHEN '{code}' THEN {c['tiers'][code]}" for code, *_rest in HANDLERS)
    level3 = (
        f"SELECT r.*, CASE hk {unit} END AS unit_id, CASE hk WHEN 'C' THEN bureau_q WHEN 'D' THEN dept_q "
        f"ELSE street_q END AS q, CASE hk {response} END AS resp_min, CASE hk {completion} END AS compl_h, "
        f"CASE hk {tiers} END AS tier_id, born + (1 + 29 * u7) * {minute} AS disp, "
        "CASE WHEN u8 < 0.007 THEN 'merged' WHEN u8 < 0.010 THEN 'invalid' END AS term, "
        "CASE WHEN u9 < 0.002 THEN 'malicious' WHEN u9 < 0.006 THEN 'out_of_jurisdiction' WHEN u9 < 0.008 THEN "
        "'duplicate' WHEN u9 < 0.010 THEN 'other' ELSE '' END AS exclusion, "
        "CASE WHEN u9 >= 0.010 AND u9 < 0.011 THEN 'other' ELSE '' END AS exclusion_requested "
        f"FROM ({level2} OFFSET 0) AS r")
    # The timeline: a response on time or late (or none before the resolution), the first resolution, the first
    # evaluation; a "not solved" one reopens the case, which is resolved again and maybe evaluated again.
    level4 = (
        "SELECT r.*, CASE WHEN u10 < 0.925 + 0.07 * q THEN disp + resp_min * (CASE WHEN u10 < 0.90 + 0.09 * q "
        f"THEN 0.05 + 0.9 * u11 ELSE 1.05 + 4 * u11 END) * {minute} END AS resp_raw, "
        f"CASE WHEN u12 >= 0.002 THEN greatest(disp + compl_h * (CASE WHEN u12 < 0.85 + 0.13 * q THEN 0.03 + 0.9 * "
        f"power(u13, 1.6) ELSE 1.02 + 1.5 * u13 END) * {hour}, disp + resp_min * (CASE WHEN u10 < 0.90 + 0.09 * q "
        f"THEN 0.05 + 0.9 * u11 ELSE 1.05 + 4 * u11 END) * {minute} + 10 * {minute}) END AS res0, "
        "u17 < 0.65 + 0.30 * q AS solved0, u16 < 0.4 AS cb0, u24 < 0.50 + 0.40 * q AS solved1, u23 < 0.4 AS cb1 "
        f"FROM ({level3} OFFSET 0) AS r")
    level5 = (
        f"SELECT r.*, res0 + (0.5 + 71.5 * u14) * {hour} AS ev0_at, term IS NULL AND disp > {t_ref} AS pending, "
        f"coalesce(term IS NULL AND res0 + (0.5 + 71.5 * u14) * {hour} <= {t_ref} AND u15 < 0.56, FALSE) AS ev0, "
        "CASE WHEN solved0 THEN CASE WHEN u18 < 0.80 + 0.18 * q THEN 3 ELSE 2 END ELSE CASE WHEN u18 < 0.2 THEN 2 "
        "ELSE 1 END END AS verdict0, CASE WHEN solved1 THEN CASE WHEN u25 < 0.80 + 0.18 * q THEN 3 ELSE 2 END ELSE "
        "CASE WHEN u25 < 0.2 THEN 2 ELSE 1 END END AS verdict1 "
        f"FROM ({level4} OFFSET 0) AS r")
    level6 = (
        "SELECT r.*, ev0 AND NOT solved0 AS reopened, "
        f"CASE WHEN ev0 AND NOT solved0 THEN ev0_at + compl_h * (0.03 + 0.9 * power(u20, 1.6)) * {hour} END AS res1 "
        f"FROM ({level5} OFFSET 0) AS r")
    level7 = (
        f"SELECT r.*, res1 + (0.5 + 71.5 * u22) * {hour} AS ev1_at, "
        f"CASE WHEN term IS NOT NULL THEN NULL WHEN reopened THEN CASE WHEN res1 <= {t_ref} THEN res1 END "
        f"WHEN res0 <= {t_ref} THEN res0 END AS resolved_at FROM ({level6} OFFSET 0) AS r")
    level8 = (
        f"SELECT r.*, coalesce(reopened AND res1 <= {t_ref} AND ev1_at <= {t_ref} AND u21 < 0.6, FALSE) AS ev1, "
        f"CASE WHEN resolved_at + (24 + 72 * u19) * {hour} <= {t_ref} THEN resolved_at + (24 + 72 * u19) * {hour} "
        f"END AS closed_at FROM ({level7} OFFSET 0) AS r")
    status = (
        "CASE WHEN term IS NOT NULL THEN term WHEN pending THEN 'received' "
        "WHEN resolved_at IS NOT NULL THEN CASE WHEN closed_at IS NOT NULL THEN 'closed' ELSE 'resolved' END "
        f"WHEN reopened THEN CASE WHEN ev0_at + 2 * {hour} > {t_ref} THEN 'reopened' ELSE 'in_progress' END "
        f"WHEN resp_raw <= {t_ref} THEN CASE WHEN u27 < 0.15 THEN 'accepted' WHEN u27 < 0.80 THEN 'in_progress' "
        "WHEN u27 < 0.88 THEN 'summoned' ELSE 'extension_requested' END "
        "ELSE CASE WHEN u27 < 0.05 THEN 'escalated' WHEN u27 < 0.08 THEN 'returned' ELSE 'dispatched' END END")
    final = f"SELECT r.*, {status} AS status FROM ({level8} OFFSET 0) AS r"
    values = {
        "number": f"'{PREFIX}' || lpad(s.g::text, 10, '0')", "channel": "s.channel", "request_type_id": "s.rtype",
        "category_id": "s.category_id", "category_source": "'staff'", "title": "s.cat_name",
        "description": "'关于' || s.cat_name || '的诉求（基准数据' || s.g || '）'",
        "urgency": "CASE WHEN s.channel = 'emergency' THEN 'emergency' WHEN s.u26 > 0.97 THEN 'urgent' "
                   "ELSE 'normal' END",
        "grid_id": "s.grid_id", "community_id": "s.community_id", "street_id": "s.street_id",
        "district_id": "s.district_id", "place_path": "s.path",
        "reporter_phone": "'13' || lpad(floor(s.u30 * 5000000)::int::text, 9, '0')",  # repeat callers
        "business": "s.channel = 'business'",
        "company_name": "CASE WHEN s.channel = 'business' THEN '基准企业' || floor(s.u31 * 1000)::int ELSE '' END",
        "proactive": "s.channel IN ('patrol', 'visit')",
        "upstream_source": "CASE WHEN s.channel = 'upstream' THEN 'city_platform' ELSE '' END",
        "upstream_id": "CASE WHEN s.channel = 'upstream' THEN 'U' || s.g ELSE '' END",
        "tier_id": "CASE WHEN s.pending THEN NULL ELSE s.tier_id END",
        # A manual escalation (上报) of a grid's or community's case moves it to the street and keeps the
        # response deadline with the unit that had it (响应责任单位).
        "current_unit_id": "CASE WHEN s.pending THEN NULL WHEN s.status = 'escalated' AND s.hk IN ('A1', 'A2') "
                           "THEN s.street_id ELSE s.unit_id END",
        "response_unit_id": "CASE WHEN s.pending THEN NULL ELSE s.unit_id END", "status": "s.status",
        "dispatched_at": "CASE WHEN s.pending THEN NULL WHEN s.reopened THEN s.ev0_at ELSE s.disp END",
        "response_due_at": f"CASE WHEN s.pending THEN NULL WHEN s.reopened THEN s.ev0_at + s.resp_min * {minute} "
                           f"ELSE s.disp + s.resp_min * {minute} END",
        "completion_due_at": f"CASE WHEN s.pending THEN NULL WHEN s.reopened THEN s.ev0_at + s.compl_h * {hour} "
                             f"ELSE s.disp + s.compl_h * {hour} END",
        # Resolving sets the response time when there was none (case_resolve: responded_at or now); a reopening
        # keeps it (_reopen leaves responded_at).
        "responded_at": "CASE WHEN s.term IS NOT NULL OR s.pending THEN NULL WHEN s.reopened THEN coalesce(s.resp_raw, "
                        "s.res0) WHEN s.resolved_at IS NOT NULL THEN coalesce(s.resp_raw, s.resolved_at) "
                        f"WHEN s.resp_raw <= {t_ref} THEN s.resp_raw END",
        "resolved_at": "s.resolved_at", "closed_at": "s.closed_at",
        "result": "CASE WHEN s.resolved_at IS NOT NULL THEN '已办结，已答复诉求人' ELSE '' END",
        "reopen_count": "s.reopened::int",
        "merged_into_id": "CASE WHEN s.term = 'merged' AND s.g > 1 THEN greatest(1, s.g - 1 - floor(s.u31 * 200)::int) "
                          "END",
        "exclusion": "s.exclusion", "exclusion_requested": "s.exclusion_requested",
        "created_at": "s.born", "updated_at": "greatest(s.born, s.resolved_at, s.closed_at)",
    }
    case_columns, case_values = insert_columns(Case, values, "bench_rates")
    score = ("CASE {v} WHEN 3 THEN 4 + (s.u28 < 0.6)::int WHEN 2 THEN 3 ELSE 1 + (s.u28 < 0.5)::int END")
    ratings = []
    for rnd, when, verdict, solved, cb, at in ((0, "s.ev0", "s.verdict0", "s.solved0", "s.cb0", "s.ev0_at"),
                                               (1, "s.ev1", "s.verdict1", "s.solved1", "s.cb1", "s.ev1_at")):
        rating_columns, rating_values = insert_columns(Rating, {
            "case_id": "s.g", "round": str(rnd), "source": "'resident'", "satisfaction": score.format(v=verdict),
            "responsiveness": f"least(5, {score.format(v=verdict)} + (s.u29 < 0.3)::int)",
            "completion": score.format(v=verdict), "solved": solved, "created_at": at}, "bench_rates")
        ratings.append(f"SELECT {', '.join(rating_values)} FROM s WHERE {when} AND NOT {cb}")
        callback_columns, callback_values = insert_columns(CallBack, {
            "case_id": "s.g", "round": str(rnd), "reached": "TRUE", "solved": solved,
            "satisfaction": f"CASE {verdict} WHEN 3 THEN 'satisfied' WHEN 2 THEN 'basic' ELSE 'unsatisfied' END",
            "operator_id": str(c["operator"]), "created_at": at}, "bench_rates")
        ratings.append(f"SELECT {', '.join(callback_values)} FROM s WHERE {when} AND {cb}")
    _columns, unreached = insert_columns(CallBack, {
        "case_id": "s.g", "round": "0", "reached": "FALSE", "solved": "NULL", "satisfaction": "''",
        "operator_id": str(c["operator"]), "created_at": f"s.res0 + (0.2 + 300 * s.u26) * {hour}"}, "bench_rates")
    return (
        f"WITH s AS MATERIALIZED ({final}), "
        f"cases AS (INSERT INTO cases_case (id, {', '.join(case_columns)}) SELECT s.g, {', '.join(case_values)} "
        "FROM s), "
        f"ratings AS (INSERT INTO feedback_rating ({', '.join(rating_columns)}) {ratings[0]} UNION ALL {ratings[2]}) "
        f"INSERT INTO feedback_callback ({', '.join(callback_columns)}) {ratings[1]} UNION ALL {ratings[3]} "
        f"UNION ALL SELECT {', '.join(unreached)} FROM s WHERE s.term IS NULL AND s.u26 < 0.08 "
        f"AND s.res0 + (0.2 + 300 * s.u26) * {hour} <= {t_ref}")


# ------------------------------------------------------------------------------------------------ ledger

def measures_load(args: argparse.Namespace, meta: dict) -> None:
    """One CaseMeasure per case, in SQL, by the definitions of huying/analytics/facts.py (see measure_sql)."""
    from huying.analytics.models import MeasureSettings

    settings = MeasureSettings.current()
    have = _scalar("SELECT coalesce(max(case_id), 0) FROM analytics_casemeasure")
    if have == 0:
        _execute("TRUNCATE analytics_casemeasure")  # marks a migration may have left
        indexes_drop(meta, ("analytics_casemeasure",))
    started = time.perf_counter()
    while have < args.cases:
        ci_wait()
        size_guard(args.max_gb)
        last = min(have + MEASURES_CHUNK, args.cases)
        _execute(measure_sql(have + 1, last, settings.satisfied_min_score, settings.basic_min_score))
        have = last
        print(f"  {have:,} measures ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)


def measure_sql(first: int, last: int, satisfied_min: int, basic_min: int) -> str:
    """facts.measure_of in SQL at the build's moment. The latest evaluation: latest round, then latest moment, a
    call-back winning a tie, then the later row (latest_evaluation); a rating's verdict by the score bands;
    unreached call-backs decide nothing; imported history never counts. The handler: the current unit, else the
    place's district (handler_of); the response's path: the response unit's, else the handler's (case_state)."""
    from huying.analytics.models import CaseMeasure

    t_ref = f"'{T_REF}'::timestamptz"
    answered = "least(c.responded_at, c.resolved_at)"  # first_response: least() skips NULLs
    response = (f"CASE WHEN c.response_due_at IS NULL THEN 0 WHEN {answered} IS NOT NULL THEN CASE WHEN {answered} "
                f"<= c.response_due_at THEN 2 ELSE 3 END WHEN {t_ref} >= c.response_due_at THEN 4 ELSE 1 END")
    month = "(extract(year FROM {0} AT TIME ZONE 'Asia/Shanghai') * 100 + extract(month FROM {0} AT TIME ZONE " \
            "'Asia/Shanghai'))::int"
    minutes = "greatest(0, floor(extract(epoch FROM {0} - c.created_at) / 60))::int"
    evaluations = (
        "SELECT DISTINCT ON (case_id) case_id, solved, verdict, source FROM ("
        f"SELECT id, case_id, round, created_at, source = 'callback' AS cb, solved, CASE WHEN satisfaction >= "
        f"{satisfied_min} THEN 3 WHEN satisfaction >= {basic_min} THEN 2 ELSE 1 END AS verdict, CASE WHEN source = "
        f"'callback' THEN 'callback' ELSE 'resident' END AS source FROM feedback_rating WHERE case_id BETWEEN "
        f"{first} AND {last} UNION ALL SELECT id, case_id, round, created_at, TRUE, solved, CASE satisfaction WHEN "
        "'satisfied' THEN 3 WHEN 'basic' THEN 2 ELSE 1 END, 'callback' FROM feedback_callback WHERE reached AND "
        f"case_id BETWEEN {first} AND {last}) AS e ORDER BY case_id, round DESC, created_at DESC, cb DESC, id DESC")
    columns, values = insert_columns(CaseMeasure, {
        "case_id": "c.id", "computed_at": t_ref, "refresh_at": f"CASE WHEN ({response}) = 1 THEN c.response_due_at END",
        "handler_id": "hu.id", "handler_path": "coalesce(hu.path, '')",
        "response_path": "coalesce(nullif(ru.path, ''), hu.path, '')",
        "created_month": month.format("c.created_at"), "resolved_month": month.format("c.resolved_at"),
        "exclusion": "CASE WHEN c.channel = 'import' OR c.upstream_source LIKE 'import:%' THEN 'imported' "
                     "WHEN c.status = 'invalid' THEN 'invalid' WHEN c.status = 'merged' THEN 'duplicate' "
                     "ELSE c.exclusion END",
        "proactive": "c.proactive", "response": response, "resolved": "c.resolved_at IS NOT NULL",
        "resolved_on_time": "coalesce(c.resolved_at <= c.completion_due_at, FALSE)",
        "solved": "e.solved", "verdict": "coalesce(e.verdict, 0)", "evaluation_source": "coalesce(e.source, '')",
        "response_minutes": f"CASE WHEN {answered} IS NOT NULL THEN {minutes.format(answered)} END",
        "completion_minutes": f"CASE WHEN c.resolved_at IS NOT NULL THEN {minutes.format('c.resolved_at')} END",
        "category_id": "c.category_id", "channel": "c.channel", "street_id": "c.street_id",
    }, "bench_rates")
    return (
        f"INSERT INTO analytics_casemeasure ({', '.join(columns)}) SELECT {', '.join(values)} FROM cases_case c "
        "LEFT JOIN org_unit hu ON hu.id = coalesce(c.current_unit_id, c.district_id) "
        "LEFT JOIN org_unit ru ON ru.id = c.response_unit_id "
        f"LEFT JOIN ({evaluations}) AS e ON e.case_id = c.id WHERE c.id BETWEEN {first} AND {last}")


COUNTED = "m.exclusion = '' AND NOT m.proactive"
EVALUATED = f"{COUNTED} AND m.verdict <> 0"
ROLLUP_COUNTERS = {  # facts.counters_of, column by column
    "cases": COUNTED, "excluded": "m.exclusion <> ''", "proactive": "m.exclusion = '' AND m.proactive",
    "response_due": f"{COUNTED} AND m.response IN (2, 3, 4)", "response_on_time": f"{COUNTED} AND m.response = 2",
    "resolved": f"{COUNTED} AND m.resolved", "resolved_on_time": f"{COUNTED} AND m.resolved_on_time",
    "evaluated": EVALUATED, "solved": f"{EVALUATED} AND m.solved IS TRUE",
    "satisfied": f"{COUNTED} AND m.verdict = 3", "basic": f"{COUNTED} AND m.verdict = 2",
}


RESPONSE_COUNTERS = ("response_due", "response_on_time")  # facts.RESPONSE_COUNTERS: the response unit's


def rollups_load() -> None:
    """UnitRollup by GROUP BY (facts.contributions): each basis and month per handler first (a few hundred thousand
    rows), then added into every unit of the paths kept on the measure — the response counters into the response
    unit's path, the others into the handler's."""
    ci_wait()
    handled = {n: w if n not in RESPONSE_COUNTERS else "FALSE" for n, w in ROLLUP_COUNTERS.items()}
    responded = {n: w if n in RESPONSE_COUNTERS else "FALSE" for n, w in ROLLUP_COUNTERS.items()}

    def per_handler(counters: dict[str, str], path: str) -> str:
        return (f"SELECT b.basis, b.month, m.handler_id, {path} AS path, "
                + ", ".join(f"count(*) FILTER (WHERE {where}) AS {name}" for name, where in counters.items())
                + " FROM analytics_casemeasure m CROSS JOIN LATERAL (VALUES ('created', m.created_month), "
                "('resolved', m.resolved_month)) AS b(basis, month) WHERE m.computed_at IS NOT NULL AND "
                "m.handler_id IS NOT NULL AND b.month IS NOT NULL AND b.month <> 0 GROUP BY 1, 2, 3, 4")

    sums = ", ".join(f"sum(h.{name})" for name in ROLLUP_COUNTERS)
    _execute(
        f"INSERT INTO analytics_unitrollup (basis, month, unit_id, {', '.join(ROLLUP_COUNTERS)}) "
        f"SELECT h.basis, h.month, coalesce(p.id::bigint, h.handler_id), {sums} FROM ("
        f"{per_handler(handled, 'm.handler_path')} UNION ALL "
        f"{per_handler(responded, 'coalesce(nullif(m.response_path, %s), m.handler_path)')}) AS h "
        "LEFT JOIN LATERAL unnest(string_to_array(trim(BOTH '/' FROM h.path), '/')) AS p(id) ON TRUE "
        f"GROUP BY 1, 2, 3 HAVING {' + '.join(f'sum(h.{name})' for name in ROLLUP_COUNTERS)} > 0", [""])


def data_mix() -> dict:
    """What the build holds (one scan of the cases): statuses, channels, exclusions, reopenings, evaluations."""
    from django.db import connection

    t_ref = f"'{T_REF}'::timestamptz"
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, count(*) FROM cases_case GROUP BY 1 ORDER BY 2 DESC")
        statuses = dict(cursor.fetchall())
        cursor.execute("SELECT channel, count(*) FROM cases_case GROUP BY 1 ORDER BY 2 DESC")
        channels = dict(cursor.fetchall())
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE reopen_count > 0), count(*) FILTER (WHERE exclusion <> ''), "
            "count(*) FILTER (WHERE exclusion_requested <> ''), count(*) FILTER (WHERE proactive), "
            f"count(*) FILTER (WHERE created_at >= date_trunc('day', {t_ref} AT TIME ZONE 'Asia/Shanghai') "
            "AT TIME ZONE 'Asia/Shanghai') FROM cases_case")
        total, reopened, excluded, requested, proactive, today = cursor.fetchone()
        cursor.execute("SELECT (SELECT count(*) FROM feedback_rating), (SELECT count(*) FROM feedback_callback WHERE "
                       "reached), (SELECT count(*) FROM feedback_callback WHERE NOT reached), "
                       "(SELECT count(*) FROM analytics_casemeasure), (SELECT count(*) FROM analytics_unitrollup), "
                       "(SELECT count(*) FROM analytics_casemeasure WHERE verdict <> 0)")
        ratings, callbacks, unreached, measures, rollups, evaluated = cursor.fetchone()
    return {"cases": total, "statuses": statuses, "channels": channels, "reopened": reopened,
            "excluded_by_approval": excluded, "exclusion_requested": requested, "proactive": proactive,
            "created_on_the_last_day": today, "ratings": ratings, "callbacks_reached": callbacks,
            "callbacks_unreached": unreached, "measures": measures, "evaluated_cases": evaluated,
            "rollup_rows": rollups}


# --------------------------------------------------------------------------------------------- measuring

class QueryCounter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def timed_runs(name: str, work, repeat: int, counter: QueryCounter) -> dict:
    """One cold call, then `repeat` timed calls: ms p50/p95/max, statements per call, and what the call returned."""
    ci_wait()
    counter.n = 0
    started = time.perf_counter()
    result = work()
    cold = (time.perf_counter() - started) * 1000
    queries = counter.n
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    out = {"name": name, "cold_ms": round(cold, 1), **summary(times), "queries": queries, "what": result}
    out["meets_target"] = out["p95"] < TARGET_S * 1000
    print(f"  {name}: p50 {out['p50']} ms, p95 {out['p95']} ms ({result})", file=sys.stderr, flush=True)
    return out


def summary(values: list[float]) -> dict:
    values = sorted(values)
    if not values:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "max": 0.0}

    def pct(p: float) -> float:
        return round(values[min(len(values) - 1, int(len(values) * p))], 1)

    return {"n": len(values), "p50": pct(0.5), "p95": pct(0.95), "max": round(values[-1], 1)}


def measure_phase(args: argparse.Namespace) -> dict:
    import time_machine
    from django.db import connection

    t_ref = dt.datetime.fromisoformat(T_REF)
    time_machine.travel(t_ref + dt.timedelta(minutes=1), tick=True).start()
    counter = QueryCounter()
    result: dict = {"machine": {**machine(), "cpu_model": cpu_model()}, "loadavg_before": os.getloadavg(),
                    **database_facts(), "clock": f"moved to {t_ref + dt.timedelta(minutes=1)} (time-machine, ticking)"}
    with connection.execute_wrapper(counter):
        result["reads"] = reads_measure(args, counter)
    result["checks"] = checks(args)
    with connection.execute_wrapper(counter):
        result["refresh"] = refresh_measure(args)
    result["loadavg_after"] = os.getloadavg()
    return result


def reads_measure(args: argparse.Namespace, counter: QueryCounter) -> list[dict]:
    from django.utils import timezone

    from huying.analytics.models import MeasureSettings, PeriodBasis
    from huying.analytics.rates import Period, counts_by_unit, ranking, rates_of
    from huying.org.models import Unit, UnitKind
    from huying.workbench.screen import stats as screen
    from huying.workbench.screen.stats import Periods, area_cases, live_counts

    settings = MeasureSettings.current()
    month, quarter, year = Period.parse(MONTH), Period.parse(QUARTER), Period.parse(YEAR)

    def units(*kinds: str) -> list:  # what a ranking page loads: one query
        return list(Unit.objects.filter(kind__in=kinds, active=True, code__startswith=PREFIX).order_by("code"))

    def rank(period: Period, *kinds: str, basis: str | None = None):
        def work() -> str:
            rows = ranking(units(*kinds), period, settings, basis=basis)
            bands = sum(1 for r in rows if r.band == "good"), sum(1 for r in rows if r.band == "failing")
            scored = [r for r in rows if r.rates.composite is not None]
            return (f"{len(rows)} units, top {scored[0].rates.composite:.2f} / bottom {scored[-1].rates.composite:.2f}"
                    f", 红榜 {bands[0]}, 黑榜 {bands[1]}" if scored else f"{len(rows)} units, none scored")
        return work

    city = Unit.objects.get(code=PREFIX)
    district = Unit.objects.get(code=f"{PREFIX}02")  # 朝阳区, the largest

    def centre_rollups() -> str:
        areas = [city, *Unit.objects.filter(parent=city, kind=UnitKind.DISTRICT).order_by("code")]
        counts = counts_by_unit([u.pk for u in areas], month, settings.period_basis)
        rates = {u.pk: rates_of(counts[u.pk], settings) for u in areas}
        c, r = counts[city.pk], rates[city.pk]
        return (f"city {c.cases:,} cases: 响应率 {r.response:.2f} 解决率 {r.solved:.2f} 满意率 {r.satisfied:.2f} "
                f"综合 {r.composite:.2f}; {len(areas) - 1} districts")

    def centre_live(unit) -> object:
        def work() -> str:
            now = timezone.now()
            scope = "" if unit is city else unit.path
            live = live_counts(area_cases(scope), now)
            today = area_cases(scope).filter(created_at__gte=Periods.at(now).today).count()
            return f"open {live['open']:,}, overdue {live['overdue']:,}, received today {today:,}"
        return work

    def wall_screen(unit) -> object:  # the wall screen's rates: from the ledger (ledger_rates) where it reads it
        def work() -> str:
            now, scope = timezone.now(), "" if unit is city else unit.path
            if hasattr(screen, "ledger_rates"):
                got = screen.ledger_rates(scope, now)
                return (f"ledger_rates {got.period}: {got.counts.cases:,} cases, 响应率 {got.rates.response:.2f} "
                        f"解决率 {got.rates.solved:.2f} 满意率 {got.rates.satisfied:.2f}")
            periods = Periods.at(now)  # an older screen: this month's rates straight from the cases
            response, resolution = screen.case_rates(area_cases(scope), periods)
            return (f"case_rates: response {response.text} of {response.denominator:,}, resolution "
                    f"{resolution.text}, satisfaction {screen.satisfaction_rate(scope, periods).text}")
        return work

    ranked = ranking(units(UnitKind.STREET), month, settings)
    worst = next(r for r in reversed(ranked) if r.rates.composite is not None).unit
    drill_path, behind = drill_function()

    def drill(metric: str):
        def work() -> str:
            qs = behind(worst, month, PeriodBasis(settings.period_basis), metric)
            page = list(qs.select_related("case").order_by("-case__created_at", "-case_id")[:50])
            return f"{worst.name} {metric}: {qs.count():,} cases, first page {len(page)} (by {drill_path})"
        return work

    operations = [
        (f"ranking: 343 streets, month {MONTH}", rank(month, UnitKind.STREET)),
        (f"ranking: 343 streets, quarter {QUARTER}", rank(quarter, UnitKind.STREET)),
        (f"ranking: 343 streets, year {YEAR}", rank(year, UnitKind.STREET)),
        (f"ranking: streets, month {MONTH}, by resolution", rank(month, UnitKind.STREET, basis=PeriodBasis.RESOLVED)),
        (f"ranking: departments, month {MONTH}", rank(month, UnitKind.DEPARTMENT, UnitKind.UTILITY)),
        (f"command centre: city + 16 districts, {MONTH} (rollups)", centre_rollups),
        ("command centre: open/overdue now, city (cases)", centre_live(city)),
        (f"command centre: open/overdue now, {district.name} (cases)", centre_live(district)),
        ("wall screen's rates, city, 2026-12 (workbench.screen.stats)", wall_screen(city)),
        (f"wall screen's rates, {district.name}, 2026-12 (workbench.screen.stats)", wall_screen(district)),
        (f"drill-down, one street: count + first page, {MONTH}, all counted", drill("cases")),
        (f"drill-down, one street: count + first page, {MONTH}, unsatisfied", drill("unsatisfied")),
    ]
    return [timed_runs(name, work, args.repeat, counter) for name, work in operations]


def drill_function():
    """The product's drill-down (analytics.selectors.measures_behind) where this checkout has it; else the same
    query written here (the measures whose handler lies in the unit's subtree, in the period's months)."""
    try:
        from huying.analytics.selectors import measures_behind

        return "analytics.selectors.measures_behind", measures_behind
    except ImportError:
        from django.db.models import Q

        from huying.analytics.models import CaseMeasure

        def behind(unit, period, basis, metric):
            where = Q(exclusion="", proactive=False) & (Q(verdict=1) if metric == "unsatisfied" else Q())
            month = "created_month" if basis == "created" else "resolved_month"
            return CaseMeasure.objects.filter(where, computed_at__isnull=False, handler__path__startswith=unit.path,
                                              **{f"{month}__in": period.months()})

        return "bench's own query (no analytics.selectors)", behind


def refresh_measure(args: argparse.Namespace) -> dict:
    """The worker's incremental refresh: `--refresh` random cases marked (measure_mark, as every case event does),
    then measures_refresh batch by batch until nothing is due.

    The clock stands at the build's moment meanwhile, so that exactly the marked measures are due (a pending
    response that falls due later would move the rollups by itself) and each recomputation must give the row the
    SQL build wrote: the rollups must not move at all.
    """
    import time_machine

    with time_machine.travel(dt.datetime.fromisoformat(T_REF), tick=False):
        return _refresh_measure(args)


def _refresh_measure(args: argparse.Namespace) -> dict:
    from django.db import connection, transaction

    from huying.analytics.marks import measure_mark
    from huying.analytics.models import UnitRollup
    from huying.analytics.refresh import measures_refresh

    ci_wait()
    top = _scalar("SELECT max(id) FROM cases_case")
    ids = random.Random(args.seed).sample(range(1, top + 1), min(args.refresh, top))
    marks = []
    with transaction.atomic():  # the marks' own cost, not ten thousand commits
        for case_id in ids:
            started = time.perf_counter()
            measure_mark(case_id)
            marks.append((time.perf_counter() - started) * 1000)
    before = _rollup_digest(UnitRollup)
    batches, sql, rows_changed, done = [], [], 0, 0
    clock = SqlClock()
    started_all = time.perf_counter()
    with connection.execute_wrapper(clock):
        while True:
            clock.seconds, started = 0.0, time.perf_counter()
            report = measures_refresh(batch=args.batch)
            if not report.measures:
                break
            batches.append((time.perf_counter() - started) * 1000)
            sql.append(clock.seconds * 1000)
            done += report.measures
            rows_changed += report.rollup_rows
    total_s = time.perf_counter() - started_all
    after = _rollup_digest(UnitRollup)
    return {"marked": len(ids), "mark_ms": summary(marks), "batch": args.batch, "batch_ms": summary(batches),
            "batch_sql_ms": summary(sql), "recomputed": done, "seconds": round(total_s, 2),
            "measures_per_s": round(done / total_s) if total_s else 0, "rollup_rows_moved": rows_changed,
            "rollup_totals_unchanged": before == after}


class SqlClock:
    """The time spent waiting for the database (the rest of a batch is this process's Python)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def _rollup_digest(model) -> tuple:
    from django.db.models import Sum

    from huying.analytics.models import COUNTERS

    return tuple(model.objects.aggregate(**{c: Sum(c) for c in COUNTERS}).values())


# ------------------------------------------------------------------------------------------------ checks

def checks(args: argparse.Namespace) -> dict:
    """The SQL-built ledger against the product's own computations (at the build's moment)."""
    ci_wait()
    t_ref = dt.datetime.fromisoformat(T_REF)
    out = {"measures": measures_check(args, t_ref), "units": units_check()}
    if args.cases <= args.full_check:
        out["full"] = full_check(t_ref)
    return out


def measures_check(args: argparse.Namespace, t_ref: dt.datetime) -> dict:
    """A random sample of cases: measures_compute (Python, from the cases and evaluations) vs the stored rows."""
    from huying.analytics.facts import MEASURE_FIELDS
    from huying.analytics.models import CaseMeasure
    from huying.analytics.refresh import measures_compute, score_bands

    top = _scalar("SELECT max(id) FROM cases_case")
    ids = random.Random(args.seed + 1).sample(range(1, top + 1), min(args.sample, top))
    stored = CaseMeasure.objects.in_bulk(ids)
    differ, examples = 0, []
    for start in range(0, len(ids), 1000):
        computed = measures_compute(ids[start:start + 1000], now=t_ref, bands=score_bands())
        for pk, (measure, refresh_at) in computed.items():
            row = stored[pk]
            fields = {name: (getattr(measure, name), getattr(row, name)) for name in MEASURE_FIELDS
                      if getattr(measure, name) != getattr(row, name)}
            if refresh_at != row.refresh_at:
                fields["refresh_at"] = (refresh_at, row.refresh_at)
            if fields:
                differ += 1
                examples.append({"case": pk, **{k: [str(a), str(b)] for k, (a, b) in fields.items()}})
    return {"sampled": len(ids), "differ": differ, "examples": examples[:5]}


def units_check() -> dict:
    """Some units' rollups vs a Python sum (facts.contributions) of the measures whose handler or response unit lies
    in their subtree (by the paths kept on the measures; every case of the bench was created in 2026)."""
    from django.db.models import Q

    from huying.analytics.facts import MEASURE_FIELDS, Measure, add_into, contributions
    from huying.analytics.models import COUNTERS, CaseMeasure, UnitRollup
    from huying.org.models import Unit

    codes = [f"{PREFIX}05S03", f"{PREFIX}02S40", f"{PREFIX}05S03C000", f"{PREFIX}11S05C002", f"{PREFIX}05S03C000G00",
             f"{PREFIX}02B03", f"{PREFIX}D05", f"{PREFIX}U01"]
    months = [int(YEAR) * 100 + m for m in range(1, 13)]
    differ, rows, measures = [], 0, 0
    for unit in Unit.objects.filter(code__in=codes):
        inside = Q(handler_path__startswith=unit.path) | Q(response_path__startswith=unit.path)
        total: dict = {}
        for values in (CaseMeasure.objects.filter(inside, computed_at__isnull=False, created_month__in=months)
                       .values_list(*MEASURE_FIELDS).iterator(chunk_size=10_000)):
            measures += 1
            add_into(total, {k: v for k, v in contributions(Measure(*values)).items() if k[2] == unit.pk})
        expected = {k: v for k, v in total.items() if any(v.values())}
        stored = {(r["basis"], r["month"], r["unit_id"]): {c: r[c] for c in COUNTERS}
                  for r in UnitRollup.objects.filter(unit_id=unit.pk).values("basis", "month", "unit_id", *COUNTERS)}
        rows += len(expected)
        differ += [f"{unit.code} {k}" for k in set(expected) | set(stored) if expected.get(k) != stored.get(k)]
    return {"units": codes, "rows": rows, "measures_summed": measures, "differ": len(differ), "examples": differ[:5]}


def full_check(t_ref: dt.datetime) -> dict:
    """Every rollup row: the SQL build vs rollups_expected() (Python, from the cases) and vs rollups_rebuild()."""
    from huying.analytics.models import CaseMeasure
    from huying.analytics.refresh import rollups_differences, rollups_expected, rollups_rebuild, rollups_stored

    sql_rows = rollups_stored()
    started = time.perf_counter()
    expected = rollups_expected(now=t_ref)
    expected_s = time.perf_counter() - started
    measures = CaseMeasure.objects.filter(computed_at__isnull=False).count()
    started = time.perf_counter()
    written = rollups_rebuild()
    rebuild_s = time.perf_counter() - started
    rebuilt = rollups_stored()
    return {"rows": len(sql_rows), "sql_vs_expected_differ": len(rollups_differences(expected, sql_rows)),
            "sql_vs_rebuild_differ": len(rollups_differences(rebuilt, sql_rows)), "rebuild_rows": written,
            "rebuild_s": round(rebuild_s, 1), "rebuild_measures_per_s": round(measures / rebuild_s),
            "expected_s": round(expected_s, 1), "measures": measures}


# ------------------------------------------------------------------------------------------------- facts

def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            return next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        return ""


def database_facts() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT split_part(version(), ' ', 2), pg_database_size(current_database()), "
                       "current_setting('shared_buffers'), current_setting('work_mem')")
        version, size, shared_buffers, work_mem = cursor.fetchone()
        tables = {}
        for table in ("cases_case", "analytics_casemeasure", "analytics_unitrollup", "feedback_rating",
                      "feedback_callback", "org_unit"):
            cursor.execute("SELECT pg_relation_size(%s::regclass), pg_indexes_size(%s::regclass), "
                           "(SELECT count(*) FROM pg_index WHERE indrelid = %s::regclass)", [table, table, table])
            heap, indexes, n_indexes = cursor.fetchone()
            tables[table] = {"table_gib": round(heap / 2**30, 2), "indexes_gib": round(indexes / 2**30, 2),
                             "indexes": n_indexes}
        cursor.execute("SELECT kind, count(*) FROM org_unit GROUP BY 1 ORDER BY 2 DESC")
        units = dict(cursor.fetchall())
    return {"postgres": version, "database_bytes": size, "database_gib": round(size / 2**30, 2),
            "shared_buffers": shared_buffers, "work_mem": work_mem, "tables": tables, "units": units}


# ------------------------------------------------------------------------------------------------ running

def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[1])
    parser.add_argument("--cases", type=int, default=25_000_000, help="cases in the year")
    parser.add_argument("--seed", type=int, default=7, help="the organisation's and the cases' draws")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per operation (after one cold call)")
    parser.add_argument("--refresh", type=int, default=10_000, help="cases marked for the worker's refresh")
    parser.add_argument("--batch", type=int, default=500, help="measures_refresh batch size")
    parser.add_argument("--sample", type=int, default=5_000, help="measures recomputed in Python for the check")
    parser.add_argument("--full-check", type=int, default=1_000_000,
                        help="up to this many cases, compare every rollup row with Python's (and time rollups_rebuild)")
    parser.add_argument("--max-gb", type=float, default=40.0, help="stop the build past this database size")
    parser.add_argument("--keep", action="store_true", help="reuse (or complete) the database built by an earlier run")
    parser.add_argument("--json", action="store_true", help="print the result as JSON after the table")
    parser.add_argument("--database", default=BENCH_DB, help="the bench's own database on that server")
    parser.add_argument("--child", choices=("build", "measure"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        print(json.dumps(build_phase(args) if args.child == "build" else measure_phase(args), default=str))
        return
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        raise SystemExit("bench_rates needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/postgres")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "huying.settings", "HUYING_DEBUG": "0",
           "DATABASE_URL": bench_url(server, args.database)}
    ensure_postgres(env["DATABASE_URL"], args.database, fresh=not args.keep)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    result = {"command": "DATABASE_URL=… python bench/bench_rates.py " + " ".join(sys.argv[1:]),
              **_child("build", env), **_child("measure", env)}
    (ROOT / "bench" / "results" / f"rates_postgresql_{args.cases}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False, default=str))
    report(result)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False, default=str))


def _child(phase: str, env: dict) -> dict:
    child = subprocess.run([sys.executable, __file__, "--child", phase, *sys.argv[1:]], env=env, cwd=ROOT,
                           stdout=subprocess.PIPE, text=True, check=False)
    if child.returncode != 0:
        raise SystemExit(f"benchmark failed in its {phase} phase (see above)")
    return json.loads(child.stdout.strip().splitlines()[-1])


def report(r: dict) -> None:
    m, mix, t = r["machine"], r["mix"], r["tables"]
    print(f"PostgreSQL {r['postgres']} (shared_buffers {r['shared_buffers']}): {mix['cases']:,} cases created "
          f"{YEAR_START[:10]} … {T_REF[:16]} (+08), {sum(r['units'].values()):,} units {r['units']}")
    print(f"database {r['database_gib']} GiB: " + "; ".join(
        f"{name} {v['table_gib']} + {v['indexes']} indexes {v['indexes_gib']} GiB" for name, v in t.items()))
    print(f"machine: {m['cpus']} CPUs ({m.get('cpu_model', '')}), {m['memory_gib']} GiB, {m['python']}; load average "
          f"{r['loadavg_before'][0]:.1f} before, {r['loadavg_after'][0]:.1f} after")
    steps = ", ".join(f"{k[:-2]} {v:,.0f} s" for k, v in r["build_steps"].items())
    print(f"build {r['build_seconds']:,.0f} s ({'this run' if r['built'] else 'kept: times of the original build'}): "
          f"{steps}; waited for CI {r['ci_paused_s']:.0f} s")
    print(f"mix: statuses {mix['statuses']}")
    print(f"     channels {mix['channels']}")
    print(f"     reopened {mix['reopened']:,}, excluded by approval {mix['excluded_by_approval']:,} "
          "(+ merged/invalid), "
          f"awaiting approval {mix['exclusion_requested']:,}, proactive {mix['proactive']:,}; ratings "
          f"{mix['ratings']:,}, call-backs reached {mix['callbacks_reached']:,} / unreached "
          f"{mix['callbacks_unreached']:,}; evaluated cases {mix['evaluated_cases']:,} "
          f"({mix['evaluated_cases'] / max(1, mix['cases']):.1%}); measures {mix['measures']:,}; rollup rows "
          f"{mix['rollup_rows']:,}; received on the last day {mix['created_on_the_last_day']:,}")
    print(f"clock {r['clock']}")
    print(f"{'operation':<72} {'cold ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'SQL':>4}  < 1 s")
    for op in r["reads"]:
        print(f"{op['name']:<72} {op['cold_ms']:>8} {op['p50']:>8} {op['p95']:>8} {op['max']:>8} {op['queries']:>4}  "
              f"{'yes' if op['meets_target'] else 'NO'}")
        print(f"    {op['what']}")
    f = r["refresh"]
    print(f"worker: {f['marked']:,} cases marked (measure_mark p50 {f['mark_ms']['p50']} ms, p95 {f['mark_ms']['p95']} "
          f"ms); measures_refresh batches of {f['batch']}: p50 {f['batch_ms']['p50']} ms, p95 {f['batch_ms']['p95']} "
          f"ms, max {f['batch_ms']['max']} ms (of which SQL p50 {f['batch_sql_ms']['p50']} ms); "
          f"{f['recomputed']:,} recomputed in {f['seconds']} s = "
          f"{f['measures_per_s']:,} measures/s (clock at the build's moment: every recomputation must equal the "
          f"SQL row) — rollup rows moved {f['rollup_rows_moved']}, totals unchanged {f['rollup_totals_unchanged']}")
    c = r["checks"]
    print(f"check: {c['measures']['sampled']:,} measures recomputed by measures_compute, {c['measures']['differ']} "
          f"differ from the SQL build; {len(c['units']['units'])} units' rollups vs facts.contributions over "
          f"{c['units']['measures_summed']:,} measures: {c['units']['rows']} rows, {c['units']['differ']} differ")
    for example in c["measures"]["examples"] + c["units"]["examples"]:
        print(f"    {example}")
    if "full" in c:
        full = c["full"]
        print(f"full check: {full['rows']:,} rollup rows from SQL; vs rollups_expected (from the cases, "
              f"{full['expected_s']} s) {full['sql_vs_expected_differ']} differ; vs rollups_rebuild "
              f"{full['sql_vs_rebuild_differ']} differ; rollups_rebuild {full['rebuild_s']} s for "
              f"{full['measures']:,} measures = {full['rebuild_measures_per_s']:,} measures/s")


if __name__ == "__main__":
    main()
