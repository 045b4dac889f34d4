"""The public record (公示, /gongshi/): recent cases and outcomes, the monthly rankings, a search by case number.

No login and nothing personal, so every visitor gets the same page for the same address: the language is
chosen in the address (?lang=en, Chinese without it) rather than by a cookie, the session is never opened,
no CSRF cookie is set, and the answer may be kept by any cache for a few minutes.
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from huying.analytics.public import (
    last_full_month,
    list_cap,
    month_after,
    month_parse,
    number_parse,
    public_lookup,
    public_page,
    public_rankings,
    record_days,
)

CACHE_SECONDS = 300  # the rollups move with the worker's passes anyway: minutes, not seconds
View = Callable[..., HttpResponse]


def page_language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def public_view(view: View) -> View:
    """Serve `view` to everyone alike: in the address's language, without a session, cacheable."""

    @functools.wraps(view)
    @require_safe
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Who is signed in never matters here; asking (as the idle-session middleware does of any user it finds)
        # would open the session and make the answer vary by cookie, which no shared cache can serve.
        request.user = AnonymousUser()
        language = page_language(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        response.headers["Content-Language"] = language
        return response

    return wrapper


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    language = page_language(request)
    lang_query = "" if language == settings.LANGUAGE_CODE else f"lang={language}"
    # The language switch keeps the rest of the address, less what no form should carry (a NUL, a control).
    kept = [(k, v) for k, v in request.GET.items() if k != "lang" and f"{k}{v}".isprintable()]
    context = {**context, "lang": language, "lang_query": lang_query, "kept": kept, "days": record_days(),
               "cap": list_cap()}
    return render(request, f"analytics/public/{template}", context, status=status)


@public_view
def cases(request: HttpRequest) -> HttpResponse:
    listed = public_page(request.GET.get("page"), now=timezone.now())
    return _render(request, "cases.html", {"listed": listed, "page": listed.page, "cases": listed.cases})


@public_view
def search(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("number", "")
    shown = "".join(ch for ch in typed.strip() if ch.isprintable())  # the form never echoes a control character
    context: dict = {"number": shown, "found": None, "error": ""}
    if "number" in request.GET:
        try:
            context["found"] = public_lookup(number_parse(typed), now=timezone.now())
        except ValueError as exc:
            context["error"] = str(exc)
    return _render(request, "search.html", context, status=400 if context["error"] else 200)


@public_view
def rankings(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    try:
        period = month_parse(request.GET["month"], now=now) if request.GET.get("month") else last_full_month(now)
    except ValueError as exc:
        return _render(request, "rankings.html", {"error": str(exc), "latest": last_full_month(now)}, status=400)
    context = {"board": public_rankings(period), "latest": last_full_month(now),
               "previous": period.previous(), "next": month_after(period, now=now)}
    return _render(request, "rankings.html", context)

