"""How one case counts: the definitions of the three rates, as pure functions of a case and its evaluations.

- 响应率 (response): a case with a response deadline is due for a response once it was responded to or its
  deadline passed; it is on time when the first response (签收/处置/办结, whichever came first) came by the
  deadline. A case still within its deadline and unanswered is pending and counts nowhere yet. The deadline
  and the response are those of the current dispatch: a re-dispatch (改派) or an automatic escalation gives the
  new unit its own deadline, while a reopen (重办) keeps the response that was given (it judges the result).
- 解决率 and 满意率 (solved, satisfied): a case counts once (一事一评), by its latest evaluation — the latest
  resident rating or reached call-back of its latest rated round; a call-back made at the same moment as a
  rating wins, as the operator checked it. A reopened case keeps its last verdict until a new one comes.
- Not counted: a case excluded by an approved request (考核核减), an invalid case (its invalidation is approved
  by a supervisor), a merged repeat (its matter is counted once, on the case it joined), and a problem found
  by staff (无呼也应), which is counted apart.
- The period: the month (the configured local time, Asia/Shanghai) the case was received, or the month it was
  resolved, by configuration; both are kept. A reopened case is not resolved: it leaves the resolved basis
  until its next resolution, whose month it then counts in (with its last verdict until a new evaluation).
- Imported history (历史导入: channel "import", or made by the spreadsheet importer, upstream source "import:…")
  does not count: its deadlines ran from the moment of import, not from the call. It is counted apart, with the
  exclusion code "imported", whatever else happened to it.
- The unit (考核对象): the unit holding the case and every unit above it. A case no unit holds (the hotline
  answered it at once) counts for the district of its place, the command centre's level — never for the grid,
  community or street, which never saw it; a case with no place and no unit counts nowhere.
- The response's unit (响应责任单位, `Case.response_unit`): the response counters (due, on time) go to the unit the
  response deadline was given to, and every unit above it; all the other counters stay with the handler. A
  manual escalation (上报) keeps the deadline, so a response missed before it stays with the unit that missed it
  (and a unit that escalates before its deadline is judged by when the case is signed for above). A return
  (退单) hands the awaited response to the unit the case goes back to. Known limit: a re-dispatch (改派) and an
  automatic escalation give the new unit a new deadline, so a response missed before them is not kept anywhere.
  A case without a response unit (recorded before the column existed) counts its response with its handler.
- Both units are kept on the measure as paths, as they were when it was computed, so that taking a measure out
  of the rollups is the exact inverse of putting it in, even after the organisation tree changed.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from huying.analytics.models import COUNTERS, PeriodBasis, Response, Verdict
from huying.cases.models import Channel, ExclusionReason
from huying.cases.workflow import Status


@dataclass(frozen=True)
class Evaluation:
    """One resident rating or one reached call-back, reduced to what the rates read."""

    round: int
    at: dt.datetime
    source: str  # "resident" or "callback"
    solved: bool
    verdict: int  # a Verdict
    seq: int = 0  # the row's id: the later of two evaluations of the same source at the same moment


@dataclass(frozen=True)
class ScoreBands:
    """Where a resident's 1–5 satisfaction score falls (configuration)."""

    satisfied_min: int = 4
    basic_min: int = 3

    def verdict(self, score: int) -> int:
        if score >= self.satisfied_min:
            return Verdict.SATISFIED
        return Verdict.BASIC if score >= self.basic_min else Verdict.UNSATISFIED


@dataclass(frozen=True)
class CaseState:
    """The columns of a case that its measure depends on."""

    pk: int
    status: str
    exclusion: str
    proactive: bool
    imported: bool  # history brought in by an import (历史导入)
    created_at: dt.datetime
    response_due_at: dt.datetime | None
    responded_at: dt.datetime | None
    resolved_at: dt.datetime | None
    completion_due_at: dt.datetime | None
    handler_id: int | None  # current unit, else the district of its place
    handler_path: str  # the handler's materialised path ("/1/4/17/"), "" when it has none
    response_path: str  # the response unit's path; the handler's when it has none
    category_id: int | None
    channel: str
    street_id: int | None


IMPORT_SOURCE_PREFIX = "import:"  # the upstream source of every case made by huying.intake.importer

CASE_COLUMNS = ("pk", "status", "exclusion", "proactive", "created_at", "response_due_at", "responded_at",
                "resolved_at", "completion_due_at", "current_unit_id", "district_id", "response_unit_id",
                "street_id", "category_id", "channel", "upstream_source")


def handler_of(row: dict) -> int | None:
    """The accountable unit of a `values(*CASE_COLUMNS)` row: the unit holding it, else its place's district."""
    return row["current_unit_id"] or row["district_id"]


def units_to_read(row: dict) -> tuple[int, ...]:
    """The units whose paths `case_state` needs for this row."""
    return tuple(u for u in (handler_of(row), row["response_unit_id"]) if u is not None)


def case_state(row: dict, paths: dict[int, str]) -> CaseState:
    """A CaseState from a `values(*CASE_COLUMNS)` row; `paths` maps unit ids to their materialised paths."""
    handler = handler_of(row)
    handler_path = paths.get(handler, "") if handler is not None else ""
    responder = row["response_unit_id"]
    return CaseState(
        pk=row["pk"], status=row["status"], exclusion=row["exclusion"], proactive=row["proactive"],
        imported=row["channel"] == Channel.IMPORT or row["upstream_source"].startswith(IMPORT_SOURCE_PREFIX),
        created_at=row["created_at"], response_due_at=row["response_due_at"], responded_at=row["responded_at"],
        resolved_at=row["resolved_at"], completion_due_at=row["completion_due_at"], handler_id=handler,
        handler_path=handler_path,
        response_path=(paths.get(responder, "") if responder is not None else "") or handler_path,
        category_id=row["category_id"], channel=row["channel"], street_id=row["street_id"],
    )


@dataclass(frozen=True)
class Measure:
    """What is stored in a CaseMeasure row (less the timer)."""

    handler_id: int | None
    handler_path: str
    response_path: str  # where the response counters go (the response unit's path)
    created_month: int
    resolved_month: int | None
    exclusion: str
    proactive: bool
    response: int
    resolved: bool
    resolved_on_time: bool
    solved: bool | None
    verdict: int
    evaluation_source: str
    response_minutes: int | None
    completion_minutes: int | None
    category_id: int | None
    channel: str
    street_id: int | None

    @property
    def counted(self) -> bool:
        return not self.exclusion and not self.proactive


MEASURE_FIELDS = tuple(Measure.__dataclass_fields__)


def month_of(moment: dt.datetime) -> int:
    # The configured zone, not the active one: a request that activated a user's zone must not move a case.
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return local.year * 100 + local.month


def _minutes(start: dt.datetime, end: dt.datetime | None) -> int | None:
    if end is None:
        return None
    return max(0, int((end - start).total_seconds() // 60))


def exclusion_of(case: CaseState) -> str:
    if case.imported:  # history never counts, whatever else happened to it
        return ExclusionReason.IMPORTED
    if case.status == Status.INVALID:
        return ExclusionReason.INVALID
    if case.status == Status.MERGED:
        return ExclusionReason.DUPLICATE
    return case.exclusion


def first_response(case: CaseState) -> dt.datetime | None:
    moments = [m for m in (case.responded_at, case.resolved_at) if m is not None]
    return min(moments, default=None)


def response_of(case: CaseState, now: dt.datetime) -> int:
    if case.response_due_at is None:
        return Response.NONE
    answered = first_response(case)
    if answered is not None:
        return Response.ON_TIME if answered <= case.response_due_at else Response.LATE
    return Response.MISSED if now >= case.response_due_at else Response.PENDING


def latest_evaluation(evaluations: Iterable[Evaluation]) -> Evaluation | None:
    # Later round first, then later moment; at the same moment a call-back (checked by a person) wins, and
    # between two of the same source the later row.
    return max(evaluations, key=lambda e: (e.round, e.at, e.source == "callback", e.seq), default=None)


def measure_of(case: CaseState, evaluations: Iterable[Evaluation], now: dt.datetime) -> Measure:
    """How `case` counts at `now`: the definitions of the module docstring."""
    latest = latest_evaluation(evaluations)
    resolved = case.resolved_at is not None
    on_time = (case.resolved_at is not None and case.completion_due_at is not None
               and case.resolved_at <= case.completion_due_at)
    return Measure(
        handler_id=case.handler_id,
        handler_path=case.handler_path,
        response_path=case.response_path,
        created_month=month_of(case.created_at),
        resolved_month=month_of(case.resolved_at) if case.resolved_at else None,
        exclusion=exclusion_of(case),
        proactive=case.proactive,
        response=response_of(case, now),
        resolved=resolved,
        resolved_on_time=on_time,
        solved=latest.solved if latest else None,
        verdict=latest.verdict if latest else Verdict.NONE,
        evaluation_source=latest.source if latest else "",
        response_minutes=_minutes(case.created_at, first_response(case)),
        completion_minutes=_minutes(case.created_at, case.resolved_at),
        category_id=case.category_id, channel=case.channel, street_id=case.street_id,
    )


def refresh_moment(case: CaseState, measure: Measure) -> dt.datetime | None:
    """When the measure changes by itself, with no event: a pending response turns missed at its deadline."""
    return case.response_due_at if measure.response == Response.PENDING else None


def counters_of(measure: Measure) -> dict[str, int]:
    """The rollup counters one case adds to each of its units' months; all zero means it counts nowhere."""
    if measure.exclusion:
        return {"excluded": 1}
    if measure.proactive:
        return {"proactive": 1}
    evaluated = measure.verdict != Verdict.NONE
    return {
        "cases": 1,
        "response_due": int(measure.response in (Response.ON_TIME, Response.LATE, Response.MISSED)),
        "response_on_time": int(measure.response == Response.ON_TIME),
        "resolved": int(measure.resolved),
        "resolved_on_time": int(measure.resolved_on_time),
        "evaluated": int(evaluated),
        "solved": int(evaluated and bool(measure.solved)),
        "satisfied": int(measure.verdict == Verdict.SATISFIED),
        "basic": int(measure.verdict == Verdict.BASIC),
    }


RollupKey = tuple[str, int, int]  # (basis, month, unit id)
RESPONSE_COUNTERS = frozenset({"response_due", "response_on_time"})  # the response unit's; the rest the handler's


def path_units(path: str) -> tuple[int, ...]:
    """"/1/4/17/" → (1, 4, 17): the unit and every unit above it."""
    return tuple(int(p) for p in path.strip("/").split("/") if p)


def units_of(measure: Measure) -> tuple[int, ...]:
    """The handler and every unit above it, from the path kept on the measure."""
    assert measure.handler_id is not None
    return path_units(measure.handler_path) or (measure.handler_id,)  # a unit without a path (no Unit.save)


def contributions(measure: Measure | None) -> dict[RollupKey, dict[str, int]]:
    """Every rollup row `measure` adds to, with what it adds: a function of the measure alone, so that taking
    a stored measure out is the exact inverse of having put it in."""
    if measure is None or measure.handler_id is None:
        return {}
    counters = {name: n for name, n in counters_of(measure).items() if n}
    handled = {name: n for name, n in counters.items() if name not in RESPONSE_COUNTERS}
    responded = {name: n for name, n in counters.items() if name in RESPONSE_COUNTERS}
    handlers = units_of(measure)
    responders = path_units(measure.response_path) or handlers
    months = {PeriodBasis.CREATED: measure.created_month, PeriodBasis.RESOLVED: measure.resolved_month}
    out: dict[RollupKey, dict[str, int]] = {}
    for basis, month in months.items():
        if not month:
            continue
        for unit_id in handlers:
            out[(str(basis), month, unit_id)] = dict(handled)
        if responded:
            for unit_id in responders:
                out.setdefault((str(basis), month, unit_id), {}).update(responded)
    return out


def add_into(total: dict[RollupKey, dict[str, int]], part: dict[RollupKey, dict[str, int]], sign: int = 1) -> None:
    for key, counters in part.items():
        row = total.setdefault(key, dict.fromkeys(COUNTERS, 0))
        for name, n in counters.items():
            row[name] += sign * n
