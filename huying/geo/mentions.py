"""Place mentions (地址提及) in a normalised text: compound + building number, compounds, road + door number.

Pure text work: nothing here knows the registry. The words captured before a number may carry leading words
that are not part of the name ("我家住在幸福里"); the resolver tries the name's tails against the registry.
Texts must already be normalised with `normalise_address` (digits, "栋" for every building word).
"""

import re
from dataclasses import dataclass

# Words that end a compound's (小区) name, and words that end a road's name.
COMPOUND_WORDS = ("小区", "花园", "家园", "新村", "新城", "公寓", "大厦", "广场", "公馆", "雅居", "山庄", "苑")
ROAD_WORDS = ("大道", "大街", "路", "街", "巷")
# Administrative prefixes that registry names may carry and residents leave out (示范区幸福里 → 幸福里).
_ADMIN_PREFIX = re.compile(r"^.{2,}(?:省|市|(?<![小园校景])区|县|镇|乡|街道|社区)(?=..)")

NAME_LIMIT = 12  # characters read back from a number for the name: enough for 示范区幸福里小区2期
# Words between a compound's name and the building number that are not part of the name: 阳光花园的1栋,
# 阳光花园2期3栋, 幸福里小区东区3栋, 幸福里小区内3栋.
_FILLER = re.compile(r"(?:的|内|\d{1,2}期|[东南西北中]区)+$")
_PHASE_NUMBER = re.compile(r"(?<!\d)\d{1,2}$")  # searched up to a 期
# Each pattern matches from the number (or the compound/road word) on; the name is read backwards from there,
# which keeps the scan linear in the text's length.
_DETAIL = r"(?:(?P<unit>\d{1,2})单元)?(?:(?P<floor>\d{1,2})[楼层])?(?:(?P<room>\d{2,5})(?:室|号|房|户)?)?"
_BUILDING = re.compile(r"(?P<bno>(?<!\d)\d{1,3}|(?<![a-z\d])[a-z])(?P<marker>栋|楼)" + _DETAIL)
# 3-2-501 is building-unit-room; 3-501 is building-room.
_DASHED = re.compile(r"(?<![\d\-])(?P<bno>\d{1,3})-(?:(?P<unit>\d{1,2})-)?(?P<room>\d{2,5})(?![\d\-])")
# "幸福里小区3" with nothing after the number: most likely a building, but weak evidence.
_BARE = re.compile(r"(?<![\d\-.])(?P<bno>\d{1,3})(?![\d\-.%a-z\u4e00-\u9fff])")
_COMPOUND = re.compile("|".join(COMPOUND_WORDS))
_ROAD = re.compile(r"(?:" + "|".join(ROAD_WORDS) + r")(?P<door>\d{1,5})号(?:院)?(?:(?P<bno>\d{1,3}|[a-z])栋)?"
                   + _DETAIL)


@dataclass(frozen=True)
class PlaceMention:
    kind: str  # "building", "compound" or "road"
    name: str  # the words before the number (or the compound's words), maybe with leading words
    start: int  # where `name` starts in the text
    end: int  # where the mention's building part ends (the unit detail is not part of it)
    building: str = ""  # building number: "3", "b"
    door: str = ""  # door number on a road: 解放大道1234号 → "1234"
    detail: str = ""  # unit, floor and room, for the operator: "2单元501"
    weak: bool = False  # a bare number or "N楼" (often a floor): trusted only after an exactly named compound


def mentions_find(text: str) -> list[PlaceMention]:
    """Every place mention in a normalised text, in order of where it starts (they may overlap)."""
    found = [read(text, match) for pattern, read in _READERS for match in pattern.finditer(text)]
    return sorted((f for f in found if f is not None), key=lambda f: f.start)


def name_read(name: str) -> PlaceMention | None:
    """What one registry name is: a road address (东湖路8号), a building (幸福里小区3栋), a compound named whole
    (幸福里小区), or None for any other name (人民公园). Only a mention that starts the name counts."""
    for pattern, read in _READERS:
        for match in pattern.finditer(name):
            found = read(name, match)
            if found is not None and found.start == 0 and (found.kind != "compound" or found.end == len(name)):
                return found
    return None


def _building_or_floor(text: str, match: re.Match) -> PlaceMention | None:
    return _building(text, match, weak=match.group("marker") == "楼")


def _building_strong(text: str, match: re.Match) -> PlaceMention | None:
    return _building(text, match, weak=False)


def _building_weak(text: str, match: re.Match) -> PlaceMention | None:
    return _building(text, match, weak=True)


def name_start(text: str, end: int, limit: int = NAME_LIMIT) -> int:
    """Where the run of name characters (Chinese, latin letters, a phase like 2期) ending at `end` begins."""
    i = end
    while i > 0 and end - i < limit:
        if "\u4e00" <= text[i - 1] <= "\u9fff" or "a" <= text[i - 1] <= "z":
            i -= 1
        elif i < end and text[i] == "期" and (phase := _PHASE_NUMBER.search(text, max(0, i - 3), i)):
            i = phase.start()
        else:
            break
    return i


def _detail(match: re.Match) -> str:
    parts = match.groupdict()
    unit, floor, room = parts.get("unit"), parts.get("floor"), parts.get("room")
    return "".join((f"{unit}单元" if unit else "", f"{floor}楼" if floor else "", room or ""))


def _building(text: str, match: re.Match, *, weak: bool) -> PlaceMention | None:
    start = name_start(text, match.start())
    if start == match.start():
        return None
    end = match.end("marker") if "marker" in match.re.groupindex else match.end()
    return PlaceMention("building", text[start : match.start()], start, end, building=match.group("bno"),
                        detail=_detail(match), weak=weak)


def _compound(text: str, match: re.Match) -> PlaceMention | None:
    start = name_start(text, match.start(), limit=NAME_LIMIT - 2)
    return PlaceMention("compound", text[start : match.end()], start, match.end()) if start < match.start() else None


def _road(text: str, match: re.Match) -> PlaceMention | None:
    door_at = match.start("door")
    start = name_start(text, match.start(), limit=NAME_LIMIT - 2)
    if start == match.start():
        return None
    bno = match.group("bno") or ""
    end = match.end("bno") if bno else door_at + len(match.group("door")) + 1
    return PlaceMention("road", text[start:door_at], start, end, building=bno, door=match.group("door"),
                        detail=_detail(match))


# In the order a registry name is read: 东湖路8号3栋 is a road address before it is a building.
_READERS = ((_ROAD, _road), (_BUILDING, _building_or_floor), (_DASHED, _building_strong), (_BARE, _building_weak),
            (_COMPOUND, _compound))


def compound_split(name: str) -> tuple[str, str]:
    """"幸福里小区" → ("幸福里", "小区"); a name without a compound word keeps it whole: ("幸福里", "")."""
    for word in COMPOUND_WORDS:
        if name.endswith(word) and len(name) > len(word):
            return name[: -len(word)], word
    return name, ""


def without_filler(name: str) -> str:
    """"阳光花园2期" → "阳光花园"; unchanged when nothing stands between the name and the number."""
    return _FILLER.sub("", name)


def without_admin_prefix(name: str) -> str:
    """"示范区幸福里小区" → "幸福里小区": the part residents say. Unchanged when there is no such prefix."""
    return _ADMIN_PREFIX.sub("", name)


def tails(name: str, *, shortest: int = 2) -> list[str]:
    """The name's endings, longest first: "住幸福里" → ["住幸福里", "幸福里", "福里"]."""
    return [name[i:] for i in range(0, len(name) - shortest + 1)]
