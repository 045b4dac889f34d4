"""Personal data in free text (个人信息): phone numbers, ID-card numbers and vehicle plates, found and masked.

Residents write their numbers into descriptions ("联系我13912345678", "车牌鄂A12345挡住消防通道"). The text
is needed whole by the unit handling the case; everywhere else (staff texts and e-mails, exports for
analysis, logs, the public record) it is shown masked. An ID number counts only when its GB 11643 check
digit is right, so a long order or account number is not mistaken for one.
"""

import re
from dataclasses import dataclass

# Mainland mobiles, with or without +86 and separators: 139 1234 5678, +86-139-1234-5678.
MOBILE = re.compile(r"(?<![\d])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![\d])")
# Landlines with an area code and a separator (without one, 0 + 10 digits is too often something else).
LANDLINE = re.compile(r"(?<![\d-])0\d{2,3}[- ]\d{7,8}(?![\d])")
# 18-digit ID numbers (the last may be X); 15-digit ones from before 1999.
ID_CARD = re.compile(r"(?<![\dA-Za-z])(\d{17}[\dXx]|\d{15})(?![\dA-Za-z])")
# Plates: province abbreviation, issuing-office letter, then five (six for new-energy) letters or digits.
PLATE = re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·•]?"
                   r"[A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳](?![A-Za-z0-9])")

COUNTRY = re.compile(r"\+?86[- ]?(?=1)")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class Found:
    kind: str  # "phone", "id_card", "plate"
    start: int
    end: int
    text: str


def id_card_valid(number: str) -> bool:
    """An 18-digit number whose check digit matches (GB 11643-1999), or a 15-digit one with a plausible date."""
    if len(number) == 15:
        month, day = int(number[8:10]), int(number[10:12])
        return 1 <= month <= 12 and 1 <= day <= 31
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17].upper()


def pii_find(text: str) -> list[Found]:
    """Every phone number, valid ID-card number and plate in `text`, in order, without overlaps."""
    found: list[Found] = []
    for match in ID_CARD.finditer(text):
        if id_card_valid(match.group(1)):
            found.append(Found("id_card", match.start(1), match.end(1), match.group(1)))
    for kind, pattern in (("phone", MOBILE), ("phone", LANDLINE), ("plate", PLATE)):
        for match in pattern.finditer(text):
            if not any(f.start < match.end() and match.start() < f.end for f in found):
                found.append(Found(kind, match.start(), match.end(), match.group()))
    return sorted(found, key=lambda f: f.start)


def _masked(found: Found) -> str:
    text = found.text
    if found.kind == "id_card":  # the region of issue and the last four: enough to tell two apart
        return text[:6] + "*" * (len(text) - 10) + text[-4:]
    if found.kind == "plate":
        return text[:2] + "*" * (len(text) - 2)
    prefix = COUNTRY.match(text)  # +86 stays as written; the number itself keeps its first three and last four
    head, number = (text[:prefix.end()], text[prefix.end():]) if prefix else ("", text)
    digits = [i for i, ch in enumerate(number) if ch.isdigit()]
    keep = set(digits[:3] + digits[-4:])
    return head + "".join(ch if not ch.isdigit() or i in keep else "*" for i, ch in enumerate(number))


def pii_mask(text: str) -> str:
    """`text` with every phone, ID-card number and plate masked (139****5678, 420102********1234, 鄂A*****)."""
    if not text:
        return text
    parts, last = [], 0
    for found in pii_find(text):
        parts += [text[last:found.start], _masked(found)]
        last = found.end
    parts.append(text[last:])
    return "".join(parts)
