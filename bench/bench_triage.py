#!/usr/bin/env python
"""Benchmark: triage of one new case (研判: classify, urgency, place, duplicate search) among a million cases.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_triage.py \\
        [--cases 1000000] [--open 100000] [--per-day 70000] [--requests 1000] [--creates 200] [--repeats 0.1]
        [--keep] [--retrain] [--calm 1.5]

Issue 6's target: all of triage for one new case under 20 ms at p95 with 1,000,000 cases in the database and
100,000 open. PostgreSQL only (the production database). The run uses its own database `huying_bench_triage` on
the server DATABASE_URL names (`--database`), rebuilt unless `--keep` (reuse the one built before).

Building (one child process; bulk_create for the registry, INSERT … SELECT generate_series for the cases):
- A district 基准区 of 20 streets, 300 communities and 2,000 grids: squares of 0.004° (about 380 × 440 m),
  drawn as tests/cast.py draws them (GeoJSON boundary) on a 50 × 40 lattice; a command centre; one dispatch rule
  per top-level category of the default catalogue (tier A2: the community), so case_create routes and
  dispatches as in production. Categories, request types and tiers are the catalogue the migrations seed.
- 20,000 buildings, 10 per grid, each grid holding one compound (小区): 2,000 compound names made of two
  two-character words (锦绣华庭小区; 30% 花园/家园/新村), buildings named 锦绣华庭小区3栋 with the alias
  锦绣华庭3号楼 and the compound's street address (解放路17号), at points inside their grid; created with
  bulk_create, then the registry version is bumped so every process rebuilds its place index.
- 1,000,000 cases over the last 365 days, their texts from 12 project-written templates (category-specific,
  60–90 characters, naming the case's building, with numbers from the series). Rate: the newest 7 days arrive
  at 70,000 a day (`--per-day`: a city's intake, so that the duplicate window is as full as a busy city's), the
  other cases spread over the 358 days before. Each case is at one of its grid's buildings (60% with
  coordinates), and grids are drawn with a weight rising linearly from 0.5× to 1.5× the mean: a grid's 72-hour
  window (TriageSettings' default) holds 55–154 candidates (5th–95th percentile), 102 on average (printed).
  The newest 100,000 (`--open`, the last ~34 hours) are open (received … in progress); older ones are closed
  (85%), resolved (10%), merged (3%) or invalid (2%).
- The active category model: the product's classifier (classifier_train) trained on the real messages of
  ../shared/data/teddycup/classify_dev.csv, stored with model_store(activate=True). Without the data folder no
  model is trained and the catalogue's keyword rules (the cold start) are measured instead; the output says so.
  A kept database keeps its model unless `--retrain`, or unless the classifier no longer reads it (new format).

Measuring (a second, fresh child process, so the first request really starts cold), one request at a time,
at the build's moment (the clock is moved there with time-machine, so a kept database measures the same window):
1. Cold start: the first request, which loads the model, jieba's dictionary and the place index; with its parts.
2. After `--warmup` requests, `--requests` new requests: real intake texts (title + message of
   ../shared/data/teddycup/unlabeled_messages.csv; project templates when absent), each given a random building's
   address (its name or alias) or its coordinates, half each; `--repeats` (10%) instead retell an open case of
   the window at its building, so the filter finds something. One triage = TriageSettings.current() +
   triage_assess + duplicates_preview with the settings' policy and the top suggested category, as the operator
   console asks it. Wall time p50/p95/p99/max, and per part: classify, urgency, place, duplicates (candidate
   query + scoring), with the SQL time and statement count, the number of candidates, and this process's CPU
   time (the machine is shared: `--calm` waits for a quieter moment, and the load average is always reported).
3. EXPLAIN (ANALYZE, BUFFERS) of the candidate query for the busiest grid: the index case_grid_created is used.
4. `--creates` full case_create calls (triage, insert, triage record, duplicate settle, routing, dispatch with
   deadlines and timers), each in a transaction rolled back afterwards, after 10 untimed ones and the URLconf
   loaded (as in a serving process). The commit's own cost (a WAL flush) is
   not in them: a committed one-row write is timed apart.
Results are printed and written to bench/results/.
"""

import argparse
import csv
import datetime as dt
import importlib
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pgbench_common import bench_url, ensure_postgres, insert_columns, machine  # noqa: E402 — bench/ is on the path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "teddycup"
BENCH_DB = "huying_bench_triage"
PREFIX = "BQ"  # the bench's unit codes and case numbers
CHUNK = 100_000  # cases per INSERT … SELECT
TARGET_P95_MS = 20.0  # issue 6

STREETS, COMMUNITIES, GRIDS, PER_GRID = 20, 300, 2_000, 10
COLUMNS = 50  # grids per row of the lattice
GRID_SIZE = 0.004  # degrees
ORIGIN = (114.20, 30.50)  # lon, lat of the lattice's south-west corner
DAYS, HOT_DAYS = 365, 7

STEM_HEADS = ("锦绣 阳光 幸福 和平 金色 翠竹 丽景 碧水 龙湖 万科 保利 中海 恒大 绿地 融创 东方 南湖 西湖 北辰 江南 "
              "滨江 梧桐 银杏 紫荆 桂花 玉兰 海棠 枫林 松涛 翡翠 书香 华府 名都 春晓 锦江 盛世 天元 金地 "
              "新华 光明").split()
STEM_TAILS = ("华庭 名邸 世家 嘉园 丽都 佳园 锦城 水岸 星城 御景 香榭 蓝湾 金岸 春天 公元 首府 尚城 一品 湾畔 悦府 "
              "云庭 铂郡 天地 国际 康城 美地 绿洲 明珠 豪庭 新都 府邸 翠园 城邦 时代 领域 半岛 上城 湖畔 观邸 雅园 "
              "秀园 华城 学府 书院 东郡 西郡 南郡 北郡 中心 新居").split()
COMPOUND_WORD = ("小区",) * 7 + ("花园", "家园", "新村")  # by compound number % 10
ROADS = [f"{w}{s}" for s in ("路", "大道", "街") for w in
         "解放 中山 建设 人民 胜利 友谊 青年 工农 长江 黄河 珠江 汉阳 武昌 沿江 发展 新华 建国 民主 复兴 和平".split()]
STREET_NAMES = ("东湖 西山 南岸 北港 花桥 车站 球场 大智 一元 民族 水塔 民意 新荣 四唯 永清 台北 塔子湖 后湖 丹水池 "
                "谌家矶").split()
COMMUNITY_SIDES = "东西南北中新前后"

# (category code, title, text): %1$s the building, %2$s a count (2–8), %3$s an hour (9–12). Written for this bench.
TEMPLATES = (
    ("010101", "%1$s垃圾无人清运",
     "%1$s楼下的垃圾桶已经满了%2$s天，垃圾堆到路边没人收，天热味道很大，蚊蝇很多，请尽快安排清运。"),
    ("010303", "%1$s路灯不亮",
     "%1$s门口的路灯晚上不亮已经%2$s天了，老人小孩晚上出门看不清路，很不安全，请尽快派人维修。"),
    ("010601", "%1$s夜间施工扰民",
     "%1$s旁边的工地每天晚上%3$s点以后还在施工，噪音很大，严重影响居民休息，请相关部门查处。"),
    ("010304", "%1$s下水道堵塞",
     "%1$s前面的下水道堵了，污水漫到路面上，已经%2$s天了，臭味很大，请尽快疏通。"),
    ("090101", "%1$s消防通道被占",
     "%1$s楼下消防通道长期被私家车占用，经常停着%2$s辆车，一旦有情况消防车进不来，请处理。"),
    ("080101", "%1$s物业不作为",
     "%1$s物业服务差，楼道卫生没人打扫，单元门坏了%2$s天也不修，业主多次反映没有结果。"),
    ("080201", "%1$s停水",
     "%1$s从今天早上开始停水，已经%2$s个小时了，事先没有任何通知，生活很不方便，请问什么时候恢复供水。"),
    ("010201", "%1$s树木需要修剪",
     "%1$s旁边的树长得太高，树枝挡住了%2$s楼的窗户和路灯，刮风时很危险，请园林部门修剪。"),
    ("010301", "%1$s路面破损",
     "%1$s附近路面有一个大坑，已经%2$s天了，下雨就积水，电动车经过容易摔倒，请尽快修补。"),
    ("020201", "%1$s油烟扰民",
     "%1$s楼下的饭店油烟直排，每天中午和晚上%3$s点烟味很大，窗户都不敢开，请环保部门检查。"),
    ("040501", "%1$s电梯故障",
     "%1$s的电梯经常出故障，这个月已经停了%2$s次，老人上下楼很困难，请督促物业尽快维修。"),
    ("090103", "%1$s楼道充电",
     "%1$s有居民从%2$s楼拉电线给电动车充电，存在安全隐患，请尽快处理。"),
)
OPEN_STATUSES = ("received", "dispatched", "dispatched", "accepted", "in_progress", "in_progress", "in_progress",
                 "in_progress", "returned", "escalated")  # the open mix, one drawn per case


# ---------------------------------------------------------------------------------------------- building

def build_phase(args: argparse.Namespace) -> dict:
    """Migrate, then make whatever of the registry, the cases and the model is not there yet."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    steps: dict[str, float] = {}
    t_ref = reference_moment()
    timed(steps, "registry_s", registry_build)
    timed(steps, "catalogue_s", catalogue_build)
    built_cases = cases_build(args, t_ref, steps)
    model = timed(steps, "model_s", lambda: model_build(args.retrain))
    return {"built": built_cases, "build_seconds": round(time.perf_counter() - started, 1),
            "build_steps": {k: round(v, 1) for k, v in steps.items()}, "model": model,
            "reference_moment": t_ref.isoformat()}


def timed(steps: dict[str, float], name: str, step):
    started = time.perf_counter()
    result = step()
    steps[name] = time.perf_counter() - started
    print(f"  {name[:-2]}: {steps[name]:.1f} s", file=sys.stderr, flush=True)
    return result


def reference_moment() -> dt.datetime:
    """The moment the cases are dated back from (kept in the bench database, so a continued build agrees)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_triage_meta (t_ref timestamptz NOT NULL, probes int "
                       "NOT NULL DEFAULT 0)")
        cursor.execute("INSERT INTO bench_triage_meta (t_ref) SELECT date_trunc('second', now()) "
                       "WHERE NOT EXISTS (SELECT 1 FROM bench_triage_meta)")
        cursor.execute("SELECT t_ref FROM bench_triage_meta")
        return cursor.fetchone()[0]


def square(lon: float, lat: float, size: float = GRID_SIZE) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def grid_corner(i: int) -> tuple[float, float]:
    return ORIGIN[0] + (i % COLUMNS) * GRID_SIZE, ORIGIN[1] + (i // COLUMNS) * GRID_SIZE


def compound_name(i: int) -> tuple[str, str]:
    """(stem, compound name) of grid i's compound: 2,000 distinct names."""
    stem = STEM_HEADS[i // len(STEM_TAILS) % len(STEM_HEADS)] + STEM_TAILS[i % len(STEM_TAILS)]
    return stem, stem + COMPOUND_WORD[i % len(COMPOUND_WORD)]


def registry_build() -> None:
    """The district's tree, its grids' boundaries and its buildings (skipped when the district is there)."""
    from huying.geo.models import Building
    from huying.geo.registry import registry_changed
    from huying.org.models import Unit, UnitKind

    if Unit.objects.filter(code=f"{PREFIX}01").exists():
        return
    district = Unit.objects.create(code=f"{PREFIX}01", name="基准区", kind=UnitKind.DISTRICT)
    Unit.objects.create(code=f"{PREFIX}01CC", name="基准区指挥中心", kind=UnitKind.COMMAND_CENTRE, parent=district)
    streets = Unit.objects.bulk_create([
        Unit(code=f"{PREFIX}01S{s:02d}", name=f"{STREET_NAMES[s]}街道", kind=UnitKind.STREET, parent=district)
        for s in range(STREETS)])
    communities = Unit.objects.bulk_create([
        Unit(code=f"{PREFIX}01C{c:03d}", kind=UnitKind.COMMUNITY, parent=streets[c * STREETS // COMMUNITIES],
             name=f"{STEM_HEADS[c % len(STEM_HEADS)]}{COMMUNITY_SIDES[c // len(STEM_HEADS)]}社区")
        for c in range(COMMUNITIES)])
    grids = Unit.objects.bulk_create([_grid(i, communities[i * COMMUNITIES // GRIDS]) for i in range(GRIDS)])
    _paths_fill()
    buildings = Building.objects.bulk_create([_building(i, k, grid) for i, grid in enumerate(grids)
                                              for k in range(PER_GRID)], batch_size=2_000)
    registry_changed()  # bulk_create sends no signal: every process's place index must rebuild
    _helper_tables(grids, buildings)


def _grid(i: int, community) -> object:
    from huying.org.models import Unit, UnitKind

    return Unit(code=f"{PREFIX}01G{i:04d}", kind=UnitKind.GRID, parent=community,
                name=f"{community.name}第{i % 7 + 1}网格", boundary=square(*grid_corner(i)))


def _building(i: int, k: int, grid) -> object:
    from huying.geo.models import Building

    stem, compound = compound_name(i)
    lon, lat = grid_corner(i)
    road, door = ROADS[i % len(ROADS)], 2 * (i // len(ROADS)) + 1
    return Building(name=f"{compound}{k + 1}栋", aliases=f"{stem}{k + 1}号楼", address=f"{road}{door}号", grid=grid,
                    lon=round(lon + GRID_SIZE * (0.1 + 0.2 * (k % 5)), 6),
                    lat=round(lat + GRID_SIZE * (0.3 if k < 5 else 0.7), 6))


def _paths_fill() -> None:
    """Materialised paths for the bulk-created units (Unit.save() sets them one by one otherwise)."""
    from django.db import connection

    from huying.org.models import Unit

    table = Unit._meta.db_table
    with connection.cursor() as cursor:
        for kind in ("street", "community", "grid"):
            cursor.execute(f"UPDATE {table} u SET path = p.path || u.id || '/' FROM {table} p "
                           f"WHERE u.parent_id = p.id AND u.kind = %s AND u.code LIKE %s", [kind, f"{PREFIX}01%"])


def _helper_tables(grids: list, buildings: list) -> None:
    """Grid and building lookups by position, for the INSERT … SELECT that writes the cases."""
    from django.db import connection

    from huying.catalog.models import Category
    from huying.org.models import Unit

    by_pk = Unit.objects.in_bulk([g.pk for g in grids])
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_triage_grid (idx int PRIMARY KEY, grid_id int, community_id int, "
                       "street_id int, district_id int, path text)")
        cursor.executemany("INSERT INTO bench_triage_grid VALUES (%s, %s, %s, %s, %s, %s)", [
            (i, g.pk, g.parent_id, g.parent.parent_id, g.parent.parent.parent_id, by_pk[g.pk].path)
            for i, g in enumerate(grids)])
        cursor.execute("CREATE TABLE bench_triage_building (grid_idx int, k int, building_id int, name text, "
                       "lat float8, lon float8, PRIMARY KEY (grid_idx, k))")
        cursor.executemany("INSERT INTO bench_triage_building VALUES (%s, %s, %s, %s, %s, %s)", [
            (n // PER_GRID, n % PER_GRID, b.pk, b.name, b.lat, b.lon) for n, b in enumerate(buildings)])
        categories = dict(Category.objects.values_list("code", "pk"))
        cursor.execute("CREATE TABLE bench_triage_template (idx int PRIMARY KEY, category_id int, title text, "
                       "body text)")
        cursor.executemany("INSERT INTO bench_triage_template VALUES (%s, %s, %s, %s)", [
            (n, categories[code], title, body) for n, (code, title, body) in enumerate(TEMPLATES)])


def catalogue_build() -> None:
    """A dispatch rule per top-level category (tier A2: the community) and an operator for case_create."""
    from huying.catalog.models import Category, DispatchRule, Tier
    from huying.org.models import Role, Unit, User

    tier = Tier.objects.get(code="A2")
    for category in Category.objects.filter(parent=None, active=True):
        DispatchRule.objects.get_or_create(category=category, request_type=None, area=None,
                                           defaults={"tier": tier})
    User.objects.get_or_create(username="bench-triage-operator", defaults={
        "password": "!", "role": Role.OPERATOR, "unit": Unit.objects.get(code=f"{PREFIX}01CC")})


def cases_build(args: argparse.Namespace, t_ref: dt.datetime, steps: dict[str, float]) -> bool:
    """Grow the bench's cases to `--cases` (continuing a build cut short); False when nothing was missing."""
    from django.db import connection

    from huying.cases.models import Case

    have = Case.objects.filter(number__startswith=PREFIX).count()
    if have >= args.cases:
        return False
    bigrams = importlib.import_module("huying.workbench.migrations.0001_case_search_bigrams")
    trigrams = importlib.import_module("huying.workbench.migrations.0002_case_number_trigrams")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # One index build at the end is much faster than a million index updates.
        cursor.execute("DROP INDEX IF EXISTS case_search_bigrams")
        cursor.execute(trigrams.DROP)
        cursor.execute("SELECT setseed(%s)", [0.5 + have / (2 * args.cases)])  # the same cases on every build
        while have < args.cases:
            last = min(have + CHUNK, args.cases)
            cursor.execute(_cases_sql(have + 1, last, args, t_ref))
            have = last
            print(f"  {have:,} cases ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
        steps["cases_s"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(bigrams.INDEX.replace("CONCURRENTLY ", ""))
        cursor.execute(trigrams.CREATE.replace("CONCURRENTLY ", ""))
        steps["search_indexes_s"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE" if connection.get_autocommit() else "ANALYZE")
        steps["vacuum_analyze_s"] = time.perf_counter() - started
    return True


def _cases_sql(first: int, last: int, args: argparse.Namespace, t_ref: dt.datetime) -> str:
    """INSERT … SELECT of cases `first`..`last` (the highest number is the newest). Every NOT NULL column without
    a value here takes its model default, so a new column with a default does not break the build."""
    from huying.cases.models import Case
    from huying.catalog.models import RequestType, Tier

    total, hot = args.cases, min(args.cases, HOT_DAYS * args.per_day)
    at_ref = f"'{t_ref.isoformat()}'::timestamptz"
    types = RequestType.objects.in_bulk(["complaint", "consult", "help"], field_name="code")
    statuses = ",".join(f"'{s}'" for s in OPEN_STATUSES)
    age_s = (f"CASE WHEN k < {hot} THEN k * 86400.0 / {args.per_day} ELSE {HOT_DAYS * 86400} + (k - {hot}) * "
             f"{(DAYS - HOT_DAYS) * 86400.0} / {max(1, total - hot)} END")
    randoms = (f"SELECT g, {total} - g AS k, random() AS u, random() AS v, random() AS w, random() AS x, "
               f"random() AS y FROM generate_series({first}, {last}) AS g OFFSET 0")  # OFFSET 0: draw once a row
    drawn = (f"SELECT r.*, {at_ref} - ({age_s}) * interval '1 second' AS at, "
             f"CASE WHEN k < {args.open} THEN (ARRAY[{statuses}])[1 + floor(x * {len(OPEN_STATUSES)})::int] "
             "WHEN x < 0.03 THEN 'merged' WHEN x < 0.05 THEN 'invalid' WHEN x < 0.15 THEN 'resolved' "
             f"ELSE 'closed' END AS st FROM ({randoms}) AS r")
    pending = "s.st = 'received'"
    values = {
        "number": f"'{PREFIX}' || lpad(s.g::text, 12, '0')",
        "channel": "(ARRAY['hotline','hotline','hotline','hotline','hotline','hotline','web','web','web','qr'])"
                   "[1 + s.g % 10]",
        "request_type_id": f"(ARRAY[{types['complaint'].pk},{types['consult'].pk},{types['help'].pk}])[1 + s.g % 3]",
        "category_id": "t.category_id", "category_source": "'staff'",
        "title": "format(t.title, b.name)",
        "description": "format(t.body, b.name, 2 + s.g % 7, 9 + s.g % 4) || '（第' || (1 + s.g % 5) || '次反映）'",
        "address": "b.name",
        "lat": "CASE WHEN s.y < 0.6 THEN b.lat + (s.y - 0.3) * 0.0002 END",
        "lon": "CASE WHEN s.y < 0.6 THEN b.lon + (s.y - 0.3) * 0.0002 END",
        "grid_id": "gr.grid_id", "community_id": "gr.community_id", "street_id": "gr.street_id",
        "district_id": "gr.district_id", "place_path": "gr.path", "building_id": "b.building_id",
        "reporter_phone": "'139' || lpad((s.g % 100000000)::text, 8, '0')",
        "tier_id": str(Tier.objects.get(code="A2").pk), "status": "s.st",
        "current_unit_id": f"CASE WHEN {pending} THEN NULL ELSE gr.community_id END",
        "dispatched_at": f"CASE WHEN {pending} THEN NULL ELSE s.at + interval '5 minutes' END",
        "response_due_at": f"CASE WHEN {pending} THEN NULL ELSE s.at + interval '35 minutes' END",
        "completion_due_at": f"CASE WHEN {pending} THEN NULL ELSE s.at + interval '2 days' END",
        "responded_at": "CASE WHEN s.st IN ('received','dispatched','returned','escalated') THEN NULL "
                        "ELSE s.at + interval '20 minutes' END",
        "resolved_at": f"CASE WHEN s.st IN ('resolved','closed') THEN least({at_ref}, s.at + (2 + s.x * 30) * "
                       "interval '1 hour') END",
        "closed_at": f"CASE WHEN s.st = 'closed' THEN least({at_ref}, s.at + (26 + s.x * 30) * interval '1 hour') END",
        "created_at": "s.at", "updated_at": "s.at",
    }
    columns, expressions = insert_columns(Case, values, "bench_triage")
    grid_idx = f"least({GRIDS - 1}, floor((sqrt(0.25 + 2 * s.u) - 0.5) * {GRIDS}))::int"  # density 0.5 + x on [0,1)
    return (f"INSERT INTO cases_case ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM ({drawn}) AS s "
            f"JOIN bench_triage_grid gr ON gr.idx = {grid_idx} "
            f"JOIN bench_triage_building b ON b.grid_idx = gr.idx AND b.k = least({PER_GRID - 1}, "
            f"floor(s.v * {PER_GRID}))::int "
            f"JOIN bench_triage_template t ON t.idx = least({len(TEMPLATES) - 1}, floor(s.w * {len(TEMPLATES)}))::int")


def model_build(retrain: bool) -> dict | None:
    """The active category model: the one there when this code still reads it, or one trained now on the real
    messages (None: no data, keyword rules)."""
    from huying.catalog.models import Category
    from huying.triage.classifier import classifier_train
    from huying.triage.labelled import labelled_read
    from huying.triage.models import Target, TriageModel
    from huying.triage.store import model_store

    row = TriageModel.objects.filter(target=Target.CATEGORY, active=True).first()
    train_s = None
    if row is None or retrain or not _model_loads():
        path = DATA / "classify_dev.csv"
        if not path.is_file():
            print(f"  {path} is absent: no model trained, the keyword cold start is measured", file=sys.stderr)
            return None
        data = labelled_read(path, text_col="text", label_col="label")
        started = time.perf_counter()
        classifier = classifier_train(data.texts, data.labels)
        train_s = round(time.perf_counter() - started, 1)
        row = model_store(classifier=classifier, source=f"bench_triage: {path.name}", activate=True)
    known = set(Category.objects.values_list("name", flat=True)) | set(Category.objects.values_list("code", flat=True))
    return {"version": row.version, "trained_on": row.n, "classes": row.classes, "retrained": train_s is not None,
            "classes_in_catalogue": sum(1 for c in row.classes if c in known), "train_s": train_s,
            "blob_mib": round(len(row.blob) / 2**20, 1)}


def _model_loads() -> bool:
    """False when the stored model was written by an older classifier (its format is refused): train anew."""
    from huying.triage.classifier import ModelFileError
    from huying.triage.store import model_active

    try:
        return model_active() is not None
    except ModelFileError:
        return False


# ------------------------------------------------------------------------------------------------ requests

@dataclass(frozen=True)
class Request:
    title: str
    description: str
    address: str = ""
    lat: float | None = None
    lon: float | None = None


def intake_texts() -> tuple[list[tuple[str, str]], str]:
    """(title, message) pairs of real intake text; the bench's own templates when the data folder is absent."""
    path = DATA / "unlabeled_messages.csv"
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as stream:
            rows = [(r["title"].strip(), r["text"].strip()) for r in csv.DictReader(stream) if r["text"].strip()]
        return rows, f"{path.name} ({len(rows)} real messages)"
    print(f"  {path} is absent: the new requests use the bench's own templates", file=sys.stderr)
    rows = [(title.replace("%1$s", ""), body.replace("%1$s", "").replace("%2$s", "3").replace("%3$s", "10"))
            for _code, title, body in TEMPLATES]
    return rows, "project templates (data folder absent)"


def requests_make(n: int, seed: int, *, repeats: float, open_count: int) -> tuple[list[Request], str]:
    """`n` new requests, each at a random bench building: its name or alias (half), or its point (half).

    A share `repeats` retells an open case of the window (its words after "又来反映：", at its building): a
    second caller about the same matter, so the filter has something to find and case_create merges some.
    """
    from huying.cases.models import Case
    from huying.geo.models import Building

    rng = random.Random(seed)
    texts, source = intake_texts()
    buildings = list(Building.objects.filter(grid__code__startswith=PREFIX).order_by("pk")
                     .values_list("pk", "name", "aliases", "lat", "lon"))
    newest = Case.objects.filter(number__startswith=PREFIX).count()
    numbers = [f"{PREFIX}{newest - rng.randrange(max(1, open_count)):012d}" for _ in range(n)]
    retold = {number: (title, text, building) for number, title, text, building in Case.objects
              .filter(number__in=numbers).values_list("number", "title", "description", "building_id")}
    by_pk = {b[0]: b for b in buildings}
    made = []
    for number in numbers:
        title, text = rng.choice(texts)
        _pk, name, aliases, lat, lon = rng.choice(buildings)
        if rng.random() < repeats and number in retold:
            title, text, building = retold[number]
            text = "又来反映：" + text
            _pk, name, aliases, lat, lon = by_pk.get(building, (_pk, name, aliases, lat, lon))
        if rng.random() < 0.5:
            made.append(Request(title, text, lat=lat + rng.uniform(-5e-5, 5e-5), lon=lon + rng.uniform(-5e-5, 5e-5)))
        else:
            made.append(Request(title, text, address=rng.choice([name, *aliases.splitlines()])))
    return made, source + (f", {repeats:.0%} retelling an open case" if repeats else "")


# ------------------------------------------------------------------------------------------------ timing

class Parts:
    """Seconds per part of the request being timed, from wrappers put around the product's own functions (the
    product code is not changed: its module attributes are replaced in this process only), and its SQL."""

    def __init__(self) -> None:
        self.now: dict[str, float] = {}
        self.wrapped: list[str] = []
        self.candidates = 0

    def wrap(self, module, name: str, part: str, counts: bool = False) -> None:
        original = getattr(module, name, None)
        if original is None:  # the product moved on: time what is there
            return

        def timed(*args, **kwargs):
            started, sql_before = time.perf_counter(), self.now.get("sql", 0.0)
            try:
                result = original(*args, **kwargs)
            finally:
                self.now[part] = self.now.get(part, 0.0) + time.perf_counter() - started
                # The SQL spent inside the part: what the database costs it, the rest is Python.
                self.now[f"{part}_sql"] = self.now.get(f"{part}_sql", 0.0) + self.now.get("sql", 0.0) - sql_before
            if counts:
                self.candidates += len(result)
            return result

        setattr(module, name, timed)
        self.wrapped.append(f"{module.__name__}.{name} → {part}")

    def sql(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.now["sql"] = self.now.get("sql", 0.0) + time.perf_counter() - started
            self.now["queries"] = self.now.get("queries", 0) + 1

    def start(self) -> None:
        self.now, self.candidates = {}, 0
        self.cpu_started = time.process_time()

    def sample(self, **extra: object) -> dict:
        """The request's parts in ms; `cpu` is this process's CPU time (the database server's is not in it)."""
        queries = int(self.now.pop("queries", 0))
        out = {k: round(v * 1000, 3) for k, v in self.now.items()}
        cpu = round((time.process_time() - self.cpu_started) * 1000, 3)
        return {**out, "cpu": cpu, "queries": queries, "candidates": self.candidates, **extra}


def instrument() -> Parts:
    from huying.cases import duplicates
    from huying.triage import assess

    parts = Parts()
    parts.wrap(assess, "_categories", "classify")
    parts.wrap(assess, "_request_types", "classify")
    parts.wrap(assess, "urgency_detect", "urgency")
    parts.wrap(assess, "place_resolve", "place")
    parts.wrap(duplicates, "duplicate_candidates", "dup_query", counts=True)
    return parts


def triage_timed(request: Request, parts: Parts) -> dict:
    """One whole triage of a new request, as the operator console asks it; its wall time and parts in ms."""
    from django.utils import timezone

    from huying.cases.duplicates import duplicate_policy, duplicates_preview
    from huying.triage.assess import triage_assess
    from huying.triage.models import TriageSettings

    parts.start()
    started = time.perf_counter()
    settings = TriageSettings.current()
    assessed_at = time.perf_counter()
    assessment = triage_assess(title=request.title, description=request.description, address=request.address,
                               lat=request.lat, lon=request.lon)
    searched_at = time.perf_counter()
    top = assessment.categories[0].pk if assessment.categories else None
    found = duplicates_preview(title=request.title, description=request.description, category_id=top,
                               lat=request.lat, lon=request.lon, place=assessment.place,
                               policy=duplicate_policy(settings), now=timezone.now())
    ended = time.perf_counter()
    sample = parts.sample(total=round((ended - started) * 1000, 3), settings=round((assessed_at - started) * 1000, 3),
                          assess=round((searched_at - assessed_at) * 1000, 3),
                          duplicates=round((ended - searched_at) * 1000, 3), chars=len(request.description),
                          method=assessment.method, how=assessment.place.how if assessment.place else None,
                          found=len(found), by_point=request.lat is not None)
    sample["dup_scoring"] = round(sample["duplicates"] - sample.get("dup_query", 0.0), 3)
    return sample


class _Rollback(Exception):
    pass


def create_timed(request: Request, parts: Parts, operator, complaint) -> dict:
    """The whole case_create (write included) in a transaction that is rolled back once timed."""
    from django.db import transaction

    from huying.cases.models import Channel
    from huying.cases.services.intake import case_create

    parts.start()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            case = case_create(by=operator, channel=Channel.HOTLINE, request_type=complaint, title=request.title,
                               description=request.description, address=request.address, lat=request.lat,
                               lon=request.lon, reporter_phone="13900000000")
            elapsed = time.perf_counter() - started
            status = case.status
            raise _Rollback
    except _Rollback:
        pass
    return parts.sample(total=round(elapsed * 1000, 3), status=status)


def commit_probe(n: int = 50) -> dict:
    """What a commit adds on this machine: a one-row UPDATE in autocommit (WAL flush included)."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        synchronous = cursor.fetchone()[0]
        for _ in range(n):
            started = time.perf_counter()
            cursor.execute("UPDATE bench_triage_meta SET probes = probes + 1")
            times.append((time.perf_counter() - started) * 1000)
    return {"synchronous_commit": synchronous, "one_row_commit_ms": summary(sorted(times))}


def candidate_explain(t_ref: dt.datetime) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of the duplicate filter's candidate query for the busiest grid of the window."""
    from django.db import connection

    from huying.cases import duplicates
    from huying.cases.models import Case
    from huying.org.models import Unit
    from huying.triage.models import TriageSettings

    policy = duplicates.duplicate_policy(TriageSettings.current())
    since = t_ref - dt.timedelta(hours=policy.window_hours)
    with connection.cursor() as cursor:
        cursor.execute("SELECT grid_id, count(*) FROM cases_case WHERE created_at >= %s AND created_at <= %s "
                       "GROUP BY grid_id ORDER BY 2 DESC LIMIT 1", [since, t_ref])
        grid_id, in_window = cursor.fetchone()
    draft = Case(description="", grid=Unit.objects.get(pk=grid_id), created_at=t_ref)
    captured: list[tuple[str, object]] = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        found = duplicates.duplicate_candidates(case=draft, policy=policy)
    sql, params = next((s, p) for s, p in captured if "cases_case" in s)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    return {"grid_id": grid_id, "cases_in_window": in_window, "candidates": len(found), "plan": plan,
            "uses_case_grid_created": any("case_grid_created" in line for line in plan)}


def window_fill(t_ref: dt.datetime) -> dict:
    """How many candidates a grid's duplicate window holds (merged and invalid cases are never candidates)."""
    from django.db import connection

    from huying.triage.models import TriageSettings

    hours = TriageSettings.current().window_hours
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(n), percentile_disc(0.05) WITHIN GROUP (ORDER BY n), percentile_disc(0.5) WITHIN GROUP "
            "(ORDER BY n), percentile_disc(0.95) WITHIN GROUP (ORDER BY n), max(n), round(avg(n), 1) FROM "
            "(SELECT grid_id, count(*) AS n FROM cases_case WHERE created_at >= %s AND created_at <= %s AND status "
            "NOT IN ('merged', 'invalid') GROUP BY grid_id) AS w", [t_ref - dt.timedelta(hours=hours), t_ref])
        low, p5, p50, p95, high, mean = cursor.fetchone()
    return {"window_hours": hours, "min": low, "p5": p5, "p50": p50, "p95": p95, "max": high, "mean": float(mean)}


# --------------------------------------------------------------------------------------------- measuring

def measure_phase(args: argparse.Namespace) -> dict:
    from django.db import connection
    from django.urls import get_resolver

    from huying.catalog.models import RequestType
    from huying.org.models import User

    t_ref = reference_moment()
    travel = _clock_to(t_ref + dt.timedelta(minutes=1))
    waited = calm_wait(args.calm) if args.calm else 0.0
    result: dict = {"machine": {**machine(), "cpu_model": cpu_model()}, "loadavg_before": os.getloadavg(),
                    "waited_for_calm_s": waited, **database_facts(t_ref), "clock": travel}
    total = 1 + args.warmup + args.requests + args.creates
    made, source = requests_make(total, args.seed, repeats=args.repeats, open_count=args.open)
    result["texts"] = source
    result["code"] = code_versions()
    cold, warm, measured, creating = (made[:1], made[1:1 + args.warmup],
                                      made[1 + args.warmup:1 + args.warmup + args.requests],
                                      made[1 + args.warmup + args.requests:])
    parts = instrument()
    result["instrumented"] = parts.wrapped
    with connection.execute_wrapper(parts.sql):
        result["cold_start"] = triage_timed(cold[0], parts)
        for request in warm:
            triage_timed(request, parts)
        print(f"  cold start {result['cold_start']['total']:.0f} ms; measuring {len(measured)} requests",
              file=sys.stderr, flush=True)
        samples = [triage_timed(request, parts) for request in measured]
        operator = User.objects.get(username="bench-triage-operator")
        complaint = RequestType.objects.get(code="complaint")
        # A serving process has its URL patterns loaded (the first auto-merge's SMS link would import them: ~1 s)
        # and has written cases before: warm both up, untimed.
        get_resolver().reverse_dict  # noqa: B018 — the property loads every URLconf
        for request in warm[:10]:
            create_timed(request, parts, operator, complaint)
        creates = [create_timed(request, parts, operator, complaint) for request in creating]
    result["triage"] = triage_summary(samples)
    result["case_create"] = create_summary(creates)
    result["commit"] = commit_probe()
    result["explain"] = candidate_explain(t_ref)
    result["window"] = window_fill(t_ref)
    result["loadavg_after"] = os.getloadavg()
    result["samples"] = samples
    return result


def calm_wait(load: float, limit_s: float = 600.0) -> float:
    """Wait (at most `limit_s`) until the 1-minute load average is below `load`: the machine is shared."""
    started = time.monotonic()
    while os.getloadavg()[0] >= load and time.monotonic() - started < limit_s:
        time.sleep(5)
    return round(time.monotonic() - started, 1)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            return next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        return ""


TRIAGE_FILES = ("huying/triage/assess.py", "huying/triage/classifier.py", "huying/triage/store.py",
                "huying/triage/urgency.py", "huying/triage/duplicates.py", "huying/cases/duplicates.py",
                "huying/geo/places.py", "huying/geo/mentions.py", "huying/geo/registry.py")


def code_versions() -> dict:
    """Which code was measured: the commit, and a digest of each triage file (they change uncommitted too)."""
    import hashlib

    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    files = {name: hashlib.sha256((ROOT / name).read_bytes()).hexdigest()[:12] for name in TRIAGE_FILES
             if (ROOT / name).is_file()}
    return {"commit": head.stdout.strip(), "files_sha256": files}


def _clock_to(moment: dt.datetime) -> str:
    """Move this process's clock to the build's moment (ticking on), so a kept database is measured as built."""
    try:
        import time_machine
    except ImportError:  # a production-only install: measure at the real clock
        return "real clock (time-machine not installed): a kept database's window thins as it ages"
    time_machine.travel(moment, tick=True).start()
    return f"moved to {moment.isoformat()} (time-machine, ticking)"


def database_facts(t_ref: dt.datetime) -> dict:
    from django.db import connection

    from huying.cases.workflow import ACTIVE

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database())), "
                       "pg_size_pretty(pg_total_relation_size('cases_case')), "
                       "pg_size_pretty(pg_relation_size('case_grid_created')), split_part(version(), ' ', 2)")
        size, cases_size, index_size, version = cursor.fetchone()
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE status = ANY(%s)) FROM cases_case", [list(ACTIVE)])
        cases, open_cases = cursor.fetchone()
        cursor.execute("SELECT (SELECT count(*) FROM geo_building), (SELECT count(*) FROM org_unit WHERE kind = "
                       "'grid'), (SELECT count(*) FROM cases_case WHERE created_at >= %s)",
                       [t_ref - dt.timedelta(days=1)])
        buildings, grids, last_day = cursor.fetchone()
    return {"cases": cases, "open": open_cases, "cases_last_24h": last_day, "buildings": buildings, "grids": grids,
            "database_size": size, "cases_table_size": cases_size, "case_grid_created_size": index_size,
            "postgres": version}


def summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0}

    def pct(p: float) -> float:
        return round(values[min(len(values) - 1, int(len(values) * p))], 2)

    return {"n": len(values), "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99), "max": round(values[-1], 2)}


PARTS = ("settings", "classify", "urgency", "place", "place_sql", "duplicates", "dup_query", "dup_query_sql",
         "dup_scoring", "sql", "cpu")


def triage_summary(samples: list[dict]) -> dict:
    def of(key: str, rows: list[dict] = samples) -> dict:
        return summary(sorted(float(s.get(key, 0.0)) for s in rows))

    total = of("total")
    slowest = sorted(samples, key=lambda s: -s["total"])[:10]
    return {
        "total_ms": total, "meets_target": total["p95"] < TARGET_P95_MS,
        "parts_ms": {part: of(part) for part in PARTS},
        "queries": of("queries"), "candidates": of("candidates"),
        "by_point_ms": of("total", [s for s in samples if s["by_point"]]),
        "by_address_ms": of("total", [s for s in samples if not s["by_point"]]),
        "chars": of("chars"), "methods": dict(Counter(s["method"] for s in samples)),
        "place_how": dict(Counter(str(s["how"]) for s in samples)),
        "suggested_duplicates": of("found"), "with_suggestion": sum(1 for s in samples if s["found"]),
        "slowest": [{k: s.get(k) for k in ("total", *PARTS, "queries", "candidates", "chars", "how")} for s in slowest],
    }


def create_summary(samples: list[dict]) -> dict:
    return {"total_ms": summary(sorted(s["total"] for s in samples)),
            "parts_ms": {part: summary(sorted(float(s.get(part, 0.0)) for s in samples))
                         for part in ("classify", "urgency", "place", "dup_query", "sql", "cpu")},
            "queries": summary(sorted(float(s["queries"]) for s in samples)),
            "outcomes": dict(Counter(s["status"] for s in samples)),
            "slowest": sorted(samples, key=lambda s: -s["total"])[:5]}


# ------------------------------------------------------------------------------------------------ running

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the database")
    parser.add_argument("--open", type=int, default=100_000, help="the newest this many are open")
    parser.add_argument("--per-day", type=int, default=70_000, help="cases a day over the newest 7 days")
    parser.add_argument("--requests", type=int, default=1_000, help="new requests triaged and timed")
    parser.add_argument("--warmup", type=int, default=50, help="requests triaged before timing")
    parser.add_argument("--creates", type=int, default=200, help="full case_create calls timed (rolled back)")
    parser.add_argument("--seed", type=int, default=6, help="which requests are drawn")
    parser.add_argument("--repeats", type=float, default=0.1, help="share of requests retelling an open case")
    parser.add_argument("--keep", action="store_true", help="reuse the database built by an earlier run")
    parser.add_argument("--retrain", action="store_true", help="train the model anew even when one is active")
    parser.add_argument("--calm", type=float, help="before measuring, wait (10 min at most) for the 1-minute load "
                        "average to fall below this (the machine is shared)")
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
        raise SystemExit("bench_triage needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/postgres")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "huying.settings", "HUYING_DEBUG": "0",
           "DATABASE_URL": bench_url(server, args.database)}
    ensure_postgres(env["DATABASE_URL"], args.database, fresh=not args.keep)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    result = {"command": "DATABASE_URL=… python bench/bench_triage.py " + " ".join(sys.argv[1:]),
              **_child("build", env), **_child("measure", env)}
    name = f"triage_postgresql_{args.cases}_open{args.open}.json"
    (ROOT / "bench" / "results" / name).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    report(result)


def _child(phase: str, env: dict) -> dict:
    child = subprocess.run([sys.executable, __file__, "--child", phase, *sys.argv[1:]], env=env, cwd=ROOT,
                           stdout=subprocess.PIPE, text=True, check=False)
    if child.returncode != 0:
        raise SystemExit(f"benchmark failed in its {phase} phase (see above)")
    return json.loads(child.stdout.strip().splitlines()[-1])


def report(r: dict) -> None:
    m, t, c, w = r["machine"], r["triage"], r["case_create"], r["window"]
    model = r["model"]
    print(f"PostgreSQL {r['postgres']}: {r['cases']:,} cases ({r['open']:,} open, {r['cases_last_24h']:,} in the last "
          f"24 h), {r['buildings']:,} buildings in {r['grids']:,} grids; database {r['database_size']} (cases "
          f"{r['cases_table_size']}, case_grid_created {r['case_grid_created_size']})")
    print(f"machine: {m['cpus']} CPUs ({m.get('cpu_model', '')}), {m['memory_gib']} GiB, {m['python']}; load average "
          f"{r['loadavg_before'][0]:.1f} before, {r['loadavg_after'][0]:.1f} after; build {r['build_seconds']} s "
          + (str(r["build_steps"]) if r["built"] else "(kept)"))
    print("model: " + (f"{model['version']}, trained on {model['trained_on']} real messages, {len(model['classes'])} "
                       f"classes ({model['classes_in_catalogue']} named in the catalogue)" if model
                       else "none (data folder absent): keyword cold start"))
    print(f"duplicate window {w['window_hours']} h: candidates per grid min {w['min']}, p5 {w['p5']}, median "
          f"{w['p50']}, p95 {w['p95']}, max {w['max']} (mean {w['mean']}); texts: {r['texts']}; clock {r['clock']}")
    cold = r["cold_start"]
    print(f"cold start (first request): {cold['total']:.0f} ms = classify {cold.get('classify', 0):.0f} + place "
          f"{cold.get('place', 0):.0f} + duplicates {cold.get('duplicates', 0):.0f} + rest")
    total = t["total_ms"]
    verdict = "meets" if t["meets_target"] else "MISSES"
    print(f"triage, {total['n']} requests, one at a time: p50 {total['p50']} ms, p95 {total['p95']} ms, p99 "
          f"{total['p99']} ms, max {total['max']} ms — {verdict} the target p95 < {TARGET_P95_MS:g} ms")
    cpu = t["parts_ms"]["cpu"]
    print(f"  this process's CPU time per triage p50 {cpu['p50']} ms, p95 {cpu['p95']} ms (the wall time less "
          "waiting for the database and for the CPU: other work on the machine adds to the wall time)")
    print("  (x_sql: the SQL inside part x; sql: all SQL; cpu: this process's CPU time, the server's not in it)")
    print(f"  {'part':<14} {'p50 ms':>8} {'p95 ms':>8}")
    for part, s in t["parts_ms"].items():
        print(f"  {part:<14} {s.get('p50', 0):>8} {s.get('p95', 0):>8}")
    print(f"  queries p50 {t['queries']['p50']:g}; candidates p50 {t['candidates']['p50']:g}, p95 "
          f"{t['candidates']['p95']:g}; {t['with_suggestion']} with a duplicate suggested; methods {t['methods']}; "
          f"place {t['place_how']}")
    print(f"  by point p95 {t['by_point_ms'].get('p95')} ms, by address p95 {t['by_address_ms'].get('p95')} ms; "
          f"text length p50 {t['chars']['p50']:g}, p95 {t['chars']['p95']:g} characters")
    ct = c["total_ms"]
    print(f"case_create (write included, rolled back), {ct['n']}: p50 {ct['p50']} ms, p95 {ct['p95']} ms, p99 "
          f"{ct['p99']} ms, max {ct['max']} ms; queries p50 {c['queries']['p50']:g}; outcomes {c['outcomes']}; "
          f"a commit adds p50 {r['commit']['one_row_commit_ms']['p50']} ms "
          f"(synchronous_commit={r['commit']['synchronous_commit']})")
    e = r["explain"]
    print(f"candidate query, busiest grid ({e['cases_in_window']} cases in the window, {e['candidates']} "
          f"candidates), uses case_grid_created: {e['uses_case_grid_created']}")
    for line in e["plan"]:
        print("  " + line)


if __name__ == "__main__":
    main()
