"""What triage (研判) found, in words a person reads: the dangers, how a place was found, why two requests look
like one matter, and which method suggested the category. Shared by the resident form, the operator console
and the case page, so each says the same thing the same way.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.triage.urgency import DANGER_LABELS

# PlaceMatch.how: by the phone's or the map's point, by a registered address, by a near match of one.
PLACE_HOW_LABELS: dict[str, Promise] = {
    "point": gettext_lazy("按坐标定位"),
    "address": gettext_lazy("地址匹配"),
    "fuzzy": gettext_lazy("地址近似匹配"),
    "mention": gettext_lazy("诉求内容中提及"),
    "text": gettext_lazy("诉求内容中提及"),
    "text_fuzzy": gettext_lazy("诉求内容近似匹配"),
}


def danger_label(name: str) -> str:
    return str(DANGER_LABELS.get(name, name))  # a rule added without a label is shown by its name


def place_how_label(how: str) -> str:
    return str(PLACE_HOW_LABELS.get(how, how))


def method_label(method: str, model_version: str) -> str:
    """Who suggested: the model and its version, the catalogue's keywords (关键词规则), or nobody."""
    if method == "model":
        return _("模型 %(version)s") % {"version": model_version}
    if method == "keywords":
        return _("关键词规则")
    return _("无分类建议")


def percent(share: float) -> int:
    return round(max(0.0, min(1.0, float(share))) * 100)


def evidence_words(evidence: Mapping[str, Any]) -> list[str]:
    """Why the duplicate filter thinks two requests are one matter, one short phrase per piece of evidence."""
    words = []
    for key, value in evidence.items():
        if key == "same_grid" and evidence.get("same_building"):
            continue  # the same building is in the same grid: saying both says nothing more
        phrase = _evidence_phrase(key, value)
        if phrase:
            words.append(phrase)
    return words


def _evidence_phrase(key: str, value: Any) -> str:
    """One piece of huying.triage.duplicates' evidence; facts that only argue against a match are left out."""
    if value is None:
        return ""
    if key == "distance_m":
        return _("相距 %(m)d 米") % {"m": round(float(value))}
    if key == "hours_apart":
        return _("相隔 %(h)s 小时") % {"h": _short_number(float(value))}
    if key == "text_similarity":
        return _("文字相似度 %(p)d%%") % {"p": percent(float(value))}
    if key == "hours_since_closed":
        return _("原工单已办结 %(h)s 小时") % {"h": _short_number(float(value))}
    flags = {"same_building": _("同一楼栋"), "same_grid": _("同一网格"), "same_category": _("同一分类"),
             "old_open": _("原工单在办")}
    return flags.get(key, "") if value is True else ""


def _short_number(value: float) -> str:
    return str(round(value)) if value >= 10 or value == round(value) else f"{value:.1f}"
