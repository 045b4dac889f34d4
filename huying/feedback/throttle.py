"""A fixed-window counter in the shared cache, so a guesser cannot try case numbers and phone digits at will."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

DEFAULT_TRACK_LIMIT = (20, 600)


def attempt_allowed(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt under `key`; False once more than `limit` were made in the current window."""
    cache.add(key, 0, timeout=window_seconds)  # add() only sets a missing key: the window starts at the first try
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


def track_attempt_allowed(request: HttpRequest) -> bool:
    limit, window = getattr(settings, "HUYING", {}).get("RATE_LIMITS", {}).get("track_ip", DEFAULT_TRACK_LIMIT)
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wrote unless a trusted proxy set it.
    ip = request.META.get("REMOTE_ADDR", "") or "unknown"
    # Hashed: an IP address must not sit readable in the cache (PIPL).
    key = "feedback:track:" + salted_hmac("huying.feedback.track", ip).hexdigest()[:32]
    return attempt_allowed(key, limit=int(limit), window_seconds=int(window))
