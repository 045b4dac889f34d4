"""Tracking lookups are rate-limited per address, so a guesser cannot try case numbers and phone digits at will."""

from django.http import HttpRequest

from huying.lib.ratelimit import client_ip, rate_hit


def track_attempt_allowed(request: HttpRequest) -> bool:
    return rate_hit("track_ip", client_ip(request))
