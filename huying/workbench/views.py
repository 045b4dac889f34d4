"""The landing after login: each role starts where its day starts (角色首页)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from huying.org.models import Role
from huying.workbench.access import staff

# role → the page it lands on; everyone else lands on their unit's queues.
ROLE_HOME: dict[str, str] = {
    Role.OPERATOR: "console:hotline",  # the next call is already ringing
    Role.GRID_WORKER: "work:grid",  # a phone page: my grid's open cases, patrol, report
    Role.LEADER: "work:screen",  # the overview first; queues are one click away
    Role.ADMIN: "admin:index",
}


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponseBase:
    user = staff(request)
    if user.is_superuser and not user.role:
        return redirect("admin:index")
    return redirect(ROLE_HOME.get(user.role, "work:queues"))
