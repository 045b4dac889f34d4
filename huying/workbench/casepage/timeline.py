"""The case's timeline (处理过程): every event with who, which unit, what, and what it recorded."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from huying.cases.models import Case, CaseEvent, EventAttachment, ExclusionReason, TriageOutcome
from huying.cases.workflow import Status
from huying.catalog.models import Category, DeadlineKind
from huying.feedback.models import Satisfaction
from huying.intake.web.triage_words import danger_label, evidence_words, method_label, percent
from huying.org.models import Unit

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")

# Every action a case event can record, as the timeline names it.
ACTION_LABELS: dict[str, Promise] = {
    "create": gettext_lazy("受理"), "dispatch": gettext_lazy("派单"), "accept": gettext_lazy("签收"),
    "start": gettext_lazy("开始处置"), "return": gettext_lazy("退单"), "escalate": pgettext_lazy("case action", "上报"),
    "summon": gettext_lazy("吹哨"), "report_back": gettext_lazy("部门报到"),
    "request_extension": gettext_lazy("申请延期"), "decide_extension": gettext_lazy("延期审批"),
    "add_note": gettext_lazy("备注"), "resolve": gettext_lazy("办结"), "close": gettext_lazy("归档"),
    "reopen": pgettext_lazy("case action", "重办"), "merge": gettext_lazy("并单"), "merge_in": gettext_lazy("并入"),
    "request_invalidation": gettext_lazy("申请无效"), "invalidate": gettext_lazy("作无效处理"),
    "supervise": gettext_lazy("挂牌督办"), "lift_supervision": gettext_lazy("解除督办"),
    "instruct": gettext_lazy("领导批示"), "convene": gettext_lazy("组建专项响应组"),
    "group_report": gettext_lazy("专项组反馈"), "video": gettext_lazy("视频研判"), "rate": gettext_lazy("群众评价"),
    "remind": gettext_lazy("系统催办"), "overdue": pgettext_lazy("case action", "超时"),
    "alert_head": gettext_lazy("超时告警负责人"), "auto_escalate": gettext_lazy("超时自动上报"),
    "reclassify": gettext_lazy("改类"), "possible_duplicate": gettext_lazy("疑似重复"),
    "not_duplicate": gettext_lazy("确认非重复"),
    # How the case counts in the three rates (考核): call-backs and exclusions.
    "callback": gettext_lazy("回访"), "request_exclusion": gettext_lazy("申请核减"),
    "decide_exclusion": gettext_lazy("核减审批"), "restore_counting": gettext_lazy("撤销核减"),
}
TIMER_ACTIONS = ("remind", "overdue", "alert_head", "auto_escalate")


@dataclass(frozen=True)
class Attached:
    """A photo or file on an event, served by work:attachment (which checks access again)."""

    pk: int
    name: str
    image: bool


@dataclass
class Step:
    """One timeline entry, ready to show."""

    event: CaseEvent
    label: str
    details: list[tuple[str, str]] = field(default_factory=list)
    link: str = ""  # a video room
    photos: list[Attached] = field(default_factory=list)
    status_change: str = ""  # 已派单 → 已签收


def _attached(attachment: EventAttachment) -> Attached:
    stored = attachment.file.name
    return Attached(pk=attachment.pk, name=attachment.name or stored.rsplit("/", 1)[-1],
                    image=stored.lower().endswith(IMAGE_SUFFIXES))


def case_steps(case: Case) -> list[Step]:
    events = list(case.events.select_related("actor", "actor_unit", "unit").prefetch_related(
        Prefetch("attachments", queryset=EventAttachment.objects.order_by("id"))))
    unit_ids = {pk for e in events for pk in _unit_ids(e.data)}
    units = Unit.objects.in_bulk(unit_ids) if unit_ids else {}
    codes = {code for e in events for code in _category_codes(e)}
    categories = {c.code: c.local_name for c in Category.objects.filter(code__in=codes)} if codes else {}
    return [_step(e, units, categories) for e in events]


def _category_codes(event: CaseEvent) -> list[str]:
    """The categories an event names by code: a correction's from and to, triage's suggestions at intake."""
    data = event.data or {}
    if event.action == "reclassify":
        return [code for code in (data.get("from"), data.get("to")) if isinstance(code, str)]
    if event.action == "create" and isinstance(data.get("triage"), dict):
        return [code for code in data["triage"].get("suggested", []) if isinstance(code, str)]
    return []


def _unit_ids(data: dict) -> list[int]:
    ids = [*data.get("departments", []), *data.get("cohandlers", []), *data.get("units", [])]
    return [pk for pk in ids if isinstance(pk, int)]


def _names(ids: list, units: dict[int, Unit]) -> str:
    return "、".join(units[pk].name for pk in ids if pk in units)


def _when(value: Any) -> str:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(moment) else ""


def _step(event: CaseEvent, units: dict[int, Unit], categories: dict[str, str]) -> Step:
    data, action = event.data or {}, event.action
    step = Step(event=event, label=str(ACTION_LABELS.get(action, action)),
                photos=[_attached(a) for a in event.attachments.all()])
    if event.from_status and event.to_status and event.from_status != event.to_status:
        step.status_change = f"{_status_label(event.from_status)} → {_status_label(event.to_status)}"
    details = step.details
    if action in TIMER_ACTIONS and data.get("kind"):
        _timer_details(details, data, event.unit, action)
    elif event.unit is not None and action in ("dispatch", "return", "escalate", "merge", "reopen", "convene"):
        label = _("牵头单位") if action == "convene" else _("交由")
        details.append((label, event.unit.name))
    if action == "dispatch" and data.get("auto"):
        details.append((_("方式"), _("系统自动派单")))
    if data.get("departments"):
        details.append((_("吹哨部门"), _names(data["departments"], units)))
    if data.get("report_due_at"):
        details.append((_("报到时限"), _when(data["report_due_at"])))
    if data.get("cohandlers"):
        details.append((_("协办单位"), _names(data["cohandlers"], units)))
    if action == "convene" and data.get("units"):
        details.append((_("成员单位"), _names(data["units"], units)))
    if action in ("request_extension", "decide_extension") and data.get("until"):
        details.append((_("延期至"), _when(data["until"])))
    if action == "decide_extension":
        details.append((_("审批意见"), _("同意") if data.get("approved") else _("不同意")))
    if action == "merge" and data.get("into"):
        details.append((_("并入工单"), data["into"]))
    if action == "merge_in" and data.get("from"):
        details.append((_("来自工单"), data["from"]))
    _triage_details(details, action, data, categories)
    _measure_details(details, action, data)
    if action == "lift_supervision" and data.get("requirement"):
        details.append((_("原督办要求"), data["requirement"]))
    if action == "report_back" and data.get("all_reported"):
        details.append((_("进度"), _("全部部门已报到")))
    if action == "rate":
        details.append((_("评分"), _("响应%(r)s 办结%(c)s 满意%(s)s；%(solved)s") % {
            "r": data.get("responsiveness"), "c": data.get("completion"), "s": data.get("satisfaction"),
            "solved": _("已解决") if data.get("solved") else _("未解决")}))
    if action == "video":
        step.link = str(data.get("url", ""))
    return step


def _measure_details(details: list[tuple[str, str]], action: str, data: dict) -> None:
    """Call-backs (回访), the reopenings they and ratings cause, and exclusions from the rates (考核核减)."""
    if action == "reopen":
        how = {"callback": _("回访反映未解决，自动重办"), "resident": _("群众评价未解决，自动重办")}
        if data.get("after") in how:
            details.append((_("方式"), how[data["after"]]))
        elif data.get("by_resident"):
            details.append((_("方式"), _("群众申请重办")))
    elif action == "callback":
        details.append((_("联系结果"), _("已联系上") if data.get("reached") else _("未联系上")))
        if data.get("reached"):
            details.append((_("问题是否解决"), _("已解决") if data.get("solved") else _("未解决")))
            details.append((_("满意度"), _choice_label(Satisfaction, data.get("satisfaction"))))
    elif action in ("request_exclusion", "decide_exclusion", "restore_counting") and data.get("reason"):
        label = _("原核减原因") if action == "restore_counting" else _("核减原因")
        details.append((label, _choice_label(ExclusionReason, data["reason"])))
    if action == "decide_exclusion":
        details.append((_("审批意见"), _("同意核减") if data.get("approved") else _("不同意")))


def _choice_label(choices: Any, value: Any) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "")


def _triage_details(details: list[tuple[str, str]], action: str, data: dict, categories: dict[str, str]) -> None:
    """What triage (研判) suggested at intake, a person's correction, and the duplicate filter's verdicts."""
    if action == "create" and isinstance(data.get("triage"), dict):
        _intake_triage(details, data["triage"], categories)
    elif action == "reclassify":
        before, after = _category_name(data.get("from"), categories), _category_name(data.get("to"), categories)
        details.append((_("分类"), _("确认为 %(to)s") % {"to": after} if data.get("from") == data.get("to")
                        else f"{before or _('（未分类）')} → {after}"))
        if data.get("suggested"):
            details.append((_("模型首选"), _category_name(data["suggested"], categories)))
    elif action == "possible_duplicate" and data.get("candidates"):
        # Counted, not named: the 研判 panel names the ones this reader may open (the timeline knows no reader).
        best = max(c.get("score", 0.0) for c in data["candidates"])
        details.append((_("疑似重复工单"), _("%(n)d 件，最高重复度 %(p)d%%") % {
            "n": len(data["candidates"]), "p": percent(best)}))
    elif action in ("merge", "merge_in") and data.get("auto"):
        details.append((_("方式"), _("系统自动并单")))
        if "score" in data:
            details.append((_("重复度"), f"{percent(data['score'])}%"))
        if data.get("evidence"):
            details.append((_("依据"), "，".join(evidence_words(data["evidence"]))))


def _intake_triage(details: list[tuple[str, str]], triage: dict, categories: dict[str, str]) -> None:
    outcome = triage.get("outcome", "")
    details.append((_("研判结果"), str(TriageOutcome(outcome).label) if outcome in TriageOutcome.values else outcome))
    details.append((_("建议来源"), method_label(triage.get("method", ""), triage.get("model", ""))))
    if triage.get("suggested"):
        details.append((_("建议分类"), "、".join(_category_name(code, categories) for code in triage["suggested"])))
        details.append((_("置信度"), f"{percent(triage.get('confidence', 0.0))}%"))
    if triage.get("urgent"):
        details.append((_("紧急研判"), "、".join(danger_label(name) for name in triage["urgent"])))


def _category_name(code: Any, categories: dict[str, str]) -> str:
    if not code:
        return ""
    return f"{code} {categories[code]}" if code in categories else str(code)


def _timer_details(details: list[tuple[str, str]], data: dict, unit: Unit | None, action: str) -> None:
    """Which deadline the system acted on, when it was, and the unit concerned (or the unit it went up to)."""
    kind = data["kind"]
    details.append((_("时限"), str(DeadlineKind(kind).label) if kind in DeadlineKind.values else kind))
    details.append((pgettext("deadline", "到期时间"), _when(data.get("deadline_at"))))
    if unit is not None:
        details.append((_("上报至") if action == "auto_escalate" else _("责任单位"), unit.name))


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status
