"""Who may open the console: signed-in staff (a superuser too). Which cases they see, the selectors decide."""

from collections.abc import Callable, Collection

from django.http import HttpRequest

from huying.org.access import role_required, staff_of
from huying.org.models import Role, User

ALL_STAFF_ROLES = frozenset(Role.values) - {Role.ADMIN}
SCREEN_ROLES = frozenset({Role.COMMAND_CENTRE, Role.LEADER, Role.ADMIN})


def staff_required(roles: Collection[str] = ALL_STAFF_ROLES) -> Callable:
    """Log in first; then 403 unless the user holds one of `roles` or is a superuser."""
    return role_required(roles)


def staff(request: HttpRequest) -> User:
    return staff_of(request)
