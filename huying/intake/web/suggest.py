"""Suggestions on the resident form while the request is typed: the likeliest categories the form offers, and
whether the words describe an emergency. Only that: a resident never learns anything about other cases, so
neither duplicates nor places are looked up here. Counted per address, like the other public endpoints."""

from typing import Any

from django.http import HttpRequest

from huying.catalog.models import Category
from huying.intake.web.forms import category_choices, localised_name
from huying.intake.web.triage_words import danger_label, percent
from huying.lib import ratelimit
from huying.triage.assess import triage_assess

SUGGEST_LIMIT = "suggest_ip"  # typing sends one request per pause: a long description takes a few dozen


def suggest_allowed(request: HttpRequest) -> bool:
    return ratelimit.rate_hit(SUGGEST_LIMIT, ratelimit.client_ip(request))


def resident_suggestions(description: str) -> dict[str, Any]:
    """Categories (those the form's select offers, likeliest first, with confidence %) and the urgency hint."""
    assessment = triage_assess(description=description)
    offered = set(category_choices()[0])
    wanted = [s for s in assessment.categories if s.pk in offered]
    named = Category.objects.in_bulk([s.pk for s in wanted])
    return {
        "categories": [{"id": s.pk, "name": localised_name(named[s.pk]), "confidence": percent(s.confidence)}
                       for s in wanted if s.pk in named],
        "urgent": bool(assessment.urgent),
        "dangers": sorted({danger_label(u.danger) for u in assessment.urgent}),
    }
