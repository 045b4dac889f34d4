"""The work queues (工单队列) as tabs: which cases each one holds for the signed-in user.

Supervisors (command centre, leader, administrator) see every unit of their scope (`Unit.scope_path()`);
everyone else sees what sits with their own unit. The tabs may overlap (an overdue case is also in hand).
Counts never scan the history: the tabs of cases at our units are counted in one pass over our open cases, the
others are bounded (COUNT over at most COUNT_CAP + 1 rows, shown as "999+").
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huying.cases.models import AssignmentRole, Case, CaseAssignment, CaseEvent
from huying.cases.overdue import IN_HAND, TO_ACCEPT, overdue_q, running_deadline_between
from huying.cases.permissions import is_dispatcher, is_supervisor
from huying.cases.selectors import cases_visible_to
from huying.cases.workflow import ACTIVE, Status
from huying.feedback.models import CallBack, Rating
from huying.org.models import SUPERVISING_ROLES, Role, Unit, UnitKind, User

S = Status
DUE_SOON = dt.timedelta(hours=24)
COUNT_CAP = 999


@dataclass(frozen=True)
class Scope:
    """Whose queues these are: one unit, or (for a supervisor) every unit under their scope path."""

    user: User
    unit: Unit | None
    wide: bool

    @classmethod
    def of(cls, user: User) -> "Scope":
        return cls(user, user.unit, user.is_superuser or user.role in SUPERVISING_ROLES)

    @property
    def everything(self) -> bool:
        return self.user.is_superuser and self.unit is None

    def units(self) -> QuerySet[Unit]:
        if self.everything:
            return Unit.objects.all()
        if self.unit is None:
            return Unit.objects.none()
        if self.wide:
            return Unit.objects.filter(path__startswith=self.unit.scope_path())
        return Unit.objects.filter(pk=self.unit.pk)

    def at_our_units(self) -> Q:
        """The case sits with (one of) our units now."""
        if self.everything:
            return Q(current_unit__isnull=False)
        if self.unit is None:
            return Q(pk__in=[])
        if self.wide:
            return Q(current_unit__in=self.units().values("pk"))
        return Q(current_unit=self.unit)


# The tabs of cases sitting with our units, each a condition on those cases: one aggregate counts them all.
def _to_accept(now: dt.datetime) -> Q:
    return Q(status__in=TO_ACCEPT)


def _in_progress(now: dt.datetime) -> Q:
    return Q(status__in=IN_HAND)


def _due_soon(now: dt.datetime) -> Q:
    return running_deadline_between(now, now + DUE_SOON)


def _overdue(now: dt.datetime) -> Q:
    return overdue_q(now)


def _returned(now: dt.datetime) -> Q:
    # case_return hands the case back to whoever dispatched it (or the command centre) to dispatch again.
    return Q(status=S.RETURNED)


def _escalated(now: dt.datetime) -> Q:
    return Q(status=S.ESCALATED)


def _ours(where: Callable[[dt.datetime], Q]) -> Callable[[Scope, dt.datetime], QuerySet[Case]]:
    def cases(scope: Scope, now: dt.datetime) -> QuerySet[Case]:
        return Case.objects.filter(scope.at_our_units(), where(now))

    return cases


def _summoned(scope: Scope, now: dt.datetime) -> QuerySet[Case]:
    """吹哨给我们: our department was summoned and has not reported back (报到) yet.

    Driven from the (few) cases in status 吹哨中: an open summons exists exactly while the case is in it.
    """
    pending = CaseAssignment.objects.filter(case=OuterRef("pk"), role=AssignmentRole.SUMMONED,
                                            reported_at__isnull=True, unit__in=scope.units())
    return Case.objects.filter(Exists(pending), status=S.SUMMONED)


def _supervised(scope: Scope, now: dt.datetime) -> QuerySet[Case]:
    """挂牌督办 cases we handle, or help with (协办, 吹哨), until the mark is lifted."""
    marked = Case.objects.filter(supervised_at__isnull=False, status__in=ACTIVE)
    if scope.wide:
        return marked.filter(scope.at_our_units())
    helping = CaseAssignment.objects.filter(case=OuterRef("pk"), unit__in=scope.units(), reported_at__isnull=True)
    return marked.filter(scope.at_our_units() | Q(Exists(helping)))


def _unassigned(scope: Scope, now: dt.datetime) -> QuerySet[Case]:
    """权责不清: routing found no rule or no place and sent the case to the command centre (the dispatch event
    says data["unassigned"]); it waits there until the centre dispatches it on."""
    marked = CaseEvent.objects.filter(case=OuterRef("pk"), action="dispatch", data__unassigned=True)
    return Case.objects.filter(scope.at_our_units(), Exists(marked), status__in=(S.DISPATCHED, S.RECEIVED),
                               current_unit__kind=UnitKind.COMMAND_CENTRE)


def _to_call_back(scope: Scope, now: dt.datetime) -> QuerySet[Case]:
    """待回访: resolved cases whose current round (reopen_count) nobody has evaluated yet — no reached call-back
    and no rating. An unanswered call keeps the case here for another try. Left out: cases nobody can be called
    about (no phone, problems found by staff) and cases already taken out of the rates (核减)."""
    reached = CallBack.objects.filter(case=OuterRef("pk"), round=OuterRef("reopen_count"), reached=True)
    rated = Rating.objects.filter(case=OuterRef("pk"), round=OuterRef("reopen_count"))
    return (cases_visible_to(scope.user).filter(status=S.RESOLVED, proactive=False, exclusion="")
            .exclude(reporter_phone="").filter(~Exists(reached), ~Exists(rated)))


def _may_call_back(scope: Scope) -> bool:
    return scope.user.is_superuser or scope.user.role in (Role.OPERATOR, Role.COMMAND_CENTRE)


def _exclusion_requests(scope: Scope, now: dt.datetime) -> QuerySet[Case]:
    """核减待审批: exclusion requests (申请核减) in the supervisor's scope that wait for a decision."""
    return cases_visible_to(scope.user).exclude(exclusion_requested="")


def _all(scope: Scope, now: dt.datetime) -> QuerySet[Case]:
    return cases_visible_to(scope.user)


def _everyone(scope: Scope) -> bool:
    return True


@dataclass(frozen=True)
class Tab:
    key: str
    label: Promise
    cases: Callable[[Scope, dt.datetime], QuerySet[Case]]
    shown: Callable[[Scope], bool] = _everyone
    counted: bool = True
    # For the tabs of cases sitting with our units: the condition, so one query can count them together.
    where: Callable[[dt.datetime], Q] | None = None
    # The orders on offer, the first being the default: the open-work tabs hold hundreds of cases, so any order
    # is cheap; the all-cases tab holds the whole history and is only walked along the created_at index.
    sorts: tuple[str, ...] = ("urgency", "deadline", "created")


TABS = (
    Tab("to_accept", _("待签收"), _ours(_to_accept), where=_to_accept),
    Tab("in_progress", _("处置中"), _ours(_in_progress), where=_in_progress),
    Tab("due_soon", _("即将超时"), _ours(_due_soon), where=_due_soon),
    Tab("overdue", _("已超时"), _ours(_overdue), where=_overdue),
    Tab("returned", _("退回"), _ours(_returned), shown=lambda s: is_dispatcher(s.user), where=_returned),
    Tab("escalated", _("上报给我们"), _ours(_escalated), where=_escalated),
    Tab("summoned", _("吹哨给我们"), _summoned),
    Tab("supervised", _("挂牌督办"), _supervised),
    Tab("unassigned", _("权责不清"), _unassigned,
        shown=lambda s: s.user.is_superuser or s.user.role == Role.COMMAND_CENTRE),
    Tab("to_call_back", _("待回访"), _to_call_back, shown=_may_call_back, sorts=("created", "urgency")),
    Tab("exclusions", _("核减待审批"), _exclusion_requests, shown=lambda s: is_supervisor(s.user),
        sorts=("created", "urgency")),
    # Every case this user may see, closed ones too: where search and the status filter reach history.
    Tab("all", _("全部工单"), _all, counted=False, sorts=("created",)),
)
BY_KEY = {tab.key: tab for tab in TABS}


def tabs_for(scope: Scope) -> list[Tab]:
    return [tab for tab in TABS if tab.shown(scope)]


def tab_counts(scope: Scope, tabs: list[Tab], now: dt.datetime) -> dict[str, str]:
    """Each counted tab's number. The tabs of cases sitting with our units are counted in one pass over our open
    cases (as many as the open work, whatever the history); the others one bounded count each."""
    ours = {t.key: Count("pk", filter=t.where(now)) for t in tabs if t.where is not None}
    counts = {k: str(v) for k, v in Case.objects.filter(scope.at_our_units(), status__in=ACTIVE)
              .aggregate(**ours).items()} if ours else {}
    counts.update({t.key: bounded_count(t.cases(scope, now)) for t in tabs if t.counted and t.where is None})
    return counts


def bounded_count(qs: QuerySet[Case]) -> str:
    """The number of cases, or "999+" past COUNT_CAP: never a COUNT over a whole million-row table."""
    n = qs.order_by()[: COUNT_CAP + 1].count()
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)
