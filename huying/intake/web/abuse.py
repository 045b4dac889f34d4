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
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from huying.intake.models import BlockedCaller

CHALLENGE_SALT = "huying.intake.form-token"
HONEYPOT_FIELD = "website"
# Defaults when settings.HUYING does not name a limit: (requests allowed, per seconds).
DEFAULT_LIMITS = {
    "submit_ip": (5, 600),
    "submit_phone": (3, 3600),
    # Emergencies count apart, so a resident who filed ordinary requests today can still call for help.
    "emergency_ip": (5, 600),
    "emergency_phone": (3, 3600),
}


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


def client_ip(request: HttpRequest) -> str:
    """The resident's address: REMOTE_ADDR, or behind our own reverse proxies (HUYING["TRUSTED_PROXIES"]) the
    nearest X-Forwarded-For hop they did not add. Without this, every resident behind nginx shares one limit."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    trusted = set(getattr(settings, "HUYING", {}).get("TRUSTED_PROXIES", ()))
    if remote not in trusted:
        return remote  # X-Forwarded-For is whatever the client wrote unless a trusted proxy set it
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    return next((hop for hop in reversed(hops) if hop not in trusted), remote)


def _limit(name: str) -> tuple[int, int]:
    limits = getattr(settings, "HUYING", {}).get("RATE_LIMITS", {})
    allowed, seconds = limits.get(name, DEFAULT_LIMITS[name])
    return int(allowed), int(seconds)


def _counter_key(name: str, who: str, seconds: int) -> str:
    window = int(time.time() // seconds)
    # Hashed: a phone number or an IP must not sit readable in the cache (PIPL).
    return f"intake:rate:{name}:{window}:{salted_hmac('huying.intake.rate', who).hexdigest()[:32]}"


def rate_exceeded(name: str, who: str) -> bool:
    """Whether `who` already used up limit `name` in this window (a look, not a hit)."""
    allowed, seconds = _limit(name)
    return (cache.get(_counter_key(name, who, seconds)) or 0) >= allowed


def rate_hit(name: str, who: str) -> bool:
    """Count one request; True while `who` stays within limit `name`."""
    allowed, seconds = _limit(name)
    key = _counter_key(name, who, seconds)
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=seconds)
        count = 1
    return count <= allowed


def caller_blocked(phone: str) -> bool:
    """The (normalised) phone is on the blocklist and its entry has not expired."""
    return bool(phone) and BlockedCaller.objects.filter(phone=phone, expires_at__gt=timezone.now()).exists()
