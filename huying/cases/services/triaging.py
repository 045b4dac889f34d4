"""Triage at intake and after it (研判): suggestions recorded per case, the category trusted above a confidence,
the duplicate filter's verdict (自动并单 or 疑似重复), and a person's correction (改类) or answer (非重复)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.duplicates import duplicate_policy, duplicates_find
from huying.cases.models import Case, CaseEvent, CaseTriage, CategorySource, DuplicateDecision, TriageOutcome
from huying.cases.permissions import require_may
from huying.cases.services._core import case_apply
from huying.cases.workflow import ACTIVE
from huying.catalog.models import Category
from huying.lib.errors import InvalidInput
from huying.org.models import User
from huying.triage.assess import Assessment, Suggestion
from huying.triage.duplicates import Score
from huying.triage.models import TriageSettings

EVIDENCE_KEPT = 5  # candidates kept on the record for the operator


@dataclass(frozen=True)
class Settled:
    category: Category | None
    source: str
    outcome: str


def category_settle(*, given: Category | None, by: User | None, upstream_source: str,
                    assessment: Assessment | None, settings: TriageSettings) -> Settled:
    """The category the case starts with: the one given, else the top suggestion when it is trusted enough."""
    if given is not None:
        source = CategorySource.UPSTREAM if upstream_source else (
            CategorySource.STAFF if by is not None else CategorySource.REPORTER)
        return Settled(given, source, TriageOutcome.GIVEN)
    top = assessment.categories[0] if assessment and assessment.categories else None
    if top is None or not settings.auto_classify or top.confidence < settings.min_confidence:
        return Settled(None, "", TriageOutcome.WAITING)
    assert assessment is not None
    category = Category.objects.filter(pk=top.pk, active=True).first()  # the label cache is a minute old at most
    if category is None:
        return Settled(None, "", TriageOutcome.WAITING)
    source = CategorySource.MODEL if assessment.method == "model" else CategorySource.KEYWORDS
    return Settled(category, source, TriageOutcome.AUTO)


def triage_record(*, case: Case, assessment: Assessment, settled: Settled) -> CaseTriage:
    top = assessment.categories[0].pk if assessment.categories else None
    corrected = None if settled.outcome != TriageOutcome.GIVEN or top is None else case.category_id != top
    return CaseTriage.objects.create(
        case=case, method=assessment.method, model_version=assessment.model_version,
        categories=_suggestions(assessment.categories), request_types=_suggestions(assessment.request_types),
        confidence=assessment.confidence, outcome=settled.outcome,
        urgent=[{"danger": u.danger, "evidence": u.evidence} for u in assessment.urgent],
        place=_place(assessment),
        corrected=corrected, milliseconds=round(assessment.seconds * 1000, 2), created_at=case.created_at)


def _place(assessment: Assessment) -> dict:
    place = assessment.place
    if place is None:
        return {}
    return {"how": place.how, "grid": place.grid.pk, "building": place.building.pk if place.building else None,
            "evidence": place.evidence, "score": place.score, "unit_detail": place.unit_detail}


def _suggestions(found: list[Suggestion]) -> list[dict]:
    return [{"id": s.pk, "code": s.code, "p": s.confidence} for s in found]


def duplicates_settle(*, case: Case, record: CaseTriage, settings: TriageSettings, may_merge: bool) -> Case | None:
    """Run the duplicate filter on a new case: merge it (returning the case it joined) or flag it for a person.
    Without `may_merge` (urgent matters, cases their caller settles at once) it only flags."""
    if not settings.duplicate_filter:
        return None
    policy = duplicate_policy(settings)
    found = duplicates_find(case=case, policy=policy)
    if not found:
        return None
    record.duplicates = [_evidence(old, score) for old, score in found[:EVIDENCE_KEPT]]
    best, score = found[0]
    if settings.auto_merge and may_merge and score.value >= policy.merge_score:
        target = Case.objects.select_for_update(of=("self",)).filter(pk=best.pk, status__in=ACTIVE).first()
        if target is not None:
            _merge_automatically(case=case, into=target, score=score)
            record.duplicate_decision = DuplicateDecision.MERGED
            record.save(update_fields=["duplicates", "duplicate_decision"])
            return target
    case_flag_duplicate(case=case, candidates=record.duplicates)
    record.duplicate_decision = DuplicateDecision.POSSIBLE
    record.save(update_fields=["duplicates", "duplicate_decision"])
    return None


def case_flag_duplicate(*, case: Case, candidates: list[dict]) -> CaseEvent:
    """The filter's doubt in the audit trail (疑似重复): the candidates with their scores and evidence."""
    return case_apply(case=case, action="possible_duplicate", by=None, data={"candidates": candidates})


def _evidence(old: Case, score: Score) -> dict:
    return {"number": old.number, "score": round(score.value, 3), "evidence": score.evidence}


def _merge_automatically(*, case: Case, into: Case, score: Score) -> None:
    data = {"into": into.number, "auto": True, "score": round(score.value, 3), "evidence": score.evidence}
    case_apply(case=case, action="merge", by=None, unit=into.current_unit, merged_into=into, data=data)
    CaseEvent.objects.create(case=into, action="merge_in", actor=None, actor_unit=None, from_status=into.status,
                             to_status=into.status, data={"from": case.number, "auto": True},
                             created_at=timezone.now())


@transaction.atomic
def case_reclassify(*, case: Case, category: Category, by: User, note: str = "",
                    version: int | None = None) -> Case:
    """A person settles the category (改类, or confirms it by choosing the same one); it trains the next model."""
    require_may(by, case, "reclassify")
    if not category.active:
        raise InvalidInput(_("该分类已停用"), field="category")
    record = CaseTriage.objects.filter(case=case).first()
    suggested = record.categories[0]["code"] if record and record.categories else None
    data = {"from": case.category.code if case.category else None, "to": category.code, "suggested": suggested,
            "model": record.model_version if record else ""}
    case_apply(case=case, action="reclassify", by=by, version=version, note=note, category=category,
               category_source=CategorySource.STAFF, data=data)
    if record is not None and record.categories:
        record.corrected = category.pk != record.categories[0]["id"]
        record.save(update_fields=["corrected"])
    return case


@transaction.atomic
def case_not_duplicate(*, case: Case, by: User, note: str = "", version: int | None = None) -> Case:
    """A person answers the filter's doubt: this case is its own matter (非重复)."""
    require_may(by, case, "not_duplicate")
    case_apply(case=case, action="not_duplicate", by=by, version=version, note=note)
    CaseTriage.objects.filter(case=case).update(duplicate_decision=DuplicateDecision.DISMISSED)
    return case
