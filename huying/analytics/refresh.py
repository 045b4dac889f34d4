"""Keeping the ledger: recompute marked measures and move the rollups by the difference (增量汇总).

One pass claims a batch of due measures (PostgreSQL: SKIP LOCKED, so two workers never take the same case),
recomputes each from its case, subtracts the old contributions from the rollups and adds the new ones, all
in one transaction. `rollups_rebuild` sums the stored measures from scratch; `rollups_expected` computes what
the rollups should be straight from the cases, for `huying analytics verify` and the tests.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from huying.analytics.facts import (
    CASE_COLUMNS,
    MEASURE_FIELDS,
    Evaluation,
    Measure,
    RollupKey,
    ScoreBands,
    add_into,
    case_state,
    contributions,
    measure_of,
    refresh_moment,
    units_to_read,
)
from huying.analytics.models import COUNTERS, CaseMeasure, MeasureSettings, UnitRollup, Verdict
from huying.cases.models import Case
from huying.feedback.models import CallBack, Rating, Satisfaction
from huying.org.models import Unit

CALLBACK_VERDICTS: dict[str, int] = {Satisfaction.SATISFIED: Verdict.SATISFIED, Satisfaction.BASIC: Verdict.BASIC,
                                     Satisfaction.UNSATISFIED: Verdict.UNSATISFIED}


def unit_paths(unit_ids: Iterable[int] | None = None) -> dict[int, str]:
    """Unit id → materialised path, for these units (or all of them), in one query."""
    units = Unit.objects.all() if unit_ids is None else Unit.objects.filter(pk__in=set(unit_ids))
    return dict(units.values_list("pk", "path"))


def score_bands() -> ScoreBands:
    s = MeasureSettings.current()
    return ScoreBands(satisfied_min=s.satisfied_min_score, basic_min=s.basic_min_score)


def evaluations_of(case_ids: list[int], bands: ScoreBands) -> dict[int, list[Evaluation]]:
    """The resident ratings and reached call-backs of these cases (two queries)."""
    out: dict[int, list[Evaluation]] = defaultdict(list)
    ratings = Rating.objects.filter(case_id__in=case_ids).values_list(
        "pk", "case_id", "round", "created_at", "source", "solved", "satisfaction")
    for pk, case_id, rnd, at, source, solved, score in ratings:
        out[case_id].append(Evaluation(rnd, at, "callback" if source == "callback" else "resident", solved,
                                       bands.verdict(score), pk))
    # An unreached call-back is kept for the record but decides nothing.
    callbacks = CallBack.objects.filter(case_id__in=case_ids, reached=True).values_list(
        "pk", "case_id", "round", "created_at", "solved", "satisfaction")
    for pk, case_id, rnd, at, reached_solved, satisfaction in callbacks:
        out[case_id].append(Evaluation(rnd, at, "callback", bool(reached_solved), CALLBACK_VERDICTS[satisfaction],
                                       pk))
    return out


def measures_compute(case_ids: list[int], *, now: dt.datetime, bands: ScoreBands,
                     paths: dict[int, str] | None = None) -> dict[int, tuple[Measure, dt.datetime | None]]:
    """Each case's measure and its next refresh moment, computed from the database as it is now.

    `paths` (unit id → path) may be given by a caller that reads every unit anyway; else the handlers' and the
    response units' are read.
    """
    rows = list(Case.objects.filter(pk__in=case_ids).values(*CASE_COLUMNS))
    if paths is None:
        paths = unit_paths(u for row in rows for u in units_to_read(row))
    evaluations = evaluations_of(case_ids, bands)
    out = {}
    for row in rows:
        state = case_state(row, paths)
        measure = measure_of(state, evaluations.get(state.pk, ()), now)
        out[state.pk] = (measure, refresh_moment(state, measure))
    return out


def stored_measure(row: CaseMeasure) -> Measure | None:
    if row.computed_at is None:
        return None
    return Measure(**{name: getattr(row, name) for name in MEASURE_FIELDS})


@dataclass
class RefreshReport:
    measures: int = 0
    rollup_rows: int = 0


def measures_refresh(*, batch: int = 500, now: dt.datetime | None = None) -> RefreshReport:
    """Recompute the measures due by `now` (one batch, one transaction) and move the rollups by the change."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = list(CaseMeasure.objects.filter(refresh_at__lte=now).order_by("refresh_at")
                       .select_for_update(skip_locked=True)[:batch])
        if not claimed:
            return RefreshReport()
        fresh = measures_compute([m.pk for m in claimed], now=now, bands=score_bands())
        delta: dict[RollupKey, dict[str, int]] = {}
        for row in claimed:
            add_into(delta, contributions(stored_measure(row)), sign=-1)
            new, row.refresh_at = fresh.get(row.pk, (None, None))
            if new is not None:
                add_into(delta, contributions(new))
                for name in MEASURE_FIELDS:
                    setattr(row, name, getattr(new, name))
                row.computed_at = now
        # One INSERT … ON CONFLICT DO UPDATE per few hundred rows: bulk_update's CASE-per-column statement cost
        # milliseconds per row, most of a pass.
        CaseMeasure.objects.bulk_create(claimed, batch_size=500, update_conflicts=True, unique_fields=["case"],
                                        update_fields=["computed_at", "refresh_at", *MEASURE_FIELDS])
        changed = rollups_add(delta)
    return RefreshReport(measures=len(claimed), rollup_rows=changed)


def measures_refresh_all(*, batch: int = 500, now: dt.datetime | None = None) -> int:
    """Refresh until nothing is due by `now`; returns how many measures were recomputed."""
    total = 0
    while True:
        report = measures_refresh(batch=batch, now=now)
        total += report.measures
        if report.measures < batch:
            return total


def rollups_add(delta: dict[RollupKey, dict[str, int]]) -> int:
    """Add `delta` to the rollups in one statement per few hundred rows, locking rows in key order (no deadlock)."""
    rows = [(key, counters) for key, counters in sorted(delta.items()) if any(counters.values())]
    table = UnitRollup._meta.db_table
    columns = ", ".join(COUNTERS)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTERS)
    per_row = "(" + ", ".join(["%s"] * (3 + len(COUNTERS))) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 300):
            chunk = rows[start:start + 300]
            params: list = [v for (basis, month, unit), counters in chunk
                      for v in (basis, month, unit, *(counters[c] for c in COUNTERS))]
            cursor.execute(
                f"INSERT INTO {table} (basis, month, unit_id, {columns}) VALUES {', '.join([per_row] * len(chunk))} "
                f"ON CONFLICT (basis, month, unit_id) DO UPDATE SET {updates}", params)
    return len(rows)


def _stored_measures(chunk: int = 5000) -> Iterator[Measure]:
    rows = CaseMeasure.objects.filter(computed_at__isnull=False).values_list(*MEASURE_FIELDS)
    for values in rows.iterator(chunk_size=chunk):
        yield Measure(*values)


def rollups_sum(measures: Iterable[Measure]) -> dict[RollupKey, dict[str, int]]:
    total: dict[RollupKey, dict[str, int]] = {}
    for measure in measures:
        add_into(total, contributions(measure))
    return {key: counters for key, counters in total.items() if any(counters.values())}


@transaction.atomic
def rollups_rebuild() -> int:
    """Replace the rollups with the sums of the stored measures; returns the number of rows written."""
    if connection.vendor == "postgresql":
        # A worker's deltas wait until the rebuild commits: the sums then already hold, or do not yet hold,
        # each of its changes, never half of them.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {UnitRollup._meta.db_table} IN EXCLUSIVE MODE")
    UnitRollup.objects.all().delete()
    return rollups_add(rollups_sum(_stored_measures()))


def rollups_stored() -> dict[RollupKey, dict[str, int]]:
    out = {}
    for row in UnitRollup.objects.values("basis", "month", "unit_id", *COUNTERS):
        counters = {c: row[c] for c in COUNTERS}
        if any(counters.values()):
            out[(row["basis"], row["month"], row["unit_id"])] = counters
    return out


def rollups_expected(*, now: dt.datetime | None = None, chunk: int = 2000) -> dict[RollupKey, dict[str, int]]:
    """The rollups as they should be, computed straight from the cases and evaluations (not the measures)."""
    now = now or timezone.now()
    bands, paths = score_bands(), unit_paths()
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))

    def measures() -> Iterator[Measure]:
        for start in range(0, len(ids), chunk):
            batch = measures_compute(ids[start:start + chunk], now=now, bands=bands, paths=paths)
            for measure, _due in batch.values():
                yield measure

    return rollups_sum(measures())


def rollups_differences(expected: dict, stored: dict) -> list[tuple[RollupKey, dict, dict]]:
    """The rows where the stored rollups differ from what they should be."""
    zero = dict.fromkeys(COUNTERS, 0)
    return [(key, expected.get(key, zero), stored.get(key, zero))
            for key in sorted(set(expected) | set(stored)) if expected.get(key, zero) != stored.get(key, zero)]

