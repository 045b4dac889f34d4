"""/work/queues/export/ (导出): the queue the user sees, with its filters and search, as Excel or CSV for analysis.

The rows are what huying.cases.exporting writes: no reporter name or phone, personal data in texts masked.
The scope is the queue's own (the tab's cases, cases_visible_to for 全部工单), so nobody exports a case they
could not open. Past EXPORT_MAX_ROWS the export is refused with a message rather than tying up a worker for
minutes; the command line (`huying cases_export`) has no such limit.
"""

import tempfile

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from huying.cases.exporting import csv_lines, export_audit, xlsx_write
from huying.workbench.access import staff, staff_required
from huying.workbench.queues.paging import SORTS
from huying.workbench.queues.search import cases_matching
from huying.workbench.queues.views import Listing, query_with, queue_listing

EXPORT_MAX_ROWS = 100_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@never_cache
@require_GET
@staff_required()
def export(request: HttpRequest) -> HttpResponseBase:
    listing = queue_listing(request)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    matching = cases_matching(listing.cases, listing.chosen["q"] or "")
    rows = matching.order_by()[: EXPORT_MAX_ROWS + 1].count()  # bounded: never a COUNT over the whole history
    if rows > EXPORT_MAX_ROWS:
        messages.warning(request, _("符合条件的工单超过 %(max)s 条，网页不能导出这么多。请缩小筛选范围（例如创建日期）"
                                    "后再导出，或请系统管理员用命令 cases_export 导出。") % {"max": EXPORT_MAX_ROWS})
        return redirect(reverse("work:queues") + query_with(request.GET, format=None))
    _audit(request, listing, fmt, rows)
    sort = SORTS[listing.chosen["sort"]]
    ordered = sort.order(sort.annotate(matching))  # the order of the list on screen
    filename = f"huying-cases-{timezone.localtime(listing.now):%Y%m%d-%H%M}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(ordered), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # openpyxl writes the workbook's parts to temporary files and zips them at the end: it cannot stream.
    target = tempfile.TemporaryFile()  # FileResponse closes it when the download ends
    xlsx_write(ordered, target)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def _audit(request: HttpRequest, listing: Listing, fmt: str, rows: int) -> None:
    user = staff(request)
    unit = user.unit.code if user.unit else "-"
    filters = {name: value for name, value in listing.chosen.items() if name not in ("after", "sort")}
    export_audit(actor=f"user:{user.pk}:{user.get_username()} role={user.role or '-'} unit={unit}", fmt=fmt,
                 rows=rows, filters=filters)
