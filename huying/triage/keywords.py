"""Cold start (冷启动): before any model is trained, the catalogue's own keywords suggest a category.

Each active category's keywords (comma, 、 or blank separated) that occur in the text add their length to its
score. A rule-based guess should never look certain: the confidence is the score over the total plus a fixed
doubt, so one short keyword alone stays below the default threshold and the case waits for a person, while
several keywords pointing the same way pass it.
"""

import re
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from huying.catalog.models import Category
from huying.lib.fresh import Fresh

DOUBT = 4  # characters of keyword evidence that count against any one guess
SEPARATORS = re.compile(r"[,，、;；\s]+")


@dataclass(frozen=True)
class KeywordHit:
    category_id: int
    confidence: float
    words: tuple[str, ...]


def _keyword_table() -> list[tuple[int, tuple[str, ...]]]:
    rows = Category.objects.filter(active=True).exclude(keywords="").values_list("pk", "keywords")
    return [(pk, tuple(w for w in SEPARATORS.split(words) if len(w) >= 2)) for pk, words in rows]


KEYWORDS: Fresh[list[tuple[int, tuple[str, ...]]]] = Fresh(_keyword_table, ttl=60)


def keywords_suggest(text: str, *, k: int = 3) -> list[KeywordHit]:
    """The `k` categories whose keywords the text names most, likeliest first; empty when none match."""
    found = []
    for category_id, words in KEYWORDS.get():
        matched = tuple(w for w in words if w in text)
        if matched:
            found.append((sum(len(w) for w in matched), category_id, matched))
    total = sum(score for score, _id, _words in found) + DOUBT
    found.sort(key=lambda hit: (-hit[0], hit[1]))
    return [KeywordHit(category_id, round(score / total, 4), words) for score, category_id, words in found[:k]]


@receiver([post_save, post_delete], sender=Category, dispatch_uid="triage.keywords_changed")
def _keywords_changed(**_kwargs: object) -> None:
    KEYWORDS.forget()
