"""/work/queues/ (工单队列) and /work/grid/ (the grid worker's phone page, 我的网格)."""

from django.db.models import Q
from django.http import HttpRequest, HttpResponseBase, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from huying.cases.models import Case
from huying.cases.workflow import ACTIVE
from huying.org.models import Role
from huying.proactive.services import patrol_open
from huying.workbench.access import staff, staff_required
from huying.workbench.queues.filters import QueueFilterForm, filter_selects, filters_apply, options_for
from huying.workbench.queues.paging import SORTS, BadCursor
from huying.workbench.queues.rows import ROW_FIELDS, ROW_RELATED, rows_of
from huying.workbench.queues.search import page_matching
from huying.workbench.queues.tabs import BY_KEY, Scope, tab_counts, tabs_for

GRID_PAGE_LIMIT = 100


@never_cache  # queues change by the minute
@require_GET
@staff_required()
def queues(request: HttpRequest) -> HttpResponseBase:
    scope, now = Scope.of(staff(request)), timezone.now()
    tabs = tabs_for(scope)
    options = options_for(scope)
    form = QueueFilterForm(request.GET, options=options, tabs=tabs)
    chosen, problems = form.chosen(), form.problems()
    tab = BY_KEY[chosen["tab"]]
    if chosen["sort"] not in tab.sorts:
        chosen["sort"] = tab.sorts[0]  # a sort kept from another tab's URL
    qs = filters_apply(tab.cases(scope, now), chosen, options, now).select_related(*ROW_RELATED).only(*ROW_FIELDS)
    try:
        page = page_matching(qs, chosen["q"] or "", SORTS[chosen["sort"]], chosen["after"])
    except BadCursor:
        problems.append(_("分页位置：无法识别，已回到第一页"))
        page = page_matching(qs, chosen["q"] or "", SORTS[chosen["sort"]], None)
    counts = tab_counts(scope, tabs, now)
    partial = bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")
    response = render(request, "workbench/queues/_partial.html" if partial else "workbench/queues/queues.html", {
        "tabs": [(t, _query(request.GET, tab=t.key), counts.get(t.key)) for t in tabs],
        "tab": tab, "form": form, "chosen": chosen, "problems": problems, "rows": rows_of(page.cases, now),
        "selects": filter_selects(options, chosen, [(k, SORTS[k].label) for k in tab.sorts]),
        "next_url": _query(request.GET, after=page.next_cursor) if page.next_cursor else None,
        "first_url": _query(request.GET, after=None) if chosen["after"] else None,
    })
    patch_vary_headers(response, ["HX-Request"])
    return response


def _query(params: QueryDict, **changes: str | None) -> str:
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
