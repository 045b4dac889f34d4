"""The case workflow as a table: statuses, and which action may move a case from which status to which.

Every service in `services.py` asks `transition_check` before it writes; nothing else changes a status.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    ACCEPTED = "accepted", _("已签收")
    IN_PROGRESS = "in_progress", _("处置中")
    SUMMONED = "summoned", _("吹哨中")
    EXTENSION_REQUESTED = "extension_requested", _("延期申请中")
    RETURNED = "returned", _("已退单")
    ESCALATED = "escalated", _("已上报")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已归档")
    REOPENED = "reopened", _("重办")
    MERGED = "merged", _("已并单")
    INVALID = "invalid", _("无效")


S = Status
OPEN_WORK = (S.ACCEPTED, S.IN_PROGRESS)
PRE_ACCEPT = (S.RECEIVED, S.DISPATCHED, S.RETURNED, S.ESCALATED, S.REOPENED)
ACTIVE = (*PRE_ACCEPT, *OPEN_WORK, S.SUMMONED, S.EXTENSION_REQUESTED)
TERMINAL = (S.CLOSED, S.MERGED, S.INVALID)
EVERY = tuple(S)
# Statuses of a case that counts in the three rates unless excluded (an invalid or merged case never does).
COUNTABLE = (*ACTIVE, S.RESOLVED, S.CLOSED)

# action → (statuses it may start from, status it leads to). `None` as target keeps the status.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "dispatch": ((S.RECEIVED, S.RETURNED, S.ESCALATED, S.REOPENED, S.DISPATCHED, *OPEN_WORK), S.DISPATCHED),
    "accept": ((S.DISPATCHED, S.ESCALATED, S.REOPENED), S.ACCEPTED),
    "start": ((S.ACCEPTED,), S.IN_PROGRESS),
    "return": ((S.DISPATCHED,), S.RETURNED),
    "escalate": ((S.DISPATCHED, *OPEN_WORK), S.ESCALATED),
    "summon": (OPEN_WORK, S.SUMMONED),
    "report_back": ((S.SUMMONED,), None),
    "request_extension": (OPEN_WORK, S.EXTENSION_REQUESTED),
    "decide_extension": ((S.EXTENSION_REQUESTED,), S.IN_PROGRESS),
    "add_note": (ACTIVE + (S.RESOLVED,), None),
    "resolve": ((S.RECEIVED, *OPEN_WORK), S.RESOLVED),
    "close": ((S.RESOLVED,), S.CLOSED),
    "reopen": ((S.RESOLVED, S.CLOSED), S.REOPENED),
    "merge": (ACTIVE, S.MERGED),
    # Triage (研判): a person corrects the category; the duplicate filter's doubt and a person's answer to it.
    "reclassify": (ACTIVE, None),  # 改类
    "possible_duplicate": (ACTIVE, None),  # 疑似重复
    "not_duplicate": (ACTIVE, None),  # 确认非重复
    "request_invalidation": (ACTIVE, None),
    "invalidate": (ACTIVE, S.INVALID),
    # Oversight (督办) and coordination beside the handling: the status stays where it is.
    "supervise": (ACTIVE, None),  # 挂牌督办
    "lift_supervision": (EVERY, None),  # 解除督办: a mark left on a finished case can still be taken off
    "instruct": (ACTIVE + (S.RESOLVED,), None),  # 领导批示
    "convene": (ACTIVE, None),  # 专项响应组
    "group_report": (ACTIVE, None),  # a response-group member reports what it did
    "video": (ACTIVE, None),  # 视频研判
    # The resident's rating of a resolved round (一事一评) enters the audit trail; the status stays.
    "rate": ((S.RESOLVED, S.CLOSED), None),
    # An operator's call-back (回访) of a resolved round: reached or not, solved or not, satisfied or not.
    "callback": ((S.RESOLVED, S.CLOSED), None),
    # Taking a case out of the three rates (考核核减): asked with a reason, approved by a supervisor, and
    # revocable; every step is an event. Invalid and merged cases leave the rates by their own approved actions.
    "request_exclusion": (COUNTABLE, None),
    "decide_exclusion": (COUNTABLE, None),
    "restore_counting": (COUNTABLE, None),
    # What the deadline timers do by themselves (自动督办): remind, mark overdue, alert the head, and move an
    # overdue case one level up where the tier's policy says so.
    "remind": (ACTIVE, None),
    "overdue": (ACTIVE, None),
    "alert_head": (ACTIVE, None),
    "auto_escalate": ((S.DISPATCHED, S.ESCALATED, S.REOPENED, *OPEN_WORK, S.SUMMONED, S.EXTENSION_REQUESTED),
                      S.ESCALATED),
}

# Actions only the system takes (the timers, the duplicate filter); no person is offered them.
SYSTEM_ACTIONS = frozenset({"remind", "overdue", "alert_head", "auto_escalate", "possible_duplicate"})


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _target) in TRANSITIONS.items() if status in sources]


def transition_target(action: str, status: str) -> str | None:
    """The status `action` leads to from `status`, or None when the table does not allow it."""
    sources, target = TRANSITIONS[action]
    if status not in sources:
        return None
    return target or status
