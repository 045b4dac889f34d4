"""Keeping robots and floods off the public forms without any outside service.

Three defences: a signed, timestamped form token (a robot posts at once or replays an old page), a
honeypot field people never see, and fixed-window rate limits per IP and per phone in the shared cache.
A blocklist (BlockedCaller, 恶意来电) refuses known malicious numbers.
"""

import enum
import secrets
import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from huying.intake.models import BlockedCaller

CHALLENGE_SALT = "huying.intake.form-token"
HONEYPOT_FIELD = "website"
class Challenge(enum.Enum):
    OK = "ok"
    TOO_FAST = "too_fast"
    INVALID = "invalid"  # forged, garbled or older than FORM_MAX_SECONDS


def _seconds_setting(name: str, default: float) -> float:
    # Read at each call, not at import, so tests (and a deployment's settings) can change it.
    return float(getattr(settings, "HUYING", {}).get(name, default))


def challenge_issue() -> str:
    """A token for a freshly served form: a random nonce and the time, signed."""
    return signing.dumps({"n": secrets.token_urlsafe(12), "t": time.time()}, salt=CHALLENGE_SALT, compress=False)


def challenge_check(token: str) -> Challenge:
    """Whether the form was served by us, long enough ago for a person to fill it, and not too long ago."""
    try:
        payload = signing.loads(token, salt=CHALLENGE_SALT)
        age = time.time() - float(payload["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Challenge.INVALID
    if age > _seconds_setting("FORM_MAX_SECONDS", 7200) or age < -60:  # a little slack for clocks of two app servers
        return Challenge.INVALID
    if age < _seconds_setting("FORM_MIN_SECONDS", 3):
        return Challenge.TOO_FAST
    return Challenge.OK


def challenge_consume(token: str) -> bool:
    """Mark the token used; False when it was used before (a replayed or double-sent form)."""
    key = "intake:form-token:" + salted_hmac(CHALLENGE_SALT, token).hexdigest()
    timeout = int(_seconds_setting("FORM_MAX_SECONDS", 7200)) + 60
    # cache.add is atomic in Redis and in process memory: of two racing posts of one form, one wins.
    return cache.add(key, 1, timeout=timeout)


def honeypot_filled(data: Mapping[str, Any]) -> bool:
    return bool(str(data.get(HONEYPOT_FIELD, "")).strip())


def caller_blocked(phone: str) -> bool:
    """The (normalised) phone is on the blocklist and its entry has not expired."""
    return bool(phone) and BlockedCaller.objects.filter(phone=phone, expires_at__gt=timezone.now()).exists()
