"""The access check every staff page applies: signed in, and holding one of the page's roles."""

from collections.abc import Callable, Collection
from functools import wraps
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from huying.org.models import User


def role_required(roles: Collection[str], *, superuser: bool = True) -> Callable:
    """Log in first; then 403 unless the user holds one of `roles` (or is a superuser, when allowed)."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            user = staff_of(request)  # login_required below let only a signed-in staff member through
            if not ((superuser and user.is_superuser) or user.role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded = login_required(checked)

        @wraps(view)
        def entry(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            if request.headers.get("HX-Request") and not request.user.is_authenticated:
                return _htmx_to_login(request)
            return guarded(request, *args, **kwargs)

        return entry

    return decorator


def _htmx_to_login(request: HttpRequest) -> HttpResponse:
    """A partial request after the session ended: have htmx load the login page as a whole page (not inside
    the list it was updating), coming back afterwards to the page the user was on."""
    page = urlsplit(request.headers.get("HX-Current-URL", ""))
    back = (page.path + (f"?{page.query}" if page.query else "")) if page.path else request.get_full_path()
    login = redirect_to_login(back)
    return HttpResponse(status=204, headers={"HX-Redirect": login["Location"]})


def staff_of(request: HttpRequest) -> User:
    """The signed-in staff member of a request that passed role_required or login_required."""
    user = request.user
    assert isinstance(user, User)
    return user
