"""Checks on what residents and businesses type: phone numbers and the unified social credit code."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area code (010, 021, 0755 …) then a 7–8 digit number, optionally an extension; or a local number alone.
_LANDLINE = re.compile(r"(0\d{2,3})-?([2-9]\d{6,7})(?:-(\d{1,6}))?|([2-9]\d{6,7})")
_SEPARATORS = re.compile(r"[\s()（）]+")

# GB 32100-2015 统一社会信用代码: 18 characters from this 31-letter alphabet (no I, O, S, V, Z).
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Position 1 is the registering authority, 2 the kind of body, 3–8 the administrative division (digits).
_CREDIT_SHAPE = re.compile(r"[1-9A-GY][0-9A-HJ-NPQRTUWXY][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")


def phone_normalise(text: str) -> str:
    """One spelling per number, so the blocklist and the rate limit see a number however it was typed.

    Mobile → 13800138000 (no +86, no spaces); landline → 02785551234[-12] (area code and number joined,
    since "027-85551234" and "02785551234" are one line). Unrecognised text is returned tidied.
    """
    tidy = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).replace("—", "-")
    digits_only = tidy.replace("-", "")
    for prefix in ("+86", "0086", "86"):
        if digits_only.startswith(prefix) and _MOBILE.fullmatch(digits_only[len(prefix):]):
            return digits_only[len(prefix):]
    if _MOBILE.fullmatch(digits_only):
        return digits_only
    match = _LANDLINE.fullmatch(tidy)
    if match:
        area, number, extension, local = match.groups()
        if local:
            return local
        return f"{area}{number}-{extension}" if extension else f"{area}{number}"
    return tidy


def phone_validate(text: str) -> str:
    """The normalised number; ValidationError unless it is a Chinese mobile or landline number."""
    number = phone_normalise(text)
    if _MOBILE.fullmatch(number) or _LANDLINE.fullmatch(number):  # normalised, so both spellings pass
        return number
    raise ValidationError(_("请填写正确的手机号码（11位）或固定电话（如 027-85551234）"), code="phone")


def credit_code_check_digit(first17: str) -> str:
    """The 18th character of a unified social credit code (GB 32100-2015, modulus 31)."""
    total = sum(CREDIT_ALPHABET.index(char) * weight for char, weight in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_validate(text: str) -> str:
    """The code in upper case; ValidationError when its shape or its check digit is wrong."""
    code = unicodedata.normalize("NFKC", text or "").strip().upper()
    if not _CREDIT_SHAPE.fullmatch(code):
        raise ValidationError(_("统一社会信用代码应为18位数字或大写字母"), code="credit_code_shape")
    if credit_code_check_digit(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对"), code="credit_code_check")
    return code
