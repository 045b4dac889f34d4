"""What Huying's messages say, in Chinese and English; the context's "language" picks one (zh-Hans first)."""

from collections.abc import Mapping
from typing import Any

DEFAULT_LANGUAGE = "zh-hans"

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
    "emergency_alert": {
        "zh-hans": "【紧急】工单{number}：{title}。地点：{address}。请立即处置并在系统中签收。",
        "en": "[EMERGENCY] Case {number}: {title}. Place: {address}. Act now and accept it in Huying.",
    },
}

# Words a context may need in either language (the unit name has no translation of its own).
HANDLING_UNIT = {"zh-hans": "承办单位", "en": "the handling unit"}


class UnknownTemplate(KeyError):
    pass


def language_of(context: Mapping[str, Any]) -> str:
    language = str(context.get("language") or DEFAULT_LANGUAGE).lower()
    return language if language in ("zh-hans", "en") else DEFAULT_LANGUAGE


def message_render(template: str, context: Mapping[str, Any]) -> str:
    """The message text; UnknownTemplate or KeyError (a missing placeholder) when it cannot be built."""
    texts = TEXTS.get(template)
    if texts is None:
        raise UnknownTemplate(template)
    return texts[language_of(context)].format_map(context)
