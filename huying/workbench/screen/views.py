"""The command-centre screen (一网统管 大屏): a wall page that refetches its figures every minute."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from huying.analytics.rates import formula
from huying.org.models import User
from huying.workbench.access import SCREEN_ROLES, staff, staff_required
from huying.workbench.maps.filters import DEFAULT_DAYS
from huying.workbench.maps.views import map_config
from huying.workbench.screen.board import board, scope_name
from huying.workbench.screen.stats import settings_in_force

REFRESH_SECONDS = 60


def screen_scope(user: User) -> str:
    """The area the screen covers: the user's scope (a command centre's or leader's district); everywhere for
    a superuser without a unit, and nothing at all (403) for anyone else without one."""
    if user.unit is not None:
        return user.unit.scope_path()
    if user.is_superuser:
        return ""
    raise PermissionDenied


@never_cache
@require_GET
@staff_required(SCREEN_ROLES)
def screen_page(request: HttpRequest) -> HttpResponseBase:
    scope = screen_scope(staff(request))
    # The first figures come inside the page, so it draws at once; the script refetches them every minute.
    return render(request, "workbench/screen/screen.html", {
        "area": scope_name(scope), "board": board(scope, timezone.now()), "config": screen_config(),
        "formula": formula(settings_in_force()),  # the rates' definitions, as the rates pages print them
    })


@never_cache
@require_GET
@staff_required(SCREEN_ROLES)
def stats_json(request: HttpRequest) -> HttpResponseBase:
    return JsonResponse(board(screen_scope(staff(request)), timezone.now()))


def screen_config() -> dict:
    since = (timezone.localdate() - dt.timedelta(days=DEFAULT_DAYS)).isoformat()
    return {
        "stats": reverse("work:screen_stats"), "refreshSeconds": REFRESH_SECONDS, "map": map_config(),
        "casesQuery": "status=open",  # every open case, however old: the live picture
        "heatQuery": f"status=all&date_from={since}",  # hot areas: all cases of the last 30 days
        "labels": {"today": _("今日"), "month": _("本月"), "empty": _("暂无数据"), "none": _("无"),
                   "offline": _("数据更新失败，稍后自动重试")},
    }
