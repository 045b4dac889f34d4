"""Who may use which staff entry screen (录入入口): the roles per screen, and the check the views apply."""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import wraps

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from huying.org.access import role_required, staff_of
from huying.org.models import Role, User

__all__ = ["HOTLINE_ROLES", "PATROL_ROLES", "VISIT_ROLES", "entries_for", "json_error", "role_required",
           "role_required_json", "staff_of"]

HOTLINE_ROLES = frozenset({Role.OPERATOR, Role.COMMAND_CENTRE, Role.ADMIN})
# Patrols are enforced by the proactive app (a grid worker walking their own grid); listed here for the landing.
PATROL_ROLES = frozenset({Role.GRID_WORKER})
VISIT_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.GRID_WORKER})


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: Promise
    help: Promise
    roles: frozenset[str]
    superuser: bool  # a superuser may use it too (a patrol needs a grid of one's own, so not there)

    def open_to(self, user: User) -> bool:
        return (self.superuser and user.is_superuser) or user.role in self.roles


ENTRIES = (
    Entry("console:hotline", _("12345 热线录入"), _("接听来电，快速登记，派单或直接办结"), HOTLINE_ROLES, True),
    Entry("patrol:home", _("网格巡查"), _("开始、结束巡查，上报巡查发现的问题"), PATROL_ROLES, False),
    Entry("console:visit", _("入户走访 / 座谈征集"), _("一次录入走访或座谈中收集的多条诉求"), VISIT_ROLES, True),
)


def entries_for(user: User) -> list[Entry]:
    return [entry for entry in ENTRIES if entry.open_to(user)]


def json_error(message: str, *, field: str | None = None, status: int = 422) -> JsonResponse:
    """An error a page's script can show: {"error": message, "field": the input at fault or null}."""
    return JsonResponse({"error": message, "field": field}, status=status)


def role_required_json(roles: Collection[str]) -> Callable:
    """role_required for endpoints a script calls: the same people pass, the others get JSON, not a login page."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return json_error(gettext_now("登录已过期，请重新登录"), status=401)
            if not (isinstance(user, User) and (user.is_superuser or user.role in roles)):
                return json_error(gettext_now("您的岗位无权使用此功能"), status=403)
            return view(request, *args, **kwargs)

        return checked

    return decorator
