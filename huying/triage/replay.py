"""Replay a spreadsheet of past requests through the duplicate filter (案件过滤器) and measure it.

Rows go in time order. Each new row is scored against the earlier rows that a candidate index finds (a grid of
cells about distance_m wide, the same building, or, without a place, the same category), exactly as the product
scores its own candidates. An earlier row counts as open unless its closing time had already passed when the new
row arrived: a closing recorded later was not known then. The truth column says which rows the city itself closed
as duplicates of an earlier one; rows without coordinates still take part by text, category and time.
"""

import datetime as dt
import math
import random
import re
import time
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from huying.lib.errors import InvalidInput
from huying.lib.tables import Cell, table_source
from huying.triage.duplicates import EARTH_RADIUS_M, Decision, DuplicatePolicy, Item, duplicate_decide, duplicate_score

TRUTH_PATTERN = r"duplicate|^\s*(true|1|yes|是)\s*$"
# Column names that mean "when the case was closed", used when --closed-col is not given.
CLOSED_NAMES = ("closed_dt", "closed_at", "closed", "close_time", "办结时间", "结案时间", "办结日期")
# A point that this share of all rows (and at least PLACEHOLDER_MIN_ROWS) share is a geocoder's fallback (a city
# hall, a district centre), not a place: those rows are replayed without coordinates.
PLACEHOLDER_SHARE = 0.02
PLACEHOLDER_MIN_ROWS = 100
EXAMPLE_TEXT = 80
NAIVE_POLICY = DuplicatePolicy(window_hours=72, distance_m=50, merge_score=2.0, suggest_score=1.0, weight_place=0,
                               weight_text=0, weight_category=1, weight_time=0, weight_open=1)
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?[T\s]*"
                   r"(?:(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2}))?)?")


@dataclass(frozen=True)
class ReplayColumns:
    time: str
    text: tuple[str, ...]
    lat: str | None = None
    lon: str | None = None
    category: str | None = None
    truth: str | None = None
    closed: str | None = None
    key: str | None = None
    building: str | None = None


@dataclass(frozen=True)
class ReplayRow:
    item: Item
    truth: bool | None


@dataclass
class ReplayData:
    rows: list[ReplayRow]
    skipped: int = 0  # rows without a readable time
    closed_col: str | None = None
    placeholder_points: list[tuple[float, float]] = field(default_factory=list)


def replay_read(path: Path, *, columns: ReplayColumns, truth_pattern: str = TRUTH_PATTERN,
                placeholder_share: float = PLACEHOLDER_SHARE) -> ReplayData:
    """The rows as filter items, in time order; InvalidInput naming the option whose column is not in the file."""
    truth_re = _truth_regex(truth_pattern)
    with table_source(path).open() as table:
        where = {name: i for i, name in enumerate(table.header)}
        closed_col = columns.closed or next((name for name in CLOSED_NAMES if name in where), None)
        _check_columns(columns, where, table.header)
        data = ReplayData(rows=[], closed_col=closed_col)
        for number, cells in table.rows:
            row = _row(number, cells, where, columns, closed_col, truth_re)
            if row is None:
                data.skipped += 1
            else:
                data.rows.append(row)
    data.placeholder_points = _placeholder_points(data.rows, placeholder_share)
    if data.placeholder_points:
        data.rows = [_without_placeholder(row, set(data.placeholder_points)) for row in data.rows]
    data.rows.sort(key=lambda row: row.item.at)
    return data


def replay_run(data: ReplayData, *, policy: DuplicatePolicy, examples: int = 0, seed: int = 0) -> dict[str, Any]:
    """Each row through duplicate_score/duplicate_decide against the earlier rows; counts and figures."""
    started = time.perf_counter()
    index = CandidateIndex(policy=policy, rows=data.rows)
    decisions: list[tuple[ReplayRow, Decision]] = []
    for row in data.rows:
        new = row.item
        decision = duplicate_decide((duplicate_score(new, old, policy) for old in index.candidates(new)), policy)
        decisions.append((row, decision))
        index.add(new)
    seconds = time.perf_counter() - started
    result = _figures(decisions, has_truth=any(row.truth is not None for row in data.rows))
    result.update({
        "skipped": data.skipped,
        "closed_col": data.closed_col,
        "placeholder_points": [list(point) for point in data.placeholder_points],
        "policy": asdict(policy),
        "seconds": round(seconds, 2),
        "rows_per_second": round(len(data.rows) / seconds) if seconds else None,
        "examples": _examples(decisions, index.by_key, examples, seed),
    })
    return result


class CandidateIndex:
    """The earlier rows a new one could repeat, found without scanning them all (rows arrive in time order)."""

    def __init__(self, *, policy: DuplicatePolicy, rows: Sequence[ReplayRow]):
        self.window = dt.timedelta(hours=policy.window_hours)
        self.cell_lat = max(policy.distance_m, 1.0) / EARTH_RADIUS_M * 180 / math.pi
        # A cell must be at least distance_m wide everywhere, so its width in longitude follows the farthest latitude.
        widest = max((abs(r.item.lat) for r in rows if r.item.lat is not None), default=0.0)
        self.cell_lon = self.cell_lat / math.cos(math.radians(min(widest, 80.0)))
        self.cells: dict[tuple[int, int], deque[Item]] = {}
        self.buildings: dict[str, deque[Item]] = {}
        self.categories: dict[str | None, deque[Item]] = {}  # every row, by category
        self.unplaced: dict[str | None, deque[Item]] = {}  # rows without coordinates, by category
        self.everything: deque[Item] = deque()
        self.unplaced_all: deque[Item] = deque()
        self.by_key: dict[str, Item] = {}

    def add(self, item: Item) -> None:
        self.by_key[item.key] = item
        self.everything.append(item)
        self.categories.setdefault(item.category, deque()).append(item)
        if item.building is not None:
            self.buildings.setdefault(item.building, deque()).append(item)
        if item.lat is not None and item.lon is not None:
            self.cells.setdefault(self._cell(item.lat, item.lon), deque()).append(item)
        else:
            self.unplaced.setdefault(item.category, deque()).append(item)
            self.unplaced_all.append(item)

    def candidates(self, new: Item) -> list[Item]:
        since = new.at - self.window
        found: dict[int, Item] = {}
        pools: list[deque[Item] | None] = [self.buildings.get(new.building) if new.building is not None else None]
        if new.lat is not None and new.lon is not None:
            row, col = self._cell(new.lat, new.lon)
            pools += [self.cells.get((row + i, col + j)) for i in (-1, 0, 1) for j in (-1, 0, 1)]
            if new.grams:  # rows without a place can only match by their words
                pools.append(self.unplaced.get(new.category) if new.category is not None else self.unplaced_all)
        elif new.grams:
            pools.append(self.categories.get(new.category) if new.category is not None else self.everything)
        for pool in pools:
            for item in _recent(pool, since):
                found[id(item)] = item
        return list(found.values())

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.cell_lat), math.floor(lon / self.cell_lon)


def _recent(pool: deque[Item] | None, since: dt.datetime) -> Iterator[Item]:
    if pool is None:
        return iter(())
    while pool and pool[0].at < since:  # rows come in time order: what left the window never comes back
        pool.popleft()
    return iter(pool)


def _figures(decisions: list[tuple[ReplayRow, Decision]], *, has_truth: bool) -> dict[str, Any]:
    actions: Counter[str | None] = Counter(decision.action for _row, decision in decisions)
    truth = sum(1 for row, _d in decisions if row.truth) if has_truth else None
    result: dict[str, Any] = {
        "n": len(decisions), "truth": truth, "flagged": actions["merge"] + actions["suggest"],
        "merged": actions["merge"], "suggested": actions["suggest"],
    }
    result.update(_scores(decisions, {"merge", "suggest"}, truth))
    result["by_decision"] = {
        action: {"count": actions[action], **_scores(decisions, {action}, truth)} for action in ("merge", "suggest")}
    return result


def _scores(decisions: list[tuple[ReplayRow, Decision]], actions: set[str], truth: int | None) -> dict[str, Any]:
    if truth is None:
        return {"precision": None, "recall": None, "f1": None}
    flagged = [row for row, decision in decisions if decision.action in actions]
    hits = sum(1 for row in flagged if row.truth)
    if not flagged:
        return {"precision": None, "recall": 0.0, "f1": None}
    precision = hits / len(flagged)
    recall = hits / truth if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def _examples(decisions: list[tuple[ReplayRow, Decision]], by_key: dict[str, Item], count: int,
              seed: int) -> list[dict[str, Any]]:
    """A fixed random sample of flagged pairs, for a person to read and judge."""
    flagged = [(row, decision) for row, decision in decisions if decision.action and decision.best]
    chosen = random.Random(seed).sample(flagged, min(count, len(flagged)))
    examples = []
    for row, decision in sorted(chosen, key=lambda pair: pair[0].item.at):
        assert decision.best is not None
        old = by_key[decision.best.key]
        examples.append({
            "new": row.item.key, "old": old.key, "action": decision.action, "score": decision.best.value,
            "truth": row.truth, "evidence": decision.best.evidence,
            "new_text": row.item.text[:EXAMPLE_TEXT], "old_text": old.text[:EXAMPLE_TEXT],
        })
    return examples


def _truth_regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise InvalidInput(_("不是有效的正则表达式：%(error)s") % {"error": error}, field="--truth-pattern") from error


def _check_columns(columns: ReplayColumns, where: dict[str, int], header: list[str]) -> None:
    if (columns.lat is None) != (columns.lon is None):
        option = "--lon-col" if columns.lon is None else "--lat-col"
        raise InvalidInput(_("经度列和纬度列需要一起指定"), field=option)
    named = [("--time-col", columns.time), *[("--text-col", name) for name in columns.text],
             ("--lat-col", columns.lat), ("--lon-col", columns.lon), ("--category-col", columns.category),
             ("--truth-col", columns.truth), ("--closed-col", columns.closed), ("--key-col", columns.key),
             ("--building-col", columns.building)]
    for option, column in named:
        if column is not None and column not in where:
            raise InvalidInput(_("文件中没有列“%(column)s”，现有的列：%(names)s") % {
                "column": column, "names": "、".join(header)}, field=option)


def _row(number: int, cells: Sequence[Cell], where: dict[str, int], columns: ReplayColumns,
         closed_col: str | None, truth_re: re.Pattern[str]) -> ReplayRow | None:
    def cell(column: str | None) -> Cell:
        if column is None or where[column] >= len(cells):
            return None
        return cells[where[column]]

    at = parse_time(cell(columns.time))
    if at is None:
        return None
    lat, lon = _coordinate(cell(columns.lat), 90), _coordinate(cell(columns.lon), 180)
    if lat is None or lon is None or (lat == 0 and lon == 0):  # 0,0 is how many exports write "no place"
        lat = lon = None
    item = Item(
        key=_text(cell(columns.key)) or str(number), at=at,
        text="\n".join(t for t in (_text(cell(name)) for name in columns.text) if t),
        category=_text(cell(columns.category)) or None, lat=lat, lon=lon,
        building=_text(cell(columns.building)) or None, open_until=parse_time(cell(closed_col)),
    )
    truth = bool(truth_re.search(_text(cell(columns.truth)))) if columns.truth is not None else None
    return ReplayRow(item=item, truth=truth)


def parse_time(value: Cell) -> dt.datetime | None:
    """A date-time from a spreadsheet cell: ISO, 2019/2/28 11:25:05, 2019年2月28日; naive (UTC when zoned)."""
    if isinstance(value, dt.datetime):
        return _naive(value)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    text = _text(value)
    if not text:
        return None
    try:
        return _naive(dt.datetime.fromisoformat(text))
    except ValueError:
        pass
    match = _DATE.search(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError:  # 2019-02-30
        return None


def _naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _coordinate(value: Cell, limit: float) -> float | None:
    try:
        number = float(value) if value is not None and value != "" else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number is not None and math.isfinite(number) and abs(number) <= limit else None


def _text(value: Cell) -> str:
    return str(value).strip() if value is not None else ""


def _placeholder_points(rows: list[ReplayRow], share: float) -> list[tuple[float, float]]:
    if share >= 1:
        return []
    points = Counter((row.item.lat, row.item.lon) for row in rows if row.item.lat is not None)
    least = max(PLACEHOLDER_MIN_ROWS, share * len(rows))
    return sorted((lat, lon) for (lat, lon), count in points.items()  # type: ignore[misc]
                  if count >= least and lat is not None and lon is not None)


def _without_placeholder(row: ReplayRow, points: set[tuple[float, float]]) -> ReplayRow:
    item = row.item
    if (item.lat, item.lon) not in points:
        return row
    unplaced = Item(key=item.key, at=item.at, text=item.text, category=item.category, building=item.building,
                    grid=item.grid, open_until=item.open_until)
    return ReplayRow(item=unplaced, truth=row.truth)
