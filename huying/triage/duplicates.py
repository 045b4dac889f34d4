"""The duplicate filter (案件过滤器, 并单): how likely a new case is about the same problem as an earlier one.

Pure functions over text, place and time; the candidates come from the caller (the case service, or the replay).
A pair is scored from five parts, each 0..1, and the score is their weighted mean:

- place    (地点): same building, else 1 - distance / distance_m; farther than distance_m is not a candidate
- text     (内容): character-bigram similarity (Chinese and English alike), rescaled so unrelated texts score 0,
                   and counted in proportion when the texts are too short to tell one problem from another
- category (类别): the same category or not
- time     (时间): 1 - hours apart / window_hours; farther apart than the window is not a candidate
- open     (在办): the earlier case was still open when the new one arrived (closed before → 0)

Place and text are what say *which* problem it is: unknown, they add nothing, so a pair known only by its place
(no words to compare) or only by its words (no place) can reach "suggest" but not "merge", which needs both to agree.
A pair with neither is not scored. Measured on real data with `huying triage replay` (docs/NOTES.md).
"""

import datetime as dt
import math
import operator
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

# Place and words say which problem it is: when one is unknown it adds nothing for a match. An unknown category
# is neither for nor against (the product knows nearly every case's category; imported data may not).
UNKNOWN_CATEGORY = 0.5
# Unrelated messages share about a tenth of their character bigrams (common words, place names of the city);
# texts that share 60% or more read as the same complaint retold. Between the two, similarity rises linearly.
TEXT_FLOOR = 0.1
TEXT_FULL = 0.6
# Words identify a problem only when there are enough of them: "Missed Trash" or "路灯不亮" at the same moment
# in two parts of town are two problems. Below this many words (a Chinese character counts half a word, five
# Latin letters or digits one), the text part counts in proportion.
TEXT_SURE_WORDS = 15
TEXT_LIMIT = 2000  # characters compared: a long letter is told apart by its beginning, and scoring stays fast
# The open cases of a place are candidates for every new case there: their bigrams are kept, not rebuilt each time
# (about 25 kB for a 300-character text).
TEXT_CACHE = 2048
EARTH_RADIUS_M = 6_371_000.0
_NOT_WORD = re.compile(r"[\W_]+")  # blanks, punctuation and symbols say nothing about the problem
LETTERS_PER_WORD = 5  # about the length of an English word

Action = Literal["merge", "suggest"]


@dataclass(frozen=True)
class DuplicatePolicy:
    """Thresholds and weights (configuration: the product builds this from an admin-editable row).

    A merge_score above 1 turns automatic merging off: every match is then only suggested.
    """

    window_hours: float = 168.0
    distance_m: float = 50.0
    merge_score: float = 0.9
    suggest_score: float = 0.6
    weight_place: float = 3.0
    weight_text: float = 4.0
    weight_category: float = 2.0
    weight_time: float = 1.0
    weight_open: float = 2.0

    def __post_init__(self) -> None:
        weights = (self.weight_place, self.weight_text, self.weight_category, self.weight_time, self.weight_open)
        if min(weights) < 0 or sum(weights) <= 0:
            raise ValueError("weights must be zero or more, and not all zero")
        if self.window_hours <= 0 or self.distance_m < 0:
            raise ValueError("window_hours must be positive and distance_m not negative")
        if not 0 <= self.suggest_score <= self.merge_score:
            raise ValueError("0 <= suggest_score <= merge_score must hold")

    @property
    def weight_total(self) -> float:
        return self.weight_place + self.weight_text + self.weight_category + self.weight_time + self.weight_open


@dataclass(frozen=True)
class Item:
    """A case as the filter sees it. open_until: when it was closed (None while open)."""

    key: str
    at: dt.datetime
    text: str = ""
    category: str | None = None
    lat: float | None = None
    lon: float | None = None
    building: str | None = None
    grid: str | None = None
    open_until: dt.datetime | None = None

    @property
    def grams(self) -> frozenset[str]:
        """Its character bigrams, or nothing when the text only repeats the category (a form's default title)."""
        letters, grams, _words = _text_features(self.text[:TEXT_LIMIT])
        if self.category is not None and len(letters) <= len(self.category) and letters == _letters(self.category):
            return frozenset()
        return grams

    @property
    def words(self) -> float:
        """About how many words it has: a Chinese character counts half, five Latin letters or digits one."""
        return _text_features(self.text[:TEXT_LIMIT])[2]

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class Score:
    key: str  # the earlier case's
    value: float
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    action: Action | None
    best: Score | None
    others: tuple[Score, ...] = ()  # further candidates at or above the suggestion threshold, best first


def text_similarity(a: Item, b: Item) -> float | None:
    """Dice coefficient of the two texts' character bigrams (Chinese and English alike); None when unknown."""
    if not a.grams or not b.grams:
        return None
    return 2 * len(a.grams & b.grams) / (len(a.grams) + len(b.grams))


def distance_m(a: Item, b: Item) -> float | None:
    """Great-circle distance in metres (equirectangular: exact enough within a city, and cheap)."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    mean_lat = math.radians((a.lat + b.lat) / 2)
    dx = math.radians(b.lon - a.lon) * math.cos(mean_lat)
    dy = math.radians(b.lat - a.lat)
    return EARTH_RADIUS_M * math.hypot(dx, dy)


def duplicate_score(new: Item, old: Item, policy: DuplicatePolicy, *, floor: float = 0.0) -> Score | None:
    """How likely `new` repeats `old`, 0..1 with its evidence; None when outside the window or the place, or
    when even identical words could not lift it to `floor` (the words, the costly part, are then not compared)."""
    hours = abs((new.at - old.at).total_seconds()) / 3600
    if hours > policy.window_hours:
        return None
    place, place_evidence = _place_part(new, old, policy)
    if place_evidence is None:
        return None
    same_category = None if new.category is None or old.category is None else new.category == old.category
    was_open = old.open_until is None or old.open_until > new.at  # a later closing was not known yet
    parts = [
        (policy.weight_place, place or 0.0),
        (policy.weight_category, UNKNOWN_CATEGORY if same_category is None else float(same_category)),
        (policy.weight_time, 1 - hours / policy.window_hours),
        (policy.weight_open, float(was_open)),
    ]
    if floor and sum(w * part for w, part in parts) + policy.weight_text < floor * policy.weight_total:
        return None
    similarity = text_similarity(new, old)
    if place is None and (similarity is None or not policy.weight_text):
        return None  # neither where nor what: time and category alone would match every case of the day
    parts.append((policy.weight_text,
                  0.0 if similarity is None else _text_part(similarity, min(new.words, old.words))))
    value = sum(weight * part for weight, part in parts) / policy.weight_total
    evidence = {
        **place_evidence,
        "hours_apart": round(hours, 1),
        "same_category": same_category,
        "text_similarity": None if similarity is None else round(similarity, 3),
        "old_open": was_open,
        "hours_since_closed": None if was_open or old.open_until is None
        else round((new.at - old.open_until).total_seconds() / 3600, 1),
    }
    return Score(key=old.key, value=round(value, 4), evidence=evidence)


def duplicate_decide(scores: Iterable[Score | None], policy: DuplicatePolicy) -> Decision:
    """The best candidate and what to do: merge automatically, suggest it to the operator, or nothing."""
    ranked = sorted((s for s in scores if s is not None), key=lambda s: -s.value)
    if not ranked or ranked[0].value < policy.suggest_score:
        return Decision(action=None, best=ranked[0] if ranked else None)
    best = ranked[0]
    action: Action = "merge" if best.value >= policy.merge_score else "suggest"
    others = tuple(s for s in ranked[1:6] if s.value >= policy.suggest_score)
    return Decision(action=action, best=best, others=others)


def _place_part(new: Item, old: Item, policy: DuplicatePolicy) -> tuple[float | None, dict[str, Any] | None]:
    """(the place part or None when unknown, its evidence); evidence None when the places are too far apart."""
    same_building = new.building is not None and new.building == old.building
    meters = distance_m(new, old)
    evidence: dict[str, Any] = {
        "distance_m": None if meters is None else round(meters),
        "same_building": same_building,
        "same_grid": None if new.grid is None or old.grid is None else new.grid == old.grid,
    }
    if same_building:
        return 1.0, evidence
    if meters is not None:
        if meters > policy.distance_m:
            return None, None
        return (1 - meters / policy.distance_m if policy.distance_m else 1.0), evidence
    if new.building is not None and old.building is not None:
        return 0.0, evidence  # two known, different buildings and no coordinates to say they are neighbours
    return None, evidence  # a shared grid (网格) holds hundreds of households: it says nothing of the problem


@lru_cache(maxsize=TEXT_CACHE)
def _text_features(text: str) -> tuple[str, frozenset[str], float]:
    """(letters and digits only, their bigrams, about how many words), kept for the texts seen last."""
    letters = _letters(text)
    grams = frozenset(map(operator.add, letters, letters[1:])) if len(letters) > 1 else frozenset(letters)
    wide = (len(letters.encode()) - len(letters)) / 2  # CJK characters take three bytes in UTF-8, Latin ones one
    return letters, grams, wide / 2 + (len(letters) - wide) / LETTERS_PER_WORD


def _letters(text: str) -> str:
    # Punctuation goes first: NFKC (full-width to half-width) is then nearly free on Chinese text.
    return unicodedata.normalize("NFKC", _NOT_WORD.sub("", text)).lower()


def _text_part(similarity: float, words: float) -> float:
    """Similarity rescaled from TEXT_FLOOR..TEXT_FULL to 0..1, weighed by how sure so few words can be."""
    rescaled = min(1.0, max(0.0, (similarity - TEXT_FLOOR) / (TEXT_FULL - TEXT_FLOOR)))
    return rescaled * min(1.0, words / TEXT_SURE_WORDS)
