"""Reads of the three rates through the viewer's organisation scope (the analytics pages' access_* helpers).

The ranking of streets and departments is published: every staff member sees its numbers. The cases behind a
number (drill-down, 明细) are shown only for a unit inside the viewer's scope — the same subtree
`huying.cases.selectors.cases_visible_to` opens to them — so a street checks its own score, not another's.
A case counts for its handler (考核对象) and every unit above it; the drill-down of a unit is the measures
whose handler lay in its subtree when they were computed, the very rows its rollup sums.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huying.analytics.models import CaseMeasure, PeriodBasis, Response, Verdict
from huying.analytics.rates import Period
from huying.org.models import SUPERVISING_ROLES, Unit, UnitKind, User

# ---- scope ------------------------------------------------------------------------------------------------------


def viewer_scope(user: User) -> str:
    """The subtree whose cases the viewer may open ("" is everywhere: a superuser without a unit); 403 for a
    staff member without a unit, who oversees nothing."""
    if user.unit is not None:
        return user.unit.scope_path()
    if user.is_superuser:
        return ""
    raise PermissionDenied


def may_drill(scope: str, unit: Unit) -> bool:
    """Whether a viewer with `scope` may see the cases behind `unit`'s numbers."""
    return unit.path.startswith(scope)


def is_supervisor(user: User) -> bool:
    return user.is_superuser or user.role in SUPERVISING_ROLES


def home_unit(user: User) -> Unit | None:
    """The unit whose numbers are the viewer's own: their unit, or the district a command centre oversees;
    for a superuser without a unit, the first district."""
    if user.unit is not None:
        scope, parent = user.unit.scope_path(), user.unit.parent
        if scope == user.unit.path:
            return user.unit
        if parent is not None and scope == parent.path:  # a command centre: its district, already read
            return parent
        return Unit.objects.filter(path=scope).first()
    return Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("path").first()


def district_of(user: User, unit: Unit | None) -> Unit | None:
    """The district whose streets and departments the viewer's rankings compare."""
    if unit is not None and unit.kind == UnitKind.DISTRICT:
        return unit
    if unit is not None:
        return unit.ancestor_of_kind(UnitKind.DISTRICT)
    return Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("path").first()


def access_unit(user: User, unit_id: int) -> Unit:
    """The unit `unit_id` if it lies in the viewer's scope: 404 when there is none, 403 outside the scope."""
    scope = viewer_scope(user)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    if not may_drill(scope, unit):
        raise PermissionDenied
    return unit


# ---- rankings -----------------------------------------------------------------------------------------------------

STREET, DEPARTMENT, COMMUNITY = "street", "department", "community"
RANKING_KINDS: dict[str, Promise] = {STREET: _("街道"), DEPARTMENT: _("部门及公用事业单位"), COMMUNITY: _("社区")}
KIND_UNITS: dict[str, tuple[str, ...]] = {
    STREET: (UnitKind.STREET,), DEPARTMENT: (UnitKind.DEPARTMENT, UnitKind.UTILITY), COMMUNITY: (UnitKind.COMMUNITY,),
}


def ranking_units(kind: str, within: Unit | None) -> list[Unit]:
    """The active units of `kind` under `within` (a district, or a street for communities); all of them without
    one. One query."""
    units = Unit.objects.filter(kind__in=KIND_UNITS[kind], active=True)
    if within is not None:
        units = units.filter(path__startswith=within.path)
    return list(units.order_by("code"))


# ---- the cases behind a number -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    label: Promise
    where: Q


COUNTED = Q(exclusion="", proactive=False)
EVALUATED = COUNTED & ~Q(verdict=Verdict.NONE)
RESPONSE_DUE = (Response.ON_TIME, Response.LATE, Response.MISSED)

# metric → the measures it counts; each is one rollup counter (or the difference of two), row for row.
METRICS: dict[str, Metric] = {
    "cases": Metric(_("计入考核的工单"), COUNTED),
    "response_due": Metric(_("应响应"), COUNTED & Q(response__in=RESPONSE_DUE)),
    "response_on_time": Metric(_("按时响应"), COUNTED & Q(response=Response.ON_TIME)),
    "response_missed": Metric(_("未按时响应"), COUNTED & Q(response__in=(Response.LATE, Response.MISSED))),
    "resolved": Metric(_("已办结"), COUNTED & Q(resolved=True)),
    "resolved_on_time": Metric(_("按时办结"), COUNTED & Q(resolved_on_time=True)),
    "evaluated": Metric(_("已评价或回访"), EVALUATED),
    "solved": Metric(_("已解决"), EVALUATED & Q(solved=True)),
    "not_solved": Metric(_("未解决"), EVALUATED & ~Q(solved=True)),
    "satisfied": Metric(_("满意"), COUNTED & Q(verdict=Verdict.SATISFIED)),
    "basic": Metric(_("基本满意"), COUNTED & Q(verdict=Verdict.BASIC)),
    "unsatisfied": Metric(_("不满意"), COUNTED & Q(verdict=Verdict.UNSATISFIED)),
    "excluded": Metric(_("核减（不计入）"), ~Q(exclusion="")),
    "proactive": Metric(_("主动发现（单独统计）"), Q(exclusion="", proactive=True)),
}


def measures_behind(unit: Unit, period: Period, basis: str, metric: str) -> QuerySet[CaseMeasure]:
    """The measures one number of `unit` sums: month in the period by `basis`, and the handler's path kept on the
    measure under the unit's — the very rule its contributions to the rollups follow."""
    month = "created_month" if basis == PeriodBasis.CREATED else "resolved_month"
    # The response counters go to the unit answerable for the response (响应责任单位), the rest to the handler.
    path = "response_path" if metric in RESPONSE_METRICS else "handler_path"
    return CaseMeasure.objects.filter(
        METRICS[metric].where, computed_at__isnull=False, handler_id__isnull=False,
        **{f"{path}__startswith": unit.path, f"{month}__in": period.months()},
    )


RESPONSE_METRICS = frozenset({"response_due", "response_on_time", "response_missed"})
