"""What the holder of a tracking link may read: the case's public face, never staff names or internal notes."""

import datetime as dt
import hmac
from dataclasses import dataclass, field, replace

from django.db.models import Prefetch
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from huying.cases.models import Case, CaseEvent, EventAttachment
from huying.cases.services.closing import feedback_reopens, reopen_window_open
from huying.cases.workflow import Status
from huying.catalog.models import Category
from huying.feedback.models import FeedbackPolicy, Rating, RatingSource
from huying.lib.pii import doors_mask, public_text
from huying.notify.phones import last_four, mask_phone
from huying.org.models import Unit

RATEABLE = (Status.RESOLVED, Status.CLOSED)


@dataclass(frozen=True)
class PublicAction:
    label: Promise
    unit_from: str | None  # "unit" (where it went), "actor_unit" (who acted) or None (no unit shown)


# The steps a resident sees; every other event (notes, returns, extensions, internal requests) stays inside.
PUBLIC_ACTIONS: dict[str, PublicAction] = {
    "create": PublicAction(_("已受理"), None),
    "dispatch": PublicAction(_("已派单"), "unit"),
    "escalate": PublicAction(_("已上报"), "unit"),
    "accept": PublicAction(_("已签收"), "actor_unit"),
    "start": PublicAction(_("处置中"), "actor_unit"),
    "resolve": PublicAction(_("已办结"), "actor_unit"),
    "close": PublicAction(_("已归档"), None),
    "reopen": PublicAction(_("重办"), "unit"),
    "merge": PublicAction(_("已并单"), None),
    "invalidate": PublicAction(_("无效"), None),
}


@dataclass(frozen=True)
class PublicStep:
    at: dt.datetime
    action: str
    label: Promise
    unit: str = ""
    text: str = ""  # only ever the result of a resolution
    photo_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Deadline:
    label: Promise
    due_at: dt.datetime
    overdue: bool


@dataclass(frozen=True)
class PublicCase:
    case: Case
    status_label: str
    category: str
    phone: str
    deadlines: list[Deadline]
    steps: list[PublicStep]
    result_photo_ids: list[int] = field(default_factory=list)
    # A repeat merged into another case (并单) follows that case: its status, result and steps, never its caller.
    joined: "PublicCase | None" = None
    shown_result: str = ""  # a joined case's result as another resident may read it: personal data masked


def local_name(thing: Unit | Category | None) -> str:
    """A unit's (or category's) name in the reader's language, Chinese when there is no English one."""
    if thing is None:
        return ""
    if get_language() == "en" and thing.name_en:
        return thing.name_en
    return thing.name


def case_by_token(token: str) -> Case | None:
    return Case.objects.select_related("category", "current_unit").filter(tracking_token=token).first()


def case_by_number_and_phone(number: str, phone_last4: str) -> Case | None:
    """The case with this number whose reporter's phone ends in these four digits, else None (either way)."""
    case = Case.objects.filter(number=number).exclude(tracking_token=None).first()
    if case is None or len(phone_last4) != 4:
        return None
    # Constant-time compare: the answer's timing must not tell a guesser how many digits were right.
    if not hmac.compare_digest(last_four(case.reporter_phone).encode(), phone_last4.encode()):
        return None
    return case


def case_public(case: Case, *, now: dt.datetime) -> PublicCase:
    steps = public_steps(case)
    resolutions = [s for s in steps if s.action == "resolve"]
    return PublicCase(
        case=case, status_label=str(Status(case.status).label), category=local_name(case.category),
        phone=mask_phone(case.reporter_phone) if case.reporter_phone else "", deadlines=case_deadlines(case, now=now),
        steps=steps, result_photo_ids=list(resolutions[-1].photo_ids) if resolutions else [],
        joined=_joined(case, now=now),
    )


def _joined(case: Case, *, now: dt.datetime) -> PublicCase | None:
    target = case.merged_into if case.merged_into_id else None
    if target is None:
        return None
    public = case_public(target, now=now) if target.merged_into_id is None else None  # one level: no chains
    if public is None:
        return None
    # Another resident's case: their flat and door numbers stay theirs too.
    result = doors_mask(public_text(target.result)) if target.result and target.resolved_at else ""
    return replace(public, phone="", result_photo_ids=[], shown_result=result)


def public_steps(case: Case) -> list[PublicStep]:
    """The public timeline: the public events in order, with the resident's ratings (已评价) among them."""
    result_photos = EventAttachment.objects.filter(event__action="resolve").order_by("pk")
    events = (case.events.filter(action__in=PUBLIC_ACTIONS).select_related("unit", "actor_unit")
              .prefetch_related(Prefetch("attachments", queryset=result_photos)))
    steps = [_step(event) for event in events]
    steps += [PublicStep(at=r.created_at, action="rate", label=_("已评价"))
              for r in Rating.objects.filter(case=case, source=RatingSource.RESIDENT)]
    return sorted(steps, key=lambda s: s.at)  # sorted() is stable: events keep their (time, id) order


def _step(event: CaseEvent) -> PublicStep:
    public = PUBLIC_ACTIONS[event.action]
    unit = getattr(event, public.unit_from) if public.unit_from else None
    step = PublicStep(at=event.created_at, action=event.action, label=public.label, unit=local_name(unit))
    if event.action != "resolve":
        return step
    # The result is the one note written for the resident; every other note is internal.
    return replace(step, text=event.note, photo_ids=tuple(a.pk for a in event.attachments.all()))


def case_deadlines(case: Case, *, now: dt.datetime) -> list[Deadline]:
    """Response and completion deadlines; overdue when the step came (or has not yet come) after the due time."""
    if case.status in (Status.MERGED, Status.INVALID):
        return []
    pairs = ((_("响应时限"), case.response_due_at, case.responded_at),
             (_("办结时限"), case.completion_due_at, case.resolved_at))
    return [Deadline(label=label, due_at=due, overdue=(done or now) > due) for label, due, done in pairs if due]


def result_attachment(case: Case, attachment_id: int) -> EventAttachment | None:
    """A photo of this case's result; the case's other files (the resident's, staff notes') are not public."""
    return EventAttachment.objects.filter(pk=attachment_id, event__case=case, event__action="resolve").first()


def rating_of_round(case: Case) -> Rating | None:
    """The resident's rating of the case's current round of handling, if given."""
    return Rating.objects.filter(case=case, round=case.reopen_count, source=RatingSource.RESIDENT).first()


def rating_window_open(case: Case, policy: FeedbackPolicy, *, now: dt.datetime) -> bool:
    """Resolved (or archived) within the policy's rating window."""
    if case.status not in RATEABLE or case.resolved_at is None:
        return False
    return now <= case.resolved_at + dt.timedelta(days=policy.rating_window_days)


def reopen_blocker(case: Case, policy: FeedbackPolicy, *, now: dt.datetime) -> str | None:
    """Why the resident may not ask for a reopen now (a NotAllowed code), or None when they may.

    Mirrors case_reopen_by_resident's checks, only to decide whether to offer the form: the service decides.
    """
    if case.status not in RATEABLE or case.resolved_at is None:
        return "not_resolved"
    if feedback_reopens(case) >= policy.reopen_limit:
        return "reopen_limit_reached"
    if not reopen_window_open(case, policy.reopen_window_days, now=now):
        return "reopen_window_passed"
    return None
