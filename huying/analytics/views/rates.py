"""/work/rates/: the three rates (三率) of the viewer's unit, the published rankings with their red and black
lists (红黑榜), and the cases behind every number (明细)."""

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from huying.analytics.views.pages import cases_page, overview_page, ranking_page
from huying.org.access import role_required, staff_of
from huying.org.models import Role

# The rankings are published: every staff role reads them (which cases each may open, the selectors decide).
RATES_ROLES = frozenset(Role.values)


@never_cache  # the worker moves the figures by the minute
@require_GET
@role_required(RATES_ROLES)
def overview(request: HttpRequest) -> HttpResponseBase:
    return render(request, "analytics/overview.html", overview_page(staff_of(request), request.GET))


@never_cache
@require_GET
@role_required(RATES_ROLES)
def ranking(request: HttpRequest) -> HttpResponseBase:
    return render(request, "analytics/ranking.html", ranking_page(staff_of(request), request.GET))


@never_cache
@require_GET
@role_required(RATES_ROLES)
def cases(request: HttpRequest) -> HttpResponseBase:
    return render(request, "analytics/cases.html", cases_page(staff_of(request), request.GET))
