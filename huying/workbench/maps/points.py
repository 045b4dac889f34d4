"""Cases as map points (compact rows) and as heat (counts per small cell), both from one filtered queryset.

A district has tens of thousands of cases a month: markers are capped to the newest MAX_POINTS (the page
says so when it cut), while the heat layer is counted by the database over every matching case.
A case with coordinates is drawn where it is; one placed only by address is drawn at a point inside its
grid (so it still counts where it belongs); a case with no place at all is not drawn.
"""

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Round
from django.utils import timezone

from huying.cases.models import Case, Urgency
from huying.cases.overdue import TIMED
from huying.workbench.maps.areas import grid_centres

MAX_POINTS = 5000  # markercluster stays smooth with a few thousand; beyond that the heat layer tells the story
HEAT_DECIMALS = 3  # cells of 0.001° (about 100 m): fine enough for a street, coarse enough to aggregate
TITLE_CHARS = 40
URGENCY_CODE: dict[str, int] = {Urgency.NORMAL: 0, Urgency.URGENT: 1, Urgency.EMERGENCY: 2}

# One row per case, in this order (the page reads the field list rather than guessing).
FIELDS = ["number", "lat", "lon", "status", "overdue", "urgency", "title", "created"]


def case_points(qs: QuerySet[Case]) -> dict:
    """{"fields", "rows", "total", "shown", "unplaced"}: the newest matching cases with a place."""
    now = timezone.now()
    rows = list(qs.filter(_placed()).order_by("-created_at").values_list(
        "number", "lat", "lon", "grid_id", "status", "urgency", "response_due_at", "responded_at",
        "completion_due_at", "title", "created_at",
    )[:MAX_POINTS])
    centres = grid_centres() if any(r[1] is None for r in rows) else {}
    out = []
    for number, lat, lon, grid_id, status, urgency, response_due, responded, completion_due, title, created in rows:
        if lat is None or lon is None:
            lat, lon = centres.get(grid_id, (None, None))
            if lat is None:
                continue  # a grid without a boundary: nowhere to draw it
        due = (response_due if responded is None else completion_due) if status in TIMED else None
        overdue = int(due is not None and due < now)  # as cases.overdue defines it, on a values row
        out.append([number, lat, lon, status, overdue, URGENCY_CODE.get(urgency, 0), title[:TITLE_CHARS],
                    int(created.timestamp())])
    total = qs.filter(_placed()).count() if len(rows) == MAX_POINTS else len(rows)
    return {"fields": FIELDS, "rows": out, "total": total, "shown": len(out), "cap": MAX_POINTS}


def heat_cells(qs: QuerySet[Case]) -> dict:
    """{"cells": [[lat, lon, count], …], "max": the count drawn hottest}: matching cases counted per ~100 m cell."""
    base = qs.order_by()  # the model's default ordering would join created_at into the GROUP BY
    exact = (base.filter(lat__isnull=False, lon__isnull=False)
             .annotate(cell_lat=Round("lat", HEAT_DECIMALS), cell_lon=Round("lon", HEAT_DECIMALS))
             .values_list("cell_lat", "cell_lon").annotate(n=Count("pk")))
    cells: dict[tuple[float, float], int] = {}
    for lat, lon, n in exact:
        key = (float(lat), float(lon))  # PostgreSQL rounds as numeric: Decimal back
        cells[key] = cells.get(key, 0) + n
    by_grid = list(base.filter(lat__isnull=True, grid__isnull=False).values_list("grid_id").annotate(n=Count("pk")))
    centres = grid_centres() if by_grid else {}
    for grid_id, n in by_grid:
        if grid_id in centres:
            key = centres[grid_id]
            cells[key] = cells.get(key, 0) + n
    rows = [[lat, lon, n] for (lat, lon), n in cells.items()]
    return {"cells": rows, "max": _scale(sorted(cells.values()))}


def _scale(counts: list[int]) -> int:
    """The count drawn at full heat: the 95th percentile, so one very busy cell does not wash out the rest."""
    return counts[int(0.95 * (len(counts) - 1))] if counts else 0


def _placed() -> Q:
    return Q(lat__isnull=False, lon__isnull=False) | Q(grid__isnull=False)
