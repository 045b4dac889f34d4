"""The case page's 考核 panel: how the case counts in the three rates, its evaluations, and its exclusion.

What it shows of the rates comes from the case's ledger row (CaseMeasure), as the worker last computed it: the
panel says so when the row is missing or waits for a refresh, rather than computing anything itself.

A call-back's note and a rating's comment may quote the resident (a phone, the flat they live in): they are shown
in full only to those who see the reporter (`huying.cases.permissions.sees_reporter`, the page's
`story.reporter_full`), masked for everyone else who may open the case.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from huying.analytics.models import CaseMeasure, MeasureSettings, PeriodBasis, Verdict
from huying.cases.api_schemas import mask_name
from huying.cases.models import Case, ExclusionReason
from huying.feedback.models import CallBack, Rating, RatingSource
from huying.lib.pii import doors_mask, public_text
from huying.workbench.casepage.timeline import Step


@dataclass(frozen=True)
class Noted:
    """A call-back or rating with its free text twice: as written, and masked for who may not see the reporter."""

    item: CallBack | Rating
    text: str
    masked: str


@dataclass
class MeasurePanel:
    facts: list[tuple[str, str]]  # (label, value), empty until the worker computed the measure
    computed: bool
    stale: bool  # the case changed since: the worker will count it again shortly
    requested: Step | None  # the exclusion request awaiting a decision (申请核减)
    approved: Step | None  # the decision that took the case out of the rates (核减审批)
    callbacks: list[Noted] = field(default_factory=list)
    ratings: list[Noted] = field(default_factory=list)


def measure_panel(case: Case, steps: list[Step]) -> MeasurePanel:
    """The panel for `case`; `steps` is its timeline, already read for the page."""
    measure = CaseMeasure.objects.select_related("handler").filter(case=case).first()
    computed = measure is not None and measure.computed_at is not None
    now = timezone.now()
    return MeasurePanel(
        facts=_facts(case, measure, MeasureSettings.current()) if measure is not None and computed else [],
        computed=computed,
        stale=measure is not None and measure.refresh_at is not None and measure.refresh_at <= now,
        requested=_latest(steps, "request_exclusion") if case.exclusion_requested else None,
        approved=_latest(steps, "decide_exclusion") if case.exclusion else None,
        callbacks=[Noted(c, c.note, resident_text_masked(c.note, case))
                   for c in case.callbacks.select_related("operator").order_by("created_at", "id")],
        ratings=[Noted(r, r.comment, resident_text_masked(r.comment, case))
                 for r in case.ratings.order_by("created_at", "id")],
    )


def resident_text_masked(text: str, case: Case) -> str:
    """`text` with the reporter's name, phones, ID numbers, plates, e-mail addresses, introduced names and door
    numbers (3栋, 501室, 3-2-501) masked: what a resident said, without who they are or where they live."""
    if not text:
        return text
    name = case.reporter_name.strip()
    if len(name) >= 2:  # one character would star that character everywhere
        text = text.replace(name, mask_name(name))
    text = public_text(text)
    return doors_mask(text)


def _latest(steps: list[Step], action: str) -> Step | None:
    return next((s for s in reversed(steps) if s.event.action == action), None)


def month_text(month: int | None) -> str:
    """202609 → 2026-09."""
    return f"{month // 100}-{month % 100:02d}" if month else "—"


def _facts(case: Case, measure: CaseMeasure, settings: MeasureSettings) -> list[tuple[str, str]]:
    by_resolution = settings.period_basis == PeriodBasis.RESOLVED
    month = measure.resolved_month if by_resolution else measure.created_month
    return [
        (_("考核状态"), _counting(measure)),
        (_("计入月份"), _("%(month)s（%(basis)s）") % {
            "month": month_text(month) if month else _("办结后确定"), "basis": settings.get_period_basis_display()}),
        (_("受理月份"), month_text(measure.created_month)),
        (_("办结月份"), month_text(measure.resolved_month)),
        (_("考核对象"), measure.handler.local_name if measure.handler else _("（无）")),
        (_("响应"), str(measure.get_response_display())),
        (_("办结"), _resolution(case, measure)),
        (_("最新评价"), _evaluation(measure)),
    ]


def _counting(measure: CaseMeasure) -> str:
    if measure.exclusion:
        reason = ExclusionReason(measure.exclusion).label if measure.exclusion in ExclusionReason.values \
            else measure.exclusion
        return _("不计入三率（核减：%(reason)s）") % {"reason": reason}
    if measure.proactive:
        return _("主动发现，单独统计，不计入三率")
    return _("计入三率")


def _resolution(case: Case, measure: CaseMeasure) -> str:
    if not measure.resolved:
        return _("未办结")
    if measure.resolved_on_time:
        return _("按时办结")
    return _("超时办结") if case.completion_due_at is not None else _("已办结")


def _evaluation(measure: CaseMeasure) -> str:
    if measure.verdict == Verdict.NONE:
        return _("未评价")
    source = dict(RatingSource.choices).get(measure.evaluation_source, measure.evaluation_source)
    return _("%(verdict)s，%(solved)s（%(source)s）") % {
        "verdict": measure.get_verdict_display(), "solved": _("已解决") if measure.solved else _("未解决"),
        "source": source}
