"""Idle expiry for staff sessions without a database write on every request.

Django renews a session's expiry only when it saves it; SESSION_SAVE_EVERY_REQUEST would write the session row
on every page and every htmx poll. Renewing at most once a minute keeps the idle timeout (SESSION_COOKIE_AGE)
within a minute of exact, at one write a minute per active desk.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

RENEW_EVERY_SECONDS = 60
RENEWED_KEY = "_huying_renewed"


class IdleSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(timezone.now().timestamp())
            if now - request.session.get(RENEWED_KEY, 0) >= RENEW_EVERY_SECONDS:
                request.session[RENEWED_KEY] = now  # marks the session modified: saved with a fresh expiry
        return response


def session_renewed_at_login(sender: type, request: HttpRequest, **kwargs: object) -> None:
    """Signing in saves the session anyway: count that as its renewal, so the next page writes nothing."""
    if hasattr(request, "session"):
        request.session[RENEWED_KEY] = int(timezone.now().timestamp())
