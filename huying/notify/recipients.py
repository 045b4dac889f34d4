"""Who in a unit hears about a case (承办人, 单位负责人), and queuing one message to each of them per channel."""

from collections.abc import Iterable, Sequence
from typing import Any

from huying.cases.models import Case, CaseEvent
from huying.lib.pii import pii_mask
from huying.notify.models import Notification, NotifyChannel
from huying.notify.outbox import Outgoing, notifications_enqueue
from huying.notify.phones import mobile_number
from huying.org.models import Role, Unit, User

# The roles that do a unit's handling; leaders and administrators hear through their own pages.
HANDLING_ROLES = (Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_DISPATCHER, Role.DEPARTMENT_HANDLER,
                  Role.COMMAND_CENTRE)


def unit_staff(unit_id: int | None) -> list[User]:
    if unit_id is None:
        return []
    return list(User.objects.filter(unit_id=unit_id, is_active=True, role__in=HANDLING_ROLES).order_by("pk"))


def unit_heads(unit_id: int | None) -> list[User]:
    if unit_id is None:
        return []
    return list(User.objects.filter(unit_id=unit_id, is_active=True, is_unit_head=True).order_by("pk"))


def case_context(case: Case, *, unit: Unit | None = None, **extra: Any) -> dict[str, Any]:
    """What staff messages about `case` may say: its number, title and the unit concerned — never the caller,
    and the title with any phone, ID-card number or plate masked (texts and e-mails leave Huying)."""
    unit = unit if unit is not None else case.current_unit
    return {"number": case.number, "title": pii_mask(case.title), "unit": unit.name if unit is not None else "-",
            "unit_en": unit.name_en if unit is not None else "", **extra}


def _address(user: User, channel: str) -> str | None:
    if channel == NotifyChannel.INAPP:
        return str(user.pk)
    if channel == NotifyChannel.SMS:
        return mobile_number(user.phone)
    if channel == NotifyChannel.EMAIL:
        return user.email.strip() or None
    return None


def staff_notify(*, users: Iterable[User], channels: Sequence[str], template: str, context: dict[str, Any],
                 event: CaseEvent, urgent: bool = False, unit: Unit | None = None) -> list[Notification]:
    """Queue `template` to each user on each channel they can be reached on, in each user's language.

    When `unit` is given and none of the users has a mobile number, the unit's contact phone (值班电话) gets
    the text instead, so an SMS step never falls silent for want of a registered head.
    """
    case: Case = event.case
    outgoing: list[Outgoing] = []
    for user in users:
        for channel in channels:
            address = _address(user, channel)
            if address is not None:
                outgoing.append(Outgoing(channel=channel, recipient=address, template=template, case=case,
                                         urgent=urgent, context={**context, "language": user.language or "zh-hans"},
                                         dedupe_key=f"case:{case.pk}:event:{event.pk}:{channel}:{address}"))
    texted = any(m.channel == NotifyChannel.SMS for m in outgoing)
    phone = mobile_number(unit.contact_phone) if unit is not None else None
    if NotifyChannel.SMS in channels and not texted and phone:
        outgoing.append(Outgoing(channel=NotifyChannel.SMS, recipient=phone, template=template, case=case,
                                 urgent=urgent, context={**context, "language": "zh-hans"},
                                 dedupe_key=f"case:{case.pk}:event:{event.pk}:sms:{phone}"))
    return notifications_enqueue(outgoing)
