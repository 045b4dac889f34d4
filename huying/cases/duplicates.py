"""The duplicate filter over the cases (案件过滤器): the candidates come from the database, the scoring from
triage. Candidates are the cases of the last `window_hours` in the same grid (which holds the same building),
or, when the place is unknown, of the same category; merged and invalid cases are never candidates.
"""

import datetime as dt
from dataclasses import replace

from huying.cases.models import Case
from huying.cases.workflow import ACTIVE, Status
from huying.catalog.models import Category
from huying.geo.places import PlaceMatch
from huying.lib.fresh import Fresh
from huying.triage.assess import classify_text
from huying.triage.duplicates import DuplicatePolicy, Item, Score, duplicate_score
from huying.triage.models import TriageSettings

CANDIDATE_LIMIT = 200  # the newest ones: a place with more cases than this in the window is a hot spot anyway
HITS_KEPT = 10  # the best candidates read in full (for the record and the operator); the rest only scored
# Plain rows, not model instances: a new case scores up to CANDIDATE_LIMIT of them within its 20 ms budget.
ROW = ("number", "title", "description", "category_id", "lat", "lon", "building_id", "grid_id", "status",
       "created_at", "resolved_at", "closed_at")


def _category_families() -> dict[int, int]:
    """Category → its top-level ancestor (一级分类): "similar category" for the filter means the same family, so
    a model's broader guess or a sub-category chosen differently still counts as the same kind of problem."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    families = {}
    for pk in parents:
        root = pk
        while parents.get(root) is not None:
            root = parents[root]
        families[pk] = root
    return families


FAMILIES: Fresh[dict[int, int]] = Fresh(_category_families, ttl=60)


def duplicate_policy(settings: TriageSettings) -> DuplicatePolicy:
    return DuplicatePolicy(window_hours=settings.window_hours, distance_m=settings.distance_m,
                           merge_score=settings.merge_score, suggest_score=settings.suggest_score)


def duplicate_item(case: Case) -> Item:
    """The new case; one placed by its address stands at its building's point, so the distance to candidates
    with coordinates is known (and far ones drop out before their words are compared)."""
    item = _item(*(getattr(case, name) for name in ROW))
    building = case.building if Case.building.is_cached(case) else None  # never a query for it
    if item.lat is None and building is not None and building.lat is not None and building.lon is not None:
        return replace(item, lat=building.lat, lon=building.lon)
    return item


def _item(number: str, title: str, description: str, category_id: int | None, lat: float | None,
          lon: float | None, building_id: int | None, grid_id: int | None, status: str, created_at: dt.datetime,
          resolved_at: dt.datetime | None, closed_at: dt.datetime | None) -> Item:
    """A case as the filter sees it; a finished case counts as open until it was resolved."""
    finished = None if status in ACTIVE else (resolved_at or closed_at or created_at)
    family = FAMILIES.get().get(category_id) if category_id else None
    return Item(key=number, at=created_at, text=classify_text(title, description),
                category=str(family or category_id) if category_id else None, lat=lat, lon=lon,
                building=str(building_id) if building_id else None, grid=str(grid_id) if grid_id else None,
                open_until=finished)


def duplicate_candidates(*, case: Case, policy: DuplicatePolicy) -> list[Item]:
    since = case.created_at - dt.timedelta(hours=policy.window_hours)
    found = Case.objects.filter(created_at__gte=since, created_at__lte=case.created_at).exclude(pk=case.pk)
    if case.grid_id is not None:
        found = found.filter(grid_id=case.grid_id)
    elif case.category_id is not None:  # no place: the same family of problems (一级分类), as scored
        families = FAMILIES.get()
        root = families.get(case.category_id, case.category_id)
        found = found.filter(category_id__in=[pk for pk, family in families.items() if family == root])
    else:
        return []
    found = found.exclude(status__in=(Status.MERGED, Status.INVALID))
    return [_item(*row) for row in found.order_by("-created_at").values_list(*ROW)[:CANDIDATE_LIMIT]]


def duplicates_find(*, case: Case, policy: DuplicatePolicy) -> list[tuple[Case, Score]]:
    """Candidates that score at least the suggestion threshold, best first."""
    new = duplicate_item(case)
    scored = [score for old in duplicate_candidates(case=case, policy=policy)
              if (score := duplicate_score(new, old, policy, floor=policy.suggest_score)) is not None
              and score.value >= policy.suggest_score]
    scored.sort(key=lambda score: -score.value)
    scored = scored[:HITS_KEPT]
    cases = Case.objects.in_bulk([score.key for score in scored], field_name="number")
    return [(cases[score.key], score) for score in scored if score.key in cases]


def duplicates_preview(*, title: str, description: str, category_id: int | None, lat: float | None,
                       lon: float | None, place: PlaceMatch | None, policy: DuplicatePolicy,
                       now: dt.datetime) -> list[tuple[Case, Score]]:
    """The filter run on a request still being typed (the operator console): nothing is written.

    Callers show only what the user may see (cases_visible_to): the filter itself knows no scope.
    """
    draft = Case(title=title, description=description, category_id=category_id, lat=lat, lon=lon,
                 grid=place.grid if place else None, building=place.building if place else None,
                 status=Status.RECEIVED, created_at=now)
    return duplicates_find(case=draft, policy=policy)
