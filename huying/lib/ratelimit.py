"""Fixed-window rate limits in the shared cache, and the client address they count by.

Limits are named in settings.HUYING["RATE_LIMITS"] as (requests allowed, per seconds). Counter keys are
hashed: a phone number or an IP address must not sit readable in the cache (PIPL).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

# Used when settings.HUYING does not name a limit.
DEFAULT_LIMITS = {
    "submit_ip": (5, 600),
    "submit_phone": (3, 3600),
    # Emergencies count apart, so a resident who filed ordinary requests today can still call for help.
    "emergency_ip": (5, 600),
    "emergency_phone": (3, 3600),
    "track_ip": (20, 600),
    # The resident form's category hints, asked while typing (debounced): generous, but a ceiling for scrapers.
    "suggest_ip": (60, 600),
}


def client_ip(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or behind our own reverse proxies (HUYING["TRUSTED_PROXIES"]) the
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
    return f"rate:{name}:{window}:{salted_hmac('huying.rate', who).hexdigest()[:32]}"


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
