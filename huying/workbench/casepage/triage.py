"""The case page's 研判 panel: what triage suggested when the case came in, by which model version, what became
of it, the dangers and the place it found, and the possible duplicates (疑似重复) this user may open."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from huying.cases.models import Case, CaseTriage, DuplicateDecision
from huying.cases.selectors import cases_visible_to
from huying.cases.workflow import ACTIVE
from huying.catalog.models import Category
from huying.geo.models import Building
from huying.intake.web.triage_words import danger_label, evidence_words, method_label, percent, place_how_label
from huying.org.models import Unit, User


@dataclass(frozen=True)
class Suggested:
    pk: int
    name: str  # "code name"; the code alone when the category was deleted since
    confidence: int  # percent
    current: bool  # the case's category now


@dataclass(frozen=True)
class PossibleDuplicate:
    case: Case
    score: int  # percent
    evidence: list[str]


@dataclass
class TriagePanel:
    record: CaseTriage
    method: str
    suggestions: list[Suggested]
    urgent: list[tuple[str, str]]  # (danger, the words that showed it)
    place: str
    duplicates: list[PossibleDuplicate] = field(default_factory=list)
    unseen: int = 0  # possible duplicates this user may not open: counted, never named
    open_question: bool = False  # flagged as a possible duplicate, unanswered, and the case still active

    @property
    def correction(self) -> str:
        if self.record.corrected is None:
            return ""
        return _("人工改类") if self.record.corrected else _("人工确认首选建议")


def triage_panel(user: User, case: Case) -> TriagePanel | None:
    """None for a case made without triage (imported history, or from before triage existed)."""
    record = CaseTriage.objects.filter(case=case).first()
    if record is None:
        return None
    panel = TriagePanel(
        record=record, method=method_label(record.method, record.model_version),
        suggestions=_suggestions(record, case), place=_place(record.place),
        urgent=[(danger_label(u.get("danger", "")), u.get("evidence", "")) for u in record.urgent],
        open_question=record.duplicate_decision == DuplicateDecision.POSSIBLE and case.status in ACTIVE,
    )
    _add_duplicates(panel, user, record)
    return panel


def _suggestions(record: CaseTriage, case: Case) -> list[Suggested]:
    named = Category.objects.in_bulk([s["id"] for s in record.categories])
    return [Suggested(pk=s["id"], name=f"{s['code']} {named[s['id']].local_name}" if s["id"] in named else s["code"],
                      confidence=percent(s.get("p", 0.0)), current=s["id"] == case.category_id)
            for s in record.categories]


def _place(place: dict) -> str:
    if not place:
        return ""
    building = Building.objects.filter(pk=place["building"]).first() if place.get("building") else None
    grid = Unit.objects.filter(pk=place["grid"]).first() if place.get("grid") else None
    names = [building.name if building else "", grid.local_name if grid else "", place_how_label(place.get("how", ""))]
    return " · ".join(name for name in names if name)


def _add_duplicates(panel: TriagePanel, user: User, record: CaseTriage) -> None:
    numbers = [d["number"] for d in record.duplicates]
    if not numbers:
        return
    # The filter looked across every case of the grid; this user is shown only the ones they may open.
    visible = {c.number: c for c in cases_visible_to(user).filter(number__in=numbers)
               .only("number", "title", "status", "created_at")}
    for found in record.duplicates:
        case = visible.get(found["number"])
        if case is None:
            panel.unseen += 1
            continue
        panel.duplicates.append(PossibleDuplicate(case=case, score=percent(found.get("score", 0.0)),
                                                  evidence=evidence_words(found.get("evidence") or {})))
