"""/patrol/: the grid worker's phone screen — start and stop a patrol, report what was found."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huying.lib.errors import HuyingError
from huying.org.models import Role, User
from huying.proactive.forms import PatrolReportForm
from huying.proactive.services import (
    patrol_open,
    patrol_report,
    patrol_solve_on_spot,
    patrol_start,
    patrol_stop,
    patrol_time_on,
    patrols_on,
)

PLACE_FIELDS = ("request_type", "description", "category", "address", "lat", "lon")


def _worker(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # grid_worker_required let only a signed-in staff member through
    return user


def grid_worker_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Log in first; then 403 for anyone but a grid worker (patrols are theirs alone)."""

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if _worker(request).role != Role.GRID_WORKER:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(checked)


@never_cache  # the durations change by the minute
@require_GET
@grid_worker_required
def home(request: HttpRequest) -> HttpResponseBase:
    worker, today = _worker(request), timezone.localdate()
    minutes = int(patrol_time_on(worker=worker, day=today).total_seconds() // 60)
    return render(request, "proactive/patrol.html", {
        "open": patrol_open(worker), "patrols": patrols_on(worker=worker, day=today),
        "hours": minutes // 60, "minutes": minutes % 60,
    })


@require_POST
@grid_worker_required
def start(request: HttpRequest) -> HttpResponseBase:
    try:
        patrol = patrol_start(worker=_worker(request))
        messages.success(request, _("巡查开始：%(grid)s") % {"grid": patrol.grid})
    except HuyingError as exc:
        messages.warning(request, str(exc.message))
    return redirect("patrol:home")


@require_POST
@grid_worker_required
def stop(request: HttpRequest) -> HttpResponseBase:
    try:
        patrol_stop(worker=_worker(request))
        messages.success(request, _("巡查已结束"))
    except HuyingError as exc:
        messages.warning(request, str(exc.message))
    return redirect("patrol:home")


@require_http_methods(["GET", "POST"])
@grid_worker_required
def report(request: HttpRequest) -> HttpResponseBase:
    form = PatrolReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = {name: data[name] for name in PLACE_FIELDS}
        try:
            if data["solved"]:
                case = patrol_solve_on_spot(worker=_worker(request), result=data["result"], before=data["photos"],
                                            after=data["after_photos"], **found)
            else:
                case = patrol_report(worker=_worker(request), photos=data["photos"], **found)
        except HuyingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("已上报：%(number)s") % {"number": case.number})
            return redirect("patrol:home")
    return render(request, "proactive/report.html", {"form": form})
