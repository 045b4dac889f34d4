#!/usr/bin/env python
"""Benchmark: import real 311 requests (Boston, Jul–Nov 2011) through `cases_import` into a fresh SQLite database.

    .venv/bin/python bench/bench_import.py [--limit 10000] [--batch 0] [--no-reimport]

Reads ../shared/data/boston311/requests_2011_jul_nov.csv.gz (skipped, with a message, where it is absent) and
never copies it into the project: a --limit slice is written to a temporary folder and deleted afterwards.
A fresh Huying (migrations, the demo district without history) is set up in one child process; the import
runs in another, so its peak memory is the import's own. Every row goes the whole way: check pass, then
case_create_once with routing, deadlines, case number and audit events, in one transaction (or --batch N).

The demo district's grids lie in Wuhan, so no Boston point falls in a grid and no Boston address is in its
registry: every case is routed to the command centre's queue (权责不清), as a real case without a known
place would be. Reported: rows per second for the checking pass and for the whole import, a second import
of the same file (which must create nothing), and peak resident memory (ru_maxrss).
"""

import argparse
import csv
import dataclasses
import gzip
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "boston311" / "requests_2011_jul_nov.csv.gz"

# Boston's 35 `reason` values onto our default catalogue where one clearly fits; the rest stay uncategorised.
REASON_TO_CATEGORY = {
    "Sanitation": "010101",  # 垃圾清运
    "Recycling": "010104",  # 垃圾分类
    "Street Cleaning": "010102",  # 道路保洁
    "Graffiti": "010105",  # 乱张贴乱涂画
    "Highway Maintenance": "010301",  # 道路破损
    "Street Lights": "010303",  # 路灯
    "Trees": "010201",  # 树木修剪
    "Park Maintenance & Safety": "010203",  # 公园广场
    "Building": "0104",  # 违章建筑
    "Housing": "0808",  # 房屋安全
    "Signs & Signals": "0304",  # 道路交通
    "Traffic Management & Engineering": "0304",
    "Enforcement & Abandoned Vehicles": "0303",  # 停车管理
    "Environmental Services": "0702",  # 公共卫生 (rodents, dead animals)
    "Health": "0702",
}

MAPPING = {
    "upstream_id": "case_enquiry_id",
    "title": "case_title",
    "description": ["case_title", "location"],
    "category": {"column": "reason", "values": REASON_TO_CATEGORY, "unknown": "blank"},
    "request_type": {"default": "help"},  # 311 requests are asks for a service: 求助
    "address": "location",
    "lat": "latitude",
    "lon": "longitude",
    "created_at": {"column": "open_dt", "format": "%Y-%m-%d %H:%M:%S"},
    "timezone": "America/New_York",
}


def machine() -> str:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {mem_gb:.0f} GiB, {platform.python_implementation()} {platform.python_version()}"


def peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def data_slice(limit: int, folder: Path) -> Path:
    """The first `limit` rows as a temporary CSV (the whole file itself when limit is 0)."""
    if limit <= 0:
        return DATA
    target = folder / "boston311_slice.csv"
    with gzip.open(DATA, "rt", encoding="utf-8", newline="") as source, \
            target.open("w", encoding="utf-8", newline="") as out:
        reader, writer = csv.reader(source), csv.writer(out)
        writer.writerow(next(reader))
        for _, cells in zip(range(limit), reader, strict=False):
            writer.writerow(cells)
    return target


def child_setup() -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo_load", cases=0, verbosity=0)
    return {"setup_seconds": round(time.perf_counter() - started, 1)}


def child_import(path: Path, batch: int, reimport: bool) -> dict:
    import django

    django.setup()
    from collections import Counter

    from huying.cases.models import Case
    from huying.intake.importer import ImportOptions, cases_import
    from huying.intake.importing.mapping import mapping_parse

    mapping = mapping_parse(MAPPING)
    report = path.parent / "refused.csv"
    baseline = peak_mib()
    options = ImportOptions(source="boston311", batch=batch, report=report, progress=False)
    started = time.perf_counter()
    checked = cases_import(path, mapping=mapping, options=dataclasses.replace(options, dry_run=True))
    check_s = time.perf_counter() - started
    started = time.perf_counter()
    outcome = cases_import(path, mapping=mapping, options=options)
    import_s = time.perf_counter() - started
    result = {
        "rows": outcome.rows, "created": outcome.created, "refused": outcome.refused,
        "check_rows_per_second": round(checked.rows / check_s, 1),
        "import_seconds": round(import_s, 1), "import_rows_per_second": round(outcome.rows / import_s, 1),
        "peak_mib": round(peak_mib(), 1), "baseline_mib": round(baseline, 1),
        "units": Counter(Case.objects.values_list("current_unit__name", flat=True)).most_common(3),
        "categorised": Case.objects.filter(category__isnull=False).count(),
        "first_refusals": [(r.row, r.column, r.reason) for r in outcome.first_refusals[:3]],
    }
    if reimport:
        started = time.perf_counter()
        again = cases_import(path, mapping=mapping, options=options)
        result.update(reimport_seconds=round(time.perf_counter() - started, 1), reimport_created=again.created,
                      reimport_existing=again.existing, peak_mib=round(peak_mib(), 1))
    return result


def spawn(step: str, env: dict, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", step, *args], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{step} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--limit", type=int, default=10_000, help="rows to import (0: the whole file, 49,914)")
    parser.add_argument("--batch", type=int, default=0, help="rows per transaction (0: one for the whole run)")
    parser.add_argument("--no-reimport", action="store_true", help="skip the second import of the same file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        result = child_setup() if args.child == "setup" else child_import(args.path, args.batch, not args.no_reimport)
        print(json.dumps(result, ensure_ascii=False))
        return
    if not DATA.is_file():
        print(f"bench_import: {DATA} not found; the Boston 311 data is not on this machine, nothing to measure.")
        return
    with tempfile.TemporaryDirectory(prefix="huying-bench-import-") as tmp:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "huying.settings", "HUYING_DEBUG": "0",
               "HUYING_DATA_DIR": tmp}
        env.pop("DATABASE_URL", None)
        setup = spawn("setup", env)
        path = data_slice(args.limit, Path(tmp))
        result = {"db": "sqlite", "machine": machine(), "limit": args.limit, "batch": args.batch, **setup,
                  **spawn("import", env, "--path", str(path), "--batch", str(args.batch),
                          *(["--no-reimport"] if args.no_reimport else []))}
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / f"import_sqlite_{args.limit or 'all'}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False))
    print(f"machine: {result['machine']}")
    print(f"rows {result['rows']}: created {result['created']}, refused {result['refused']}; "
          f"check pass {result['check_rows_per_second']} rows/s; import {result['import_rows_per_second']} rows/s "
          f"({result['import_seconds']} s, batch {args.batch or 'one transaction'})")
    if "reimport_seconds" in result:
        print(f"second import of the same file: {result['reimport_seconds']} s, created {result['reimport_created']}, "
              f"already there {result['reimport_existing']}")
    print(f"peak memory {result['peak_mib']} MiB (after Django setup {result['baseline_mib']} MiB); "
          f"routed to {result['units']}; {result['categorised']} categorised")


if __name__ == "__main__":
    main()
