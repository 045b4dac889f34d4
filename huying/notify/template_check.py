"""Checks on an administrator's wording of a message (消息模板): only the placeholders its context fills in.

Pure functions over text: the admin form turns their problems into errors on the field concerned.
"""

import string

from django.utils.translation import gettext as _

from huying.notify.templates import TEXTS, placeholders

# Filled in from the context's deadline kind and moment (templates.derived_fields): either may replace the other.
DEADLINE_FIELDS = frozenset({"deadline_name", "deadline"})
# What the staff messages' contexts carry whatever their default text uses (recipients.case_context, and the
# deadline for the timers' steps), so an administrator may name the unit in a reminder, say.
CASE_FIELDS = frozenset({"number", "title", "unit"})
CONTEXT_FIELDS: dict[str, frozenset[str]] = {
    **{code: CASE_FIELDS | DEADLINE_FIELDS
       for code in ("timer_remind", "timer_overdue", "timer_alert_head", "supervision_remind")},
    "timer_escalated": CASE_FIELDS,
    "supervision_notice": CASE_FIELDS | {"note"},
    "urgency_hint": CASE_FIELDS | {"note"},
}


class TemplateProblem(ValueError):
    """A wording that cannot be used; the message is shown to the administrator, in their language."""


def allowed_placeholders(code: str) -> set[str]:
    """The {names} a wording of `code` may use: those its default texts use (TemplateProblem: unknown code)."""
    defaults = TEXTS.get(code)
    if defaults is None:
        raise TemplateProblem(_("没有名为“%(code)s”的消息模板") % {"code": code})
    names = set().union(*(placeholders(text) for text in defaults.values())) | CONTEXT_FIELDS.get(code, set())
    return names | DEADLINE_FIELDS if names & DEADLINE_FIELDS else names


def wording_check(text: str, allowed: set[str]) -> None:
    """TemplateProblem naming the first unknown placeholder, or the reason `text` cannot be filled in."""
    try:
        unknown = sorted(placeholders(text) - allowed)
    except ValueError as exc:  # unbalanced braces: string.Formatter cannot even read the text
        raise TemplateProblem(_("无法解析：%(error)s。花括号须成对使用，文字中的花括号请写成 {{ 或 }}")
                              % {"error": exc}) from exc
    dressed = [name for _lit, name, spec, conversion in string.Formatter().parse(text) if name and (spec or conversion)]
    if dressed:  # {title:>2000000000} would build a 2 GB message: plain {name} only
        raise TemplateProblem(_("占位符 {%(name)s} 只能写作 {%(name)s}，不能带格式或转换") % {"name": dressed[0]})
    if unknown:
        raise TemplateProblem(_("未知的占位符 {%(name)s}，可用的占位符：%(allowed)s")
                              % {"name": unknown[0], "allowed": placeholder_list(allowed)})
    try:
        text.format_map({name: "" for name in allowed})
    except (ValueError, IndexError, KeyError, AttributeError, TypeError) as exc:  # e.g. {} or {0}, {number!x}
        raise TemplateProblem(_("无法填入内容：%(error)s") % {"error": exc}) from exc


def placeholder_list(names: set[str]) -> str:
    return "、".join(f"{{{name}}}" for name in sorted(names))
