"""The access check every staff page applies: signed in, and holding one of the page's roles."""

from collections.abc import Callable, Collection
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

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

        return login_required(checked)

    return decorator


def staff_of(request: HttpRequest) -> User:
    """The signed-in staff member of a request that passed role_required or login_required."""
    user = request.user
    assert isinstance(user, User)
    return user
