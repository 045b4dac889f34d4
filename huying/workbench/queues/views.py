"""/work/queues/ (工单队列) and /work/grid/ (the grid worker's phone page, 我的网格)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponseBase, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from huying.cases.exporting import FORMATS
from huying.cases.models import Case
from huying.cases.workflow import ACTIVE
from huying.org.models import Role
from huying.proactive.services import patrol_open
from huying.workbench.access import staff, staff_required
from huying.workbench.queues.filters import Options, QueueFilterForm, filter_selects, filters_apply, options_for
from huying.workbench.queues.paging import SORTS, BadCursor
from huying.workbench.queues.rows import ROW_FIELDS, ROW_RELATED, rows_of
from huying.workbench.queues.search import page_matching
from huying.workbench.queues.tabs import BY_KEY, Scope, Tab, tab_counts, tabs_for

GRID_PAGE_LIMIT = 100


@dataclass
class Listing:
    """A queue as the URL asks for it: the tab, the checked filters, and its cases before search and paging."""

    scope: Scope
    now: dt.datetime
    tabs: list[Tab]
    tab: Tab
    options: Options
    form: QueueFilterForm
    chosen: dict[str, Any]
    problems: list[str]
    cases: QuerySet[Case]


def queue_listing(request: HttpRequest) -> Listing:
    """The list the user sees on /work/queues/ with these parameters (the export takes the very same)."""
    scope, now = Scope.of(staff(request)), timezone.now()
    tabs = tabs_for(scope)
    options = options_for(scope)
    form = QueueFilterForm(request.GET, options=options, tabs=tabs)
    chosen, problems = form.chosen(), form.problems()
    tab = BY_KEY[chosen["tab"]]
    if chosen["sort"] not in tab.sorts:
        chosen["sort"] = tab.sorts[0]  # a sort kept from another tab's URL
    cases = filters_apply(tab.cases(scope, now), chosen, options, now)
    return Listing(scope, now, tabs, tab, options, form, chosen, problems, cases)


@never_cache  # queues change by the minute
@require_GET
@staff_required()
def queues(request: HttpRequest) -> HttpResponseBase:
    listing = queue_listing(request)
    chosen, problems, now = listing.chosen, listing.problems, listing.now
    qs = listing.cases.select_related(*ROW_RELATED).only(*ROW_FIELDS)
    try:
        page = page_matching(qs, chosen["q"] or "", SORTS[chosen["sort"]], chosen["after"])
    except BadCursor:
        problems.append(_("分页位置：无法识别，已回到第一页"))
        page = page_matching(qs, chosen["q"] or "", SORTS[chosen["sort"]], None)
    counts = tab_counts(listing.scope, listing.tabs, now)
    partial = bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")
    export = reverse("work:queues_export")
    response = render(request, "workbench/queues/_partial.html" if partial else "workbench/queues/queues.html", {
        "tabs": [(t, query_with(request.GET, tab=t.key), counts.get(t.key)) for t in listing.tabs],
        "tab": listing.tab, "form": listing.form, "chosen": chosen, "problems": problems,
        "rows": rows_of(page.cases, now),
        "selects": filter_selects(listing.options, chosen, [(k, SORTS[k].label) for k in listing.tab.sorts]),
        "next_url": query_with(request.GET, after=page.next_cursor) if page.next_cursor else None,
        "first_url": query_with(request.GET, after=None) if chosen["after"] else None,
        "export_urls": {fmt: export + query_with(request.GET, after=None, format=fmt) for fmt in FORMATS},
    })
    patch_vary_headers(response, ["HX-Request"])
    return response


def query_with(params: QueryDict, **changes: str | None) -> str:
    """This page's URL with some parameters changed (None removes one); a new tab starts on its first page."""
    query = params.copy()
    if "tab" in changes:
        query.pop("after", None)
    for name, value in changes.items():
        query.pop(name, None)
        if value:
            query[name] = value
    return "?" + query.urlencode()


@never_cache
@require_GET
@staff_required({Role.GRID_WORKER})
def grid(request: HttpRequest) -> HttpResponseBase:
    """My grid's open cases, most urgent and soonest due first, with the patrol buttons above them."""
    user, now = staff(request), timezone.now()
    cases: list[Case] = []
    if user.unit is not None:
        qs = Case.objects.filter(Q(grid=user.unit) | Q(current_unit=user.unit), status__in=ACTIVE)
        qs = SORTS["deadline"].annotate(SORTS["urgency"].annotate(qs))
        cases = list(qs.select_related(*ROW_RELATED).only(*ROW_FIELDS).order_by("urgency_rank", "running_due", "pk")
                     [: GRID_PAGE_LIMIT + 1])
    return render(request, "workbench/queues/grid.html", {
        "rows": rows_of(cases[:GRID_PAGE_LIMIT], now), "more": len(cases) > GRID_PAGE_LIMIT,
        "patrol": patrol_open(user) if user.role == Role.GRID_WORKER else None,
    })
