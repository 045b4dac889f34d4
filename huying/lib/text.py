"""Text normalisation for matching Chinese addresses and free text."""

import re
import unicodedata

_SPACE = re.compile(r"\s+")
# Common ways of writing the same building part; normalised so "3号楼2单元" matches "3栋2单元".
_BUILDING_SYNONYMS = (("号楼", "栋"), ("幢", "栋"), ("座", "栋"), ("楼栋", "栋"), ("#楼", "栋"))
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
# A Chinese number only counts as a number before a building, unit, floor or room word (三栋 = 3栋); elsewhere it is
# part of a name (三里屯, 一品苑). A lone 两 ("两栋楼都停水") means "both", not building 2.
_CN_NUMBER = re.compile(r"[零〇一二三四五六七八九十百][零〇一二两三四五六七八九十百]*"
                        r"(?=栋|幢|号|座|楼|单元|室|层|期|户)")
_DASH_BETWEEN_DIGITS = re.compile(r"(?<=\d)[—–―−](?=\d)")
_SPACE_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s+(?=\d)")
_HASH_BUILDING = re.compile(r"(?<=[\da-z])#")  # 3# = 3栋 (how property staff write it)


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def chinese_number(word: str) -> int:
    """三 → 3, 十七 → 17, 二十三 → 23, 一百零二 → 102, 五〇一 → 501 (digit by digit when there is no 十 or 百)."""
    if "十" not in word and "百" not in word:
        return int("".join(str(_CN_DIGITS[ch]) for ch in word))
    total, digit = 0, None
    for ch in word:
        if ch in "十百":
            total += (1 if digit is None else digit) * (10 if ch == "十" else 100)
            digit = None
        else:
            digit = _CN_DIGITS[ch]
    return total + (digit or 0)


def normalise_address(text: str) -> str:
    """normalise(), then one spelling for numbers and building words: "幸福里三号楼" → "幸福里3栋", "Ｂ座" → "b栋"."""
    out = normalise(_SPACE_BETWEEN_DIGITS.sub("-", text or ""))  # "3 2 501" keeps its parts apart
    out = _CN_NUMBER.sub(lambda m: str(chinese_number(m.group())), out)
    out = _DASH_BETWEEN_DIGITS.sub("-", out)
    for variant, canonical in _BUILDING_SYNONYMS:
        out = out.replace(variant, canonical)
    return _HASH_BUILDING.sub("栋", out)
