"""One new request, understood (研判): its likeliest categories and request types with their confidence, the
dangers it describes, and where it is. Pure reading — nothing is written; the case service records the result.

The duplicate search needs the open cases, so it lives with them (huying/cases/duplicates.py) and uses the
scoring in `duplicates.py` here.
"""

import time
from dataclasses import dataclass, field

from huying.catalog.models import Category, RequestType
from huying.geo.places import PlaceMatch, place_resolve
from huying.lib.fresh import Fresh
from huying.triage.keywords import keywords_suggest
from huying.triage.models import Target
from huying.triage.store import model_active
from huying.triage.urgency import Urgent, urgency_detect

TOP = 3


@dataclass(frozen=True)
class Suggestion:
    pk: int  # the Category's or RequestType's primary key
    code: str
    confidence: float


@dataclass(frozen=True)
class Assessment:
    categories: list[Suggestion]
    request_types: list[Suggestion]
    method: str  # "model", "keywords", or "" when nothing could be suggested
    model_version: str
    urgent: list[Urgent]
    place: PlaceMatch | None
    seconds: float = 0.0
    keywords: tuple[str, ...] = field(default=())

    @property
    def confidence(self) -> float:
        return self.categories[0].confidence if self.categories else 0.0


def classify_text(title: str, description: str) -> str:
    """What the classifier reads for a case: the title (often the gist) and the words."""
    return f"{title}\n{description}" if title and not description.startswith(title) else description


def triage_assess(*, title: str = "", description: str, address: str = "", lat: float | None = None,
                  lon: float | None = None) -> Assessment:
    """Categories (top 3), request types (top 3, when a model is trained for them), urgency and place."""
    started = time.perf_counter()
    text = classify_text(title, description)
    categories, method, version, words = _categories(text)
    request_types = _request_types(text)
    place = place_resolve(lat=lat, lon=lon, address=address, text=text)
    return Assessment(categories=categories, request_types=request_types, method=method, model_version=version,
                      urgent=urgency_detect(text), place=place, seconds=time.perf_counter() - started,
                      keywords=words)


def _categories(text: str) -> tuple[list[Suggestion], str, str, tuple[str, ...]]:
    model = model_active(Target.CATEGORY)
    if model is not None:
        return _known(model.top([text], k=len(model.classes))[0], CATEGORIES.get()), "model", model.version, ()
    hits = keywords_suggest(text, k=TOP)
    codes = dict(CATEGORIES.get().values())
    found = [Suggestion(h.category_id, codes[h.category_id], h.confidence) for h in hits if h.category_id in codes]
    words = tuple(w for h in hits[:1] for w in h.words)
    return found, ("keywords" if found else ""), "", words


def _request_types(text: str) -> list[Suggestion]:
    model = model_active(Target.REQUEST_TYPE)
    if model is None:
        return []
    return _known(model.top([text], k=len(model.classes))[0], REQUEST_TYPES.get())


def _known(ranked: list[tuple[str, float]], lookup: dict[str, tuple[int, str]]) -> list[Suggestion]:
    """The model's labels that name something in the catalogue (by code or by name), likeliest first."""
    found = []
    for label, confidence in ranked:
        known = lookup.get(label)
        if known is not None:
            found.append(Suggestion(known[0], known[1], round(confidence, 4)))
        if len(found) == TOP:
            break
    return found


def _label_lookup(rows: list[tuple[int, str, str, str]]) -> dict[str, tuple[int, str]]:
    """Label → (pk, code): a model trained on cases uses codes, one trained on a spreadsheet may use names."""
    lookup: dict[str, tuple[int, str]] = {}
    for pk, code, name, name_en in rows:
        for label in (name_en, name, code):  # the code wins a clash: it is written last
            if label:
                lookup[label] = (pk, code)
    return lookup


CATEGORIES: Fresh[dict[str, tuple[int, str]]] = Fresh(
    lambda: _label_lookup(list(Category.objects.filter(active=True).values_list("pk", "code", "name", "name_en"))),
    ttl=60)
REQUEST_TYPES: Fresh[dict[str, tuple[int, str]]] = Fresh(
    lambda: _label_lookup(list(RequestType.objects.values_list("pk", "code", "name", "name_en"))), ttl=60)
