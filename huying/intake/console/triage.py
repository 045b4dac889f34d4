"""Triage while the call is typed (研判): the likeliest categories, the dangers heard, the place found, and the
open cases this call may repeat (疑似重复) — among those the operator may see. Nothing is written."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.duplicates import duplicate_policy, duplicates_preview
from huying.cases.models import Case
from huying.cases.selectors import cases_visible_to
from huying.catalog.models import Category
from huying.geo.places import PlaceMatch
from huying.intake.web.triage_words import danger_label, evidence_words, method_label, percent, place_how_label
from huying.org.models import User
from huying.triage.assess import Assessment, triage_assess
from huying.triage.duplicates import Score
from huying.triage.models import TriageSettings

DUPLICATES_SHOWN = 5


@dataclass(frozen=True)
class Draft:
    """What the operator has typed so far."""

    description: str
    address: str = ""
    category_id: int | None = None


def desk_triage(*, user: User, draft: Draft) -> dict[str, Any]:
    """The console's triage answer as JSON-ready data."""
    settings = TriageSettings.current()
    assessment = triage_assess(description=draft.description, address=draft.address)
    return {
        "method": assessment.method,
        "model_version": assessment.model_version,
        "method_label": method_label(assessment.method, assessment.model_version),
        "categories": _categories(assessment),
        "trust_note": _trust_note(assessment, settings),
        "urgent": [{"danger": u.danger, "label": danger_label(u.danger), "evidence": u.evidence}
                   for u in assessment.urgent],
        "place": _place(assessment.place),
        "duplicates": _duplicates(user, draft, assessment, settings) if settings.duplicate_filter else [],
    }


def _trust_note(assessment: Assessment, settings: TriageSettings) -> str:
    """What happens if the operator leaves the category empty: classified by the suggestion, or a person's turn."""
    if not assessment.categories:
        return ""
    if settings.auto_classify and assessment.confidence >= settings.min_confidence:
        return _("未选分类时，将按首选建议自动分类")
    return _("首选置信度低于 %(p)d%%：未选分类时，工单待人工研判") % {"p": percent(settings.min_confidence)}


def _categories(assessment: Assessment) -> list[dict[str, Any]]:
    named = Category.objects.in_bulk([s.pk for s in assessment.categories])
    return [{"id": s.pk, "code": s.code, "name": named[s.pk].local_name, "confidence": percent(s.confidence)}
            for s in assessment.categories if s.pk in named]


def _place(place: PlaceMatch | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {"building": place.building.name if place.building else "", "grid": place.grid.local_name,
            "how": place.how, "how_label": place_how_label(place.how)}


def _duplicates(user: User, draft: Draft, assessment: Assessment, settings: TriageSettings) -> list[dict[str, Any]]:
    # Without a category chosen, the likeliest one narrows the search when no place was found.
    category_id = draft.category_id or (assessment.categories[0].pk if assessment.categories else None)
    found = duplicates_preview(title="", description=draft.description, category_id=category_id, lat=None, lon=None,
                               place=assessment.place, policy=duplicate_policy(settings), now=timezone.now())
    # The filter knows no scope: only cases this operator may open are named (an outsider learns nothing).
    visible = set(cases_visible_to(user).filter(pk__in=[case.pk for case, _score in found])
                  .values_list("pk", flat=True))
    return [_duplicate(case, score) for case, score in found if case.pk in visible][:DUPLICATES_SHOWN]


def _duplicate(case: Case, score: Score) -> dict[str, Any]:
    evidence = score.evidence
    return {
        "number": case.number, "title": case.title, "status": case.status,
        "status_label": str(case.get_status_display()), "url": reverse("work:case", args=[case.number]),
        "score": percent(score.value), "score_label": _("重复度 %(p)d%%") % {"p": percent(score.value)},
        "evidence": evidence_words(evidence),
        "distance_m": evidence.get("distance_m"), "hours_apart": evidence.get("hours_apart"),
        "text_similarity": evidence.get("text_similarity"),
        "created_at": timezone.localtime(case.created_at).strftime("%Y-%m-%d %H:%M"),
    }

