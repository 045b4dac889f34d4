"""What Huying's messages say, in Chinese and English; the context's "language" picks one (zh-Hans first).

The texts below are the defaults; an administrator's wording (`MessageTemplate`, edited in the admin) wins
over them. A context may carry a deadline kind and an ISO moment; they are shown in the message's language
and in Beijing time (`deadline_name`, `deadline`).
"""

import datetime as dt
import string
from collections.abc import Mapping
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation

from huying.catalog.models import DeadlineKind
from huying.lib.fresh import Fresh
from huying.lib.workcal import SHANGHAI
from huying.notify.models import MessageTemplate

DEFAULT_LANGUAGE = "zh-hans"
LANGUAGES = ("zh-hans", "en")

# template → language → text with {placeholders} filled from the notification's context.
TEXTS: dict[str, dict[str, str]] = {
    "case_accepted": {
        "zh-hans": "您反映的问题（工单号{number}）已由{unit}签收办理。办理进度：{track_url}",
        "en": "Your request {number} has been accepted by {unit}. Follow its progress at {track_url}",
    },
    "case_resolved": {
        "zh-hans": "您反映的问题（工单号{number}）已办结，办理结果：{track_url} 请对办理情况作出评价：{rate_url}",
        "en": "Your request {number} has been resolved. See the result at {track_url} and rate it at {rate_url}",
    },
    "case_merged": {
        "zh-hans": "您反映的问题（工单号{number}）与正在办理的同一事项已合并办理，由{unit}负责。办理进度：{track_url}",
        "en": "Your request {number} concerns a matter already being handled and has been joined to it; {unit} is "
              "on it. Follow its progress at {track_url}",
    },
    "urgency_hint": {
        "zh-hans": "【疑似紧急】工单{number}（{title}）提到：{note}。请立即研判是否转紧急通道。",
        "en": "[Possibly urgent] Case {number} ({title}) mentions: {note}. Decide now whether it takes the emergency "
              "path.",
    },
    "emergency_alert": {
        "zh-hans": "【紧急】工单{number}：{title}。地点：{address}。请立即处置并在系统中签收。",
        "en": "[EMERGENCY] Case {number}: {title}. Place: {address}. Act now and accept it in Huying.",
    },
    "timer_remind": {
        "zh-hans": "【催办】工单{number}（{title}）的{deadline_name}为{deadline}，请抓紧办理。",
        "en": "[Reminder] Case {number} ({title}): the {deadline_name} is {deadline}. Please act on it.",
    },
    "timer_overdue": {
        "zh-hans": "【超时】工单{number}（{title}）已超过{deadline_name}（{deadline}），已记为超时。",
        "en": "[Overdue] Case {number} ({title}) has passed its {deadline_name} ({deadline}) and is now overdue.",
    },
    "timer_alert_head": {
        "zh-hans": "【超时告警】{unit}承办的工单{number}（{title}）已超过{deadline_name}（{deadline}），请督促办理。",
        "en": "[Overdue alert] Case {number} ({title}) held by {unit} has passed its {deadline_name} "
              "({deadline}). Please see that it is handled.",
    },
    "timer_escalated": {
        "zh-hans": "【自动上报】工单{number}（{title}）超时未办，已自动上报至{unit}，请签收办理。",
        "en": "[Escalated] Case {number} ({title}) was overdue and has gone up to {unit}. Please accept it.",
    },
    "supervision_notice": {
        "zh-hans": "【督办】工单{number}（{title}）收到督办要求：{note}。请及时办理并在系统中回复。",
        "en": "[Supervision] Case {number} ({title}) is under supervision: {note}. Please act and reply in Huying.",
    },
    "supervision_remind": {
        "zh-hans": "【督办提醒】工单{number}（{title}）的督办要求尚未回复，请尽快办理并在系统中回复。",
        "en": "[Supervision reminder] Case {number} ({title}) still waits for your reply to its supervision.",
    },
}

# E-mail subjects (the SMS and in-app texts need none).
SUBJECTS: dict[str, dict[str, str]] = {
    code: {"zh-hans": "呼应：工单{number}", "en": "Huying: case {number}"} for code in TEXTS
}

# Words a context may need in either language (the unit name has no translation of its own).
HANDLING_UNIT = {"zh-hans": "承办单位", "en": "the handling unit"}


class UnknownTemplate(KeyError):
    pass


def language_of(context: Mapping[str, Any]) -> str:
    language = str(context.get("language") or DEFAULT_LANGUAGE).lower()
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def placeholders(text: str) -> set[str]:
    """The {names} a text uses."""
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name}


def derived_fields(context: Mapping[str, Any], language: str) -> dict[str, Any]:
    """The context plus what is shown per language: the deadline's name and its moment in Beijing time."""
    values = dict(context)
    if language == "en" and values.get("unit_en"):  # the unit's English name, where it has one
        values["unit"] = values["unit_en"]
    if "kind" in values:
        with translation.override(language):
            values["deadline_name"] = str(DeadlineKind(values["kind"]).label) if values["kind"] in \
                DeadlineKind.values else str(values["kind"])
    if isinstance(values.get("deadline_at"), str):
        moment = dt.datetime.fromisoformat(values["deadline_at"]).astimezone(SHANGHAI)
        values["deadline"] = f"{moment:%Y-%m-%d %H:%M}"
    return values


# The administrators' wordings, read in one query and kept for a short while: a page of fifty messages or a
# worker's batch must not cost a query each. An edit in this process clears it at once; other processes
# (the worker) see it within WORDINGS_TTL.
WORDINGS_TTL = 30.0
_edited_wordings: Fresh[dict[tuple[str, str], tuple[str, str]]] = Fresh(
    lambda: {(code, language): (subject, text) for code, language, subject, text
             in MessageTemplate.objects.values_list("code", "language", "subject", "text")},
    WORDINGS_TTL)


@receiver([post_save, post_delete], sender=MessageTemplate, dispatch_uid="notify.wordings_changed")
def wordings_changed(**kwargs: Any) -> None:
    _edited_wordings.forget()


def _wording(template: str, language: str) -> tuple[str, str]:
    """(subject, text) in `language`: the administrator's row if there is one, else the default."""
    edited = _edited_wordings.get().get((template, language))
    defaults = TEXTS.get(template)
    if edited is not None and edited[1].strip():
        return edited[0] or SUBJECTS.get(template, {}).get(language, ""), edited[1]
    if defaults is None:
        raise UnknownTemplate(template)
    return SUBJECTS[template][language], defaults[language]


def message_render(template: str, context: Mapping[str, Any]) -> str:
    """The message text; UnknownTemplate or KeyError (a missing placeholder) when it cannot be built."""
    language = language_of(context)
    return _wording(template, language)[1].format_map(derived_fields(context, language))


def message_subject(template: str, context: Mapping[str, Any]) -> str:
    """The e-mail subject for the message, in its language."""
    language = language_of(context)
    return _wording(template, language)[0].format_map(derived_fields(context, language))
