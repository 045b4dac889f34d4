"""Who may take which action on a case: one table, read by the services (to refuse) and the API (to offer).

The workflow table says *when* an action is possible; this table says *who* may take it.
"""

from collections.abc import Callable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huying.cases.models import AssignmentRole, Case
from huying.lib.errors import Forbidden
from huying.org.models import SUPERVISING_ROLES, Role, UnitKind, User

DISPATCHING_ROLES = {Role.OPERATOR, Role.STREET_DISPATCHER, *SUPERVISING_ROLES}


def is_supervisor(user: User) -> bool:
    return user.is_superuser or user.role in SUPERVISING_ROLES


def is_dispatcher(user: User) -> bool:
    return user.is_superuser or user.role in DISPATCHING_ROLES


def is_handler(user: User, case: Case) -> bool:
    """The user works in the unit the case currently sits with."""
    return user.unit_id is not None and user.unit_id == case.current_unit_id


def handles(user: User, case: Case) -> bool:
    """The current unit, or a supervisor acting over it."""
    return is_handler(user, case) or is_supervisor(user)


def is_summoned(user: User, case: Case) -> bool:
    if user.unit_id is None:  # no unit, no summons (filtering on unit_id=None would mean IS NULL)
        return False
    return case.assignments.filter(unit_id=user.unit_id, role=AssignmentRole.SUMMONED, reported_at=None).exists()


def _resolver(user: User, case: Case) -> bool:
    # An operator answers a consultation at once (直接办结); otherwise only the handling unit reports a result.
    return is_dispatcher(user) if case.status == "received" else handles(user, case)


def _finder_on_own_grid(user: User, case: Case) -> bool:
    # 当场解决: only the grid worker who found the problem, on their own grid, before anyone else took it up.
    return (user.role == Role.GRID_WORKER and case.proactive and case.created_by_id == user.pk
            and user.unit is not None and user.unit.kind == UnitKind.GRID)


Rule = Callable[[User, Case], bool]
ACTION_RULES: dict[str, tuple[Rule, str | Promise]] = {
    "dispatch": (lambda u, c: is_dispatcher(u) or is_handler(u, c), _("无权派单")),
    "accept": (handles, _("只有当前承办单位可以签收")),
    "start": (handles, _("只有当前承办单位可以开始处置")),
    "return": (handles, _("只有当前承办单位可以退单")),
    "escalate": (handles, _("只有当前承办单位可以上报")),
    "summon": (handles, _("只有当前承办单位可以吹哨")),
    "report_back": (is_summoned, _("本单位没有待报到的吹哨任务")),
    "add_cohandlers": (lambda u, c: is_dispatcher(u) or is_handler(u, c), _("无权添加协办单位")),
    "request_extension": (handles, _("只有当前承办单位可以申请延期")),
    "decide_extension": (lambda u, c: is_supervisor(u), _("只有指挥中心或领导可以审批延期")),
    "add_note": (lambda u, c: True, ""),
    "resolve": (_resolver, _("只有当前承办单位可以办结")),
    "close": (lambda u, c: is_dispatcher(u), _("无权归档")),
    "reopen": (lambda u, c: is_dispatcher(u), _("无权重办")),
    "merge": (lambda u, c: is_dispatcher(u) or is_handler(u, c), _("无权并单")),
    "request_invalidation": (lambda u, c: is_dispatcher(u) or is_handler(u, c), _("无权申请无效")),
    "invalidate": (lambda u, c: is_supervisor(u), _("无效工单须经指挥中心或领导审批")),
    "solve_on_spot": (_finder_on_own_grid, _("只有发现问题的网格员可以当场解决")),
}


def may(user: User, case: Case, action: str) -> bool:
    rule, _message = ACTION_RULES[action]
    return rule(user, case)


def require_may(user: User, case: Case, action: str) -> None:
    if not may(user, case, action):
        raise Forbidden(ACTION_RULES[action][1])
