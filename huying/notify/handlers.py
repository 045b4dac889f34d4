"""Case events → texts to the resident, notices to staff, and the event to subscribed webhooks. The table says
which event sends which message to the resident.

The handler runs on CaseEvent's post_save, inside the service's transaction: the message is queued if and only
if the event is written, and the dedupe key keeps a second run (a retried handler, a replayed signal) from
queueing it twice.
"""

from typing import Any

from django.conf import settings
from django.urls import reverse

from huying.cases.models import Case, CaseEvent, Urgency
from huying.lib.pii import pii_mask
from huying.notify.models import Notification, NotifyChannel
from huying.notify.outbox import notification_enqueue
from huying.notify.phones import mobile_number
from huying.notify.recipients import case_context, staff_notify, unit_staff
from huying.notify.templates import DEFAULT_LANGUAGE, HANDLING_UNIT
from huying.notify.webhooks import webhooks_enqueue
from huying.org.models import Unit, duty_shift_at
from huying.routing.route import command_centre_for
from huying.triage.urgency import DANGER_LABELS

DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"

# A supervision mark or a leader's instruction tells the handling unit at once (the timers repeat it daily).
SUPERVISION_ACTIONS = frozenset({"supervise", "instruct"})
SUPERVISION_CHANNELS = (NotifyChannel.INAPP, NotifyChannel.SMS)
URGENCY_CHANNELS = (NotifyChannel.INAPP, NotifyChannel.SMS)

# case action → the resident's message template.
RESIDENT_SMS: dict[str, str] = {
    "accept": "case_accepted",  # only the first signature: a reopened case is not "accepted" news again
    "resolve": "case_resolved",  # every resolution: each round can be rated
    "merge": "case_merged",  # a repeat (并单): its caller follows the case it joined
}


def case_event_saved(sender: type, instance: CaseEvent, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not created or raw:  # raw: loaddata replays history, which must not text anybody
        return
    webhooks_enqueue(event=instance)
    if instance.action == "dispatch" and instance.data.get("auto") and instance.case.urgency == Urgency.EMERGENCY:
        emergency_alert_enqueue(event=instance)
    if instance.action in SUPERVISION_ACTIONS:
        supervision_notice_enqueue(event=instance)
    if instance.action == "create" and _urgency_unseen(instance):
        urgency_hint_enqueue(event=instance)
    template = RESIDENT_SMS.get(instance.action)
    if template is None or (instance.action == "accept" and _accepted_before(instance)):
        return
    resident_sms_enqueue(event=instance, template=template)


def _accepted_before(event: CaseEvent) -> bool:
    return CaseEvent.objects.filter(case_id=event.case_id, action="accept").exclude(pk=event.pk).exists()


def resident_sms_enqueue(*, event: CaseEvent, template: str) -> Notification | None:
    """Queue `template` for the reporter of the event's case; None when there is no mobile number to text."""
    case = event.case
    phone = mobile_number(case.reporter_phone)
    if phone is None or not case.tracking_token:
        return None
    return notification_enqueue(
        channel=NotifyChannel.SMS, recipient=phone, template=template, case=case,
        context=resident_context(case, language=DEFAULT_LANGUAGE),
        dedupe_key=f"case:{case.pk}:event:{event.pk}:sms-resident",
    )


def resident_context(case: Case, *, language: str) -> dict[str, str]:
    # A repeat merged into another case (并单) has no unit of its own: the one handling the matter is named.
    unit = case.current_unit or (case.merged_into.current_unit if case.merged_into is not None else None)
    unit_name = (unit.name_en if language == "en" and unit.name_en else unit.name) if unit else ""
    return {
        "language": language,
        "number": case.number,
        "unit": unit_name or HANDLING_UNIT[language],
        "track_url": public_url(reverse("feedback:track", args=[case.tracking_token])),
        "rate_url": public_url(reverse("feedback:rate", args=[case.tracking_token])),
    }


def public_url(path: str) -> str:
    base = getattr(settings, "HUYING", {}).get("PUBLIC_BASE_URL") or DEFAULT_PUBLIC_BASE_URL
    return str(base).rstrip("/") + path


def emergency_alert_enqueue(*, event: CaseEvent) -> list[Notification]:
    """Text the unit on duty and the command centre (flag it) that an emergency has just come in.

    The text names the case, place and matter but not the caller: staff open the case to call back.
    """
    case = event.case
    phones = [_duty_phone(event.unit, case), getattr(event.unit, "contact_phone", ""),
              command_centre_for(case.district).contact_phone]
    context = {"language": DEFAULT_LANGUAGE, "number": case.number, "title": pii_mask(case.title),
               "address": pii_mask(case.address) or "-"}
    queued = []
    for phone in dict.fromkeys(p for p in map(mobile_number, phones) if p):  # each number once, in order
        queued.append(notification_enqueue(
            channel=NotifyChannel.SMS, recipient=phone, template="emergency_alert", case=case, context=context,
            dedupe_key=f"case:{case.pk}:event:{event.pk}:sms-emergency:{phone}", urgent=True,
        ))
    return queued


def _duty_phone(unit: Unit | None, case: Case) -> str:
    place = case.grid or case.community or case.street
    shift = duty_shift_at(place, case.created_at) if place is not None else None
    return shift.contact_phone if shift is not None and shift.unit_id == getattr(unit, "pk", None) else ""


def _urgency_unseen(event: CaseEvent) -> bool:
    """Triage saw a danger in a request that came in by itself (web, app, feeds…), not as an emergency: nobody
    has read it yet. An operator taking a call saw the console's banner and chose."""
    dangers = event.data.get("triage", {}).get("urgent")
    return bool(dangers) and event.actor_id is None and event.case.urgency != Urgency.EMERGENCY \
        and event.case.merged_into_id is None


def urgency_hint_enqueue(*, event: CaseEvent) -> list[Notification]:
    """Tell the command centre at once (in-app and SMS, urgent) that a new request reads like an emergency (疑似紧急),
    with the dangers seen, so a person proposes or refuses the emergency path."""
    case = event.case
    try:
        centre = command_centre_for(case.district)
    except LookupError:  # no command centre configured: the case page still shows the danger
        return []
    dangers = "、".join(str(DANGER_LABELS.get(name, name)) for name in event.data["triage"]["urgent"])
    return staff_notify(users=unit_staff(centre.pk), channels=URGENCY_CHANNELS, template="urgency_hint",
                        context=case_context(case, note=dangers), event=event, urgent=True, unit=centre)


def supervision_notice_enqueue(*, event: CaseEvent) -> list[Notification]:
    """Tell the handling unit's staff what the supervisor or leader asked for."""
    case = event.case
    context = case_context(case, note=event.note or case.supervision_note or "-")
    return staff_notify(users=unit_staff(case.current_unit_id), channels=SUPERVISION_CHANNELS,
                        template="supervision_notice", context=context, event=event, unit=case.current_unit)
