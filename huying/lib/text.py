"""Text normalisation for matching Chinese addresses and free text."""

import re
import unicodedata

_SPACE = re.compile(r"\s+")
# Common ways of writing the same building part; normalised so "3号楼2单元" matches "3栋2单元".
_BUILDING_SYNONYMS = (("号楼", "栋"), ("幢", "栋"), ("座", "栋"), ("楼栋", "栋"))


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def normalise_address(text: str) -> str:
    out = normalise(text)
    for variant, canonical in _BUILDING_SYNONYMS:
        out = out.replace(variant, canonical)
    return out
