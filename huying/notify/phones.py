"""Phone numbers as messaging needs them: which ones can receive a text, and how to show one masked."""

import re

_SEPARATORS = re.compile(r"[\s\-()（）]")
# Mainland mobile numbers: 11 digits from 13x to 19x, optionally written with the +86 / 86 country code.
_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")


def mobile_number(raw: str) -> str | None:
    """The 11-digit mobile number written in `raw`, or None: landlines and junk cannot receive an SMS."""
    match = _MOBILE.match(_SEPARATORS.sub("", raw or ""))
    return match.group(1) if match else None


def mask_phone(raw: str) -> str:
    """138****8000: enough for its owner to recognise, too little for anyone else to use (PIPL)."""
    digits = mobile_number(raw) or re.sub(r"\D", "", raw or "")
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def last_four(raw: str) -> str:
    """The last four digits, which a resident types to prove a case is theirs."""
    return re.sub(r"\D", "", raw or "")[-4:]
