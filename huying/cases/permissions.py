"""Who may take which action on a case: one table, read by the services (to refuse) and the API and the
case page (to offer).

The workflow table says *when* an action is possible; this table says *who* may take it; `READY` adds what
the case itself must be like (a summons needs a street, a supervision mark cannot be set twice).
"""

from collections.abc import Callable

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huying.cases.models import AssignmentRole, Case
from huying.cases.workflow import SYSTEM_ACTIONS, allowed_actions
from huying.lib.errors import Forbidden, NotAllowed
from huying.org.models import SUPERVISING_ROLES, Role, UnitKind, User

GROUP_ROLES = (AssignmentRole.GROUP_LEAD, AssignmentRole.GROUP)

DISPATCHING_ROLES = {Role.OPERATOR, Role.STREET_DISPATCHER, *SUPERVISING_ROLES}


def is_supervisor(user: User) -> bool:
    return user.is_superuser or user.role in SUPERVISING_ROLES


def is_dispatcher(user: User) -> bool:
    return user.is_superuser or user.role in DISPATCHING_ROLES


def is_handler(user: User, case: Case) -> bool:
    """The user works in the unit the case currently sits with."""
    return user.unit_id is not None and user.unit_id == case.current_unit_id


def handles(user: User, case: Case) -> bool:
    """The current unit does the handling; a system administrator may step in. Leaders and the command
    centre supervise other units' cases (督办, 批示, extensions) but do not do their work for them."""
    return is_handler(user, case) or user.is_superuser or user.role == Role.ADMIN


def _may_return(user: User, case: Case) -> bool:
    # A case at the command centre has nobody to go back to: the centre dispatches it or handles it.
    unit = case.current_unit
    return handles(user, case) and not (unit is not None and unit.kind == UnitKind.COMMAND_CENTRE)


def _last_request(case: Case, action: str):
    """The latest event asking for what a supervisor now decides (an extension, an exclusion)."""
    return case.events.filter(action=action).select_related("actor").order_by("-created_at", "-pk").first()


def _asked_by_self_or_own_unit(user: User, asked) -> bool:
    return asked.actor_id == user.pk or (user.unit_id is not None and asked.actor_unit_id == user.unit_id)


def _may_decide_extension(user: User, case: Case) -> bool:
    # Nobody approves their own request, and the unit that asked does not approve it either.
    if not is_supervisor(user):
        return False
    asked = _last_request(case, "request_extension")
    return asked is None or not _asked_by_self_or_own_unit(user, asked)


def _may_decide_exclusion(user: User, case: Case) -> bool:
    # Separation of duties: nobody approves their own request, and the unit being measured (the one holding the
    # case, or the one that asked) does not take its own case out of the rates. An operator asks on the
    # hotline's behalf, so the supervisors of the operator's own centre may decide that request.
    if not is_supervisor(user) or not case.exclusion_requested:
        return False
    if user.unit_id is not None and user.unit_id == case.current_unit_id:
        return False
    if _oversees_below_district(user, case):
        return False
    asked = _last_request(case, "request_exclusion")
    if asked is None:
        return True
    if asked.actor_id == user.pk:
        return False
    by_operator = asked.actor is not None and asked.actor.role == Role.OPERATOR
    return by_operator or not _asked_by_self_or_own_unit(user, asked)


def _oversees_below_district(user: User, case: Case) -> bool:
    """A street's or community's own supervisor over a case of its own subtree: that street is the one measured.

    The district's command centre and leaders oversee everything below them and do decide; a street does not
    take its own communities' cases out of the ranking it stands in.
    """
    unit, handler = user.unit, case.current_unit
    if unit is None or handler is None or unit.kind not in (UnitKind.GRID, UnitKind.COMMUNITY, UnitKind.STREET):
        return False
    return handler.path.startswith(unit.path)


def is_summoned(user: User, case: Case) -> bool:
    if user.unit_id is None:  # no unit, no summons (filtering on unit_id=None would mean IS NULL)
        return False
    return case.assignments.filter(unit_id=user.unit_id, role=AssignmentRole.SUMMONED, reported_at=None).exists()


def in_group(user: User, case: Case) -> bool:
    """The user's unit sits in the case's special response group (专项响应组)."""
    if user.unit_id is None:
        return False
    return case.assignments.filter(unit_id=user.unit_id, role__in=GROUP_ROLES).exists()


def works_on(user: User, case: Case) -> bool:
    """The current unit, a supervisor, or a unit assigned beside them (协办, 报到, 专项组)."""
    if handles(user, case) or is_supervisor(user):
        return True
    return user.unit_id is not None and case.assignments.filter(unit_id=user.unit_id).exists()


def sees_reporter(user: User, case: Case) -> bool:
    """Whether `user` sees the reporter's name and phone in full; everyone else sees them masked (PIPL).

    The hotline (it calls people back) and the command centre (it answers for the district) always do; the
    unit handling the case does unless the reporter asked to stay anonymous. Leaders, units above the handler,
    co-handlers, summoned departments and response groups work on the problem, not with the person.
    """
    if sees_every_reporter(user):
        return True
    return is_handler(user, case) and not case.anonymous


def sees_every_reporter(user: User) -> bool:
    """The hotline (it calls people back) and the command centre (it answers for the district)."""
    return user.role in (Role.OPERATOR, Role.COMMAND_CENTRE)


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
    "return": (_may_return, _("只有当前承办单位可以退单")),
    "escalate": (handles, _("只有当前承办单位可以上报")),
    "summon": (handles, _("只有当前承办单位可以吹哨")),
    "report_back": (is_summoned, _("本单位没有待报到的吹哨任务")),
    "add_cohandlers": (lambda u, c: is_dispatcher(u) or is_handler(u, c), _("无权添加协办单位")),
    "request_extension": (handles, _("只有当前承办单位可以申请延期")),
    "decide_extension": (_may_decide_extension, _("延期须由申请单位以外的指挥中心或领导审批")),
    "add_note": (lambda u, c: True, ""),
    "resolve": (_resolver, _("只有当前承办单位可以办结")),
    "close": (lambda u, c: is_dispatcher(u), _("无权归档")),
    "reopen": (lambda u, c: is_dispatcher(u), _("无权重办")),
    "merge": (lambda u, c: is_dispatcher(u) or is_handler(u, c), _("无权并单")),
    "request_invalidation": (lambda u, c: is_dispatcher(u) or is_handler(u, c), _("无权申请无效")),
    "reclassify": (lambda u, c: is_dispatcher(u) or is_handler(u, c), _("无权修改分类")),
    "not_duplicate": (lambda u, c: is_dispatcher(u) or is_handler(u, c), _("无权处理疑似重复")),
    "invalidate": (lambda u, c: is_supervisor(u), _("无效工单须经指挥中心或领导审批")),
    "callback": (lambda u, c: u.role in (Role.OPERATOR, Role.COMMAND_CENTRE, Role.ADMIN) or u.is_superuser,
                 _("只有话务员或指挥中心可以登记回访")),
    "request_exclusion": (lambda u, c: is_dispatcher(u) or is_handler(u, c), _("无权申请核减")),
    "decide_exclusion": (_may_decide_exclusion, _("核减须由申请人和承办单位以外的指挥中心或领导审批")),
    "restore_counting": (lambda u, c: is_supervisor(u), _("只有指挥中心或领导可以撤销核减")),
    "solve_on_spot": (_finder_on_own_grid, _("只有发现问题的网格员可以当场解决")),
    "supervise": (lambda u, c: is_supervisor(u), _("只有指挥中心或领导可以挂牌督办")),
    "lift_supervision": (lambda u, c: is_supervisor(u), _("只有指挥中心或领导可以解除督办")),
    "instruct": (lambda u, c: is_supervisor(u), _("只有领导或指挥中心可以批示")),
    "convene": (lambda u, c: is_supervisor(u), _("只有领导或指挥中心可以组建专项响应组")),
    "group_report": (in_group, _("本单位不是该工单专项响应组的成员")),
    "video": (works_on, _("只有承办、协办单位或指挥中心可以发起视频研判")),
    # Residents rate through their tracking link (huying.feedback), not as staff: no staff user may.
    "rate": (lambda u, c: False, _("评价由群众通过查询链接提交")),
    **{action: (lambda u, c: False, _("此操作由系统自动执行")) for action in SYSTEM_ACTIONS},
}


def may(user: User, case: Case, action: str) -> bool:
    rule, _message = ACTION_RULES[action]
    return rule(user, case)


def require_may(user: User, case: Case, action: str) -> None:
    if not may(user, case, action):
        raise Forbidden(ACTION_RULES[action][1])


def video_server() -> str:
    """The configured video-conference server (视频研判), without a trailing slash; empty when there is none."""
    return str(settings.HUYING.get("VIDEO_SERVER") or "").strip().rstrip("/")


Ready = Callable[[Case], bool]
# What the case itself must be like for an action to make sense, beyond its status.
READY: dict[str, tuple[Ready, str | Promise, str]] = {
    "summon": (lambda c: c.current_unit is not None and c.current_unit.kind == UnitKind.STREET,
               _("只有街道可以吹哨"), "summon_not_street"),
    "supervise": (lambda c: c.supervised_at is None, _("该工单已挂牌督办"), "already_supervised"),
    "lift_supervision": (lambda c: c.supervised_at is not None, _("该工单未挂牌督办"), "not_supervised"),
    "video": (lambda c: bool(video_server()), _("未配置视频会商服务器"), "no_video_server"),
    "request_exclusion": (lambda c: not c.exclusion and not c.exclusion_requested, _("该工单已核减或核减申请待审批"),
                          "exclusion_exists"),
    "decide_exclusion": (lambda c: bool(c.exclusion_requested), _("该工单没有待审批的核减申请"),
                         "no_exclusion_request"),
    "restore_counting": (lambda c: bool(c.exclusion), _("该工单未被核减"), "not_excluded"),
}


def is_ready(case: Case, action: str) -> bool:
    check = READY.get(action)
    return check is None or check[0](case)


def require_ready(case: Case, action: str) -> None:
    if not is_ready(case, action):
        _check, message, code = READY[action]
        raise NotAllowed(message, code=code)


def actions_for(user: User, case: Case) -> list[str]:
    """The actions `user` may take on `case` now: the workflow table ∩ the case's state ∩ this table."""
    return [action for action in allowed_actions(case.status) if is_ready(case, action) and may(user, case, action)]
