"""Place resolution: a point, an address or a request's words → the building and the grid (定位到楼栋和网格).

Coordinates win when they fall inside a grid. Otherwise the address field, then the description: every place
mention in them (huying/geo/mentions.py) is matched against the registry, exactly first and then fuzzily, and
the best-scored one wins — a compound with its building number beats the compound alone.
"""

import operator
from dataclasses import dataclass

from rapidfuzz import fuzz

from huying.geo.mentions import (
    COMPOUND_WORDS,
    ROAD_WORDS,
    PlaceMention,
    compound_split,
    mentions_find,
    tails,
    without_filler,
)
from huying.geo.models import Building
from huying.geo.registry import Compound, PlaceIndex, place_index
from huying.lib.text import normalise_address
from huying.org.models import Unit

# rapidfuzz ratio of the compound stems (the name without 小区/花园): 幸福 ~ 幸福里 = 80, 锦绣华廷 ~ 锦绣华庭 = 75,
# 幸运里 ~ 幸福里 = 67, 阳光 ~ 月光 = 50. A fuzzy name alone is too weak to place a case: it counts only with a
# building number that the compound has (a homophone typo is common; a near-namesake with that building, rarer).
FUZZY_MIN_SCORE = 75
# Scores (0–100) by the kind of evidence.
EXACT = 100  # a building's own name, or a compound as the registry writes it + building number
SHORT = 95  # the compound without its 小区/花园 word (幸福里3栋 for 幸福里小区3栋), or road + door + building
WEAK = 90  # a bare number or "N楼" after an exactly named compound (it may be a floor)
NAMED = 85  # a name that belongs to one row but carries no building number (a landmark, a street address)
COMPOUND_ALONE = 80
SHARED_NAME_PENALTY = 10  # several buildings answer to the words: only their common grid is known


@dataclass(frozen=True)
class PlaceMatch:
    grid: Unit
    how: str  # "point", "address" or "fuzzy" (the address field), "text" or "text_fuzzy" (the description)
    building: Building | None = None
    evidence: str = ""  # the (normalised) words that matched: "幸福里3栋"
    score: int = 0  # 0–100
    unit_detail: str = ""  # unit, floor, room for the operator: "2单元501"; not used for matching


@dataclass(frozen=True)
class Candidate:
    score: int
    start: int
    evidence: str
    building_id: int | None = None
    grid_id: int | None = None
    detail: str = ""
    fuzzy: bool = False


@dataclass(frozen=True)
class CompoundHit:
    key: str
    score: int
    offset: int  # where the matched words start inside the mention's name
    fuzzy: bool = False


def grid_at(lat: float, lon: float) -> Unit | None:
    """The active grid whose polygon contains the point (GeoJSON order: lon, lat)."""
    grid_id = place_index().grid_covering(lon, lat)
    return Unit.objects.filter(pk=grid_id).first() if grid_id else None


def building_for_address(text: str) -> tuple[Building, str] | None:
    """The building an address names, and how it was found ("address" or "fuzzy")."""
    match = place_resolve(address=text)
    return (match.building, match.how) if match and match.building else None


def place_resolve(*, lat: float | None = None, lon: float | None = None, address: str = "",
                  text: str = "") -> PlaceMatch | None:
    """Coordinates win when given and inside a grid; otherwise the address field, then the description."""
    index = place_index()
    words = _in_words(index, address=address, text=text)
    if lat is not None and lon is not None:
        grid_id = index.grid_covering(lon, lat)
        grid = Unit.objects.filter(pk=grid_id).first() if grid_id else None
        if grid is not None:
            return _point_match(index, grid, words)
    return _match(index, *words) if words else None


def _in_words(index: PlaceIndex, *, address: str, text: str) -> tuple[Candidate, str] | None:
    """The best candidate from the address field, or from the description when it is better."""
    in_address = best_candidate(index, normalise_address(address)) if address else None
    if in_address is not None and in_address.score >= EXACT:
        return in_address, ("fuzzy" if in_address.fuzzy else "address")
    in_text = best_candidate(index, normalise_address(text)) if text else None
    if in_text is not None and (in_address is None or in_text.score > in_address.score):
        return in_text, ("text_fuzzy" if in_text.fuzzy else "text")
    return (in_address, ("fuzzy" if in_address.fuzzy else "address")) if in_address else None


def best_candidate(index: PlaceIndex, text: str) -> Candidate | None:
    """The highest-scored place in a normalised text; on a tie the earliest, then the one with a unit detail."""
    found = [*_named_in(index, text), *(c for m in mentions_find(text) if (c := _mention_candidate(index, text, m)))]
    return max(found, key=lambda c: (c.score, -c.start, bool(c.detail)), default=None)


def _point_match(index: PlaceIndex, grid: Unit, words: tuple[Candidate, str] | None) -> PlaceMatch:
    """The grid of the point, with the building the words name when it lies in that grid."""
    candidate = words[0] if words else None
    if candidate is None or candidate.building_id is None or index.grid_of.get(candidate.building_id) != grid.pk:
        return PlaceMatch(grid=grid, how="point", score=EXACT)
    building = Building.objects.filter(pk=candidate.building_id).first()
    return PlaceMatch(grid=grid, how="point", building=building, evidence=candidate.evidence, score=EXACT,
                      unit_detail=candidate.detail)


def _match(index: PlaceIndex, candidate: Candidate, how: str) -> PlaceMatch | None:
    building = None
    if candidate.building_id is not None:
        # Rows are read afresh, not kept with the index: a grid's place in the tree can change without a save
        building = Building.objects.select_related("grid").filter(pk=candidate.building_id).first()
        grid = building.grid if building else None
    else:
        grid = Unit.objects.filter(pk=candidate.grid_id).first() if candidate.grid_id else None
    if grid is None:  # deleted since the index was built
        return None
    return PlaceMatch(grid=grid, how=how, building=building, evidence=candidate.evidence, score=candidate.score,
                      unit_detail=candidate.detail)


# --- names found whole in the text ---------------------------------------------------------------------------


def _named_in(index: PlaceIndex, text: str) -> list[Candidate]:
    """Building names and aliases, and longer compound names, found whole in the text."""
    found = []
    for start, key in _scan(index, text):
        if key in index.names:
            score = EXACT if key in index.numbered_names else NAMED
            found.append(Candidate(score, start, key, building_id=index.names[key]))
        elif not text.startswith(ROAD_WORDS, start + len(key)):  # 和平里路 is a road, not 和平里
            compound = index.compounds[key]
            score = COMPOUND_ALONE if compound.listed else COMPOUND_ALONE - 5
            found.extend(_compound_alone(index, compound, score, start, key))
    return found


def _scan(index: PlaceIndex, text: str) -> list[tuple[int, str]]:
    """(start, key) of every registry key in the text; only the text's two-character pairs that start a key are
    searched, so a long message costs little more than reading it once."""
    starts = index.starts
    hits: list[tuple[int, str]] = []
    for pair in filter(starts.__contains__, set(map(operator.add, text, text[1:]))):
        i = text.find(pair)
        while i >= 0:
            hits.extend((i, key) for key in starts[pair]
                        if text.startswith(key, i) and not _cuts_a_number(text, i, i + len(key)))
            i = text.find(pair, i + 1)
    return hits


def _cuts_a_number(text: str, start: int, end: int) -> bool:
    """"幸福里3" must not be found inside "幸福里33栋"."""
    before = start > 0 and text[start - 1].isdigit() and text[start].isdigit()
    return before or (end < len(text) and text[end].isdigit() and text[end - 1].isdigit())


# --- mentions: compound + building number, compound words, road + door number ---------------------------------


def _mention_candidate(index: PlaceIndex, text: str, mention: PlaceMention) -> Candidate | None:
    if mention.kind == "road":
        return _road_candidate(index, text, mention)
    hit = compound_lookup(index, mention.name, building=mention.building if not mention.weak else "")
    if hit is None or (mention.weak and hit.score < EXACT):
        return None
    compound = index.compounds[hit.key]
    evidence, start = text[mention.start + hit.offset : mention.end], mention.start + hit.offset
    if mention.kind == "building" and mention.building in compound.numbered:
        score = WEAK if mention.weak else hit.score
        picked = _pick(index, compound.numbered[mention.building])
        return _candidate(picked, score, start, evidence, mention.detail, hit.fuzzy)
    detail = f"{mention.building}栋{mention.detail}" if mention.building else ""
    score = round(hit.score * COMPOUND_ALONE / 100)
    return next(iter(_compound_alone(index, compound, score, start, evidence, detail, hit.fuzzy)), None)


def _road_candidate(index: PlaceIndex, text: str, mention: PlaceMention) -> Candidate | None:
    for tail in tails(mention.name):
        ids = index.roads.get(f"{tail}{mention.door}号")
        if ids:
            start = mention.start + len(mention.name) - len(tail)
            numbered = {i for i in ids if mention.building and index.building_no.get(i) == mention.building}
            if numbered:
                return _candidate(_pick(index, numbered), SHORT, start, text[start : mention.end], mention.detail)
            return _candidate(_pick(index, ids), NAMED, start, text[start : mention.end], mention.detail)
    return None


def _compound_alone(index: PlaceIndex, compound: Compound, score: int, start: int, evidence: str,
                    detail: str = "", fuzzy: bool = False) -> list[Candidate]:
    """The row named as the compound itself, else the compound's grid when all its buildings share one."""
    picked = _pick(index, compound.whole) if compound.whole else _common_grid(index, compound.members)
    found = _candidate(picked, score, start, evidence, detail, fuzzy)
    return [found] if found else []


def _pick(index: PlaceIndex, ids: set[int]) -> tuple[int | None, int | None]:
    """One building → (building, None); several in one grid → (None, grid); otherwise (None, None)."""
    if len(ids) == 1:
        return next(iter(ids)), None
    return _common_grid(index, ids)


def _common_grid(index: PlaceIndex, ids: set[int]) -> tuple[int | None, int | None]:
    grids = {index.grid_of[i] for i in ids}
    return (None, grids.pop()) if len(grids) == 1 else (None, None)


def _candidate(picked: tuple[int | None, int | None], score: int, start: int, evidence: str, detail: str = "",
               fuzzy: bool = False) -> Candidate | None:
    building_id, grid_id = picked
    if building_id is None and grid_id is None:
        return None
    if building_id is None:
        score -= SHARED_NAME_PENALTY if score > COMPOUND_ALONE else 0
    return Candidate(score, start, evidence, building_id, grid_id, detail, fuzzy)


# --- compound names: exact tails, then fuzzy -----------------------------------------------------------------


def compound_lookup(index: PlaceIndex, name: str, *, building: str = "") -> CompoundHit | None:
    """The compound the words end with: as written (幸福里小区), by its stem (幸福里), or — given a building
    number — fuzzily (锦秀江南花园)."""
    bare = without_filler(name)
    hit = _compound_exact(index, name) or (_compound_exact(index, bare) if bare != name else None)
    if hit is not None:
        return hit if bare == name else CompoundHit(hit.key, min(hit.score, SHORT), hit.offset)
    return compound_fuzzy(index, bare, building=building) if building and bare else None


def _compound_exact(index: PlaceIndex, name: str) -> CompoundHit | None:
    for tail in tails(name):
        if tail in index.compounds and tail not in COMPOUND_WORDS:
            return CompoundHit(tail, EXACT if index.compounds[tail].listed else SHORT, len(name) - len(tail))
    stem, word = compound_split(name)
    if word:
        for tail in tails(stem):
            if tail in index.compounds and index.words_agree(tail, word):
                return CompoundHit(tail, SHORT, len(stem) - len(tail))
    return None


def compound_fuzzy(index: PlaceIndex, name: str, *, building: str) -> CompoundHit | None:
    """The compound with this building whose stem is closest to the words' ending, when FUZZY_MIN_SCORE alike."""
    stem, word = compound_split(name)
    query = stem[-12:]
    best: tuple[float, str, int] | None = None
    for candidate in index.similar_stems(query):
        score, length = _tail_similarity(candidate, query)
        if score < FUZZY_MIN_SCORE or (best is not None and score <= best[0]):
            continue
        key = _key_with_word(index, candidate, word)
        if key is not None and building in index.compounds[key].numbered:
            best = (score, key, length)
    if best is None:
        return None
    score, key, length = best
    return CompoundHit(key, round(score * SHORT / 100), len(stem) - length, fuzzy=True)


def _key_with_word(index: PlaceIndex, stem: str, word: str) -> str | None:
    """The compound name for a fuzzily found stem, when the text's 小区/花园 word fits it.

    A different word as well as a different stem is one difference too many (新幸福家园 is not 幸福里小区).
    """
    if not index.words_agree(stem, word):
        return None
    keys = index.stems[stem]
    return next((key for key in (stem + word, stem) if key in keys), keys[0])


def _tail_similarity(stem: str, query: str) -> tuple[float, int]:
    """The best rapidfuzz ratio of the stem against the query's endings one shorter, as long, one longer.

    A shorter or longer ending must begin with the stem's first character: residents shorten a name at its end
    (锦绣华庭 → 锦绣华), and a match that only lines up with the name's tail is usually another name.
    """
    lengths = [n for n in (len(stem) - 1, len(stem), len(stem) + 1)
               if 2 <= n <= len(query) and (n == len(stem) or query[-n] == stem[0])]
    return max(((fuzz.ratio(stem, query[-n:]), n) for n in lengths), default=(0.0, 0))
