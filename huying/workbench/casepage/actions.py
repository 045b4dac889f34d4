"""The buttons of the case page: which service each one calls, with which form, and when it is shown.

A button shows only when the workflow table, the case's state and the permission table all allow it
(`permissions.actions_for`); the same service refuses it again on the server, whatever was posted.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from huying.cases import services
from huying.cases.models import Case, CaseTriage, DuplicateDecision
from huying.cases.permissions import actions_for, may
from huying.cases.selectors import access_case
from huying.feedback.models import CallBack
from huying.feedback.services import callback_record
from huying.lib.errors import VersionConflict
from huying.org.models import User
from huying.workbench.casepage import forms as f
from huying.workbench.casepage import measure_forms as m


@dataclass(frozen=True)
class PageAction:
    name: str  # the URL segment and the form prefix
    rule: str  # the workflow action that decides *when* (TRANSITIONS)
    label: Promise
    form: type[f.ActionForm]
    run: Callable[..., Any]  # the one service that does it
    done: Promise  # said after it worked
    permission: str = ""  # who may (ACTION_RULES), when it is not `rule` itself
    style: str = ""  # "primary" for the next step of the usual path, "secondary" for the rest
    when: Callable[[Case], bool] | None = None  # a further condition on the case, beyond its status
    # Shown in that panel of the page instead of the list of actions ("triage": 研判, "measure": 考核).
    panel: str = ""

    def form_for(self, case: Case, user: User, data: Any = None, files: Any = None) -> f.ActionForm:
        return self.form(data, files, case=case, user=user, prefix=self.name)


def duplicate_in_question(case: Case) -> bool:
    """The duplicate filter flagged the case (疑似重复) and nobody has answered yet."""
    return CaseTriage.objects.filter(case=case, duplicate_decision=DuplicateDecision.POSSIBLE).exists()


def call_back(*, case: Case, by: User, version: int, **arguments: Any) -> CallBack:
    """回访 through the feedback app's one write path; `perform` has checked the version (a call-back leaves it)."""
    return callback_record(case=case, by=by, **arguments)


# Built at import time, so every label is lazy: it is translated when a page shows it.
PAGE_ACTIONS: list[PageAction] = [
    PageAction("accept", "accept", _("签收"), f.ConfirmForm, services.case_accept, _("已签收"), style="primary"),
    PageAction("start", "start", _("开始处置"), f.OptionalNoteForm, services.case_start, _("已开始处置"),
               style="primary"),
    PageAction("report-back", "report_back", _("报到反馈"), f.ReportForm, services.case_report_back, _("已报到"),
               style="primary"),
    PageAction("group-report", "group_report", _("专项组反馈"), f.ReportForm, services.case_group_report,
               _("已反馈")),
    PageAction("resolve", "resolve", _("办结"), f.ResolveForm, services.case_resolve, _("已办结"), style="primary"),
    PageAction("close", "close", _("归档"), f.OptionalNoteForm, services.case_close, _("已归档"), style="primary"),
    PageAction("note", "add_note", _("添加备注"), f.NoteForm, services.case_add_note, _("已添加备注")),
    PageAction("summon", "summon", _("吹哨（召集部门）"), f.SummonForm, services.case_summon,
               _("已吹哨，等待部门报到")),
    PageAction("cohandlers", "add_note", _("添加协办单位"), f.CohandlersForm, services.case_add_cohandlers,
               _("已添加协办单位"), permission="add_cohandlers"),
    PageAction("request-extension", "request_extension", _("申请延期"), f.ExtensionRequestForm,
               services.case_request_extension, _("已提交延期申请")),
    PageAction("decide-extension", "decide_extension", _("审批延期"), f.ExtensionDecisionForm,
               services.case_approve_extension, _("已审批延期申请"), style="primary"),
    PageAction("return", "return", _("退单"), f.ReasonForm, services.case_return, _("已退单")),
    PageAction("escalate", "escalate", pgettext_lazy("case action", "上报"), f.ReasonForm, services.case_escalate,
               _("已上报")),
    PageAction("dispatch", "dispatch", _("派单 / 改派"), f.DispatchForm, services.case_dispatch, _("已派单")),
    PageAction("supervise", "supervise", _("挂牌督办"), f.SuperviseForm, services.case_supervise, _("已挂牌督办")),
    PageAction("lift-supervision", "lift_supervision", _("解除督办"), f.OptionalNoteForm,
               services.case_lift_supervision, _("已解除督办")),
    PageAction("instruct", "instruct", _("领导批示"), f.InstructForm, services.case_instruct, _("已批示")),
    PageAction("convene", "convene", _("组建专项响应组"), f.ConveneForm, services.case_convene_group,
               _("已组建专项响应组")),
    PageAction("video", "video", _("发起视频研判"), f.ConfirmForm, services.case_open_video, _("已开启视频会商室")),
    PageAction("reopen", "reopen", pgettext_lazy("case action", "重办"), f.ReasonForm, services.case_reopen,
               _("已重办")),
    PageAction("merge", "merge", _("并单"), f.MergeForm, services.case_merge, _("已并单")),
    PageAction("reclassify", "reclassify", _("改类"), f.ReclassifyForm, services.case_reclassify, _("已改类")),
    PageAction("not-duplicate", "not_duplicate", _("非重复"), f.OptionalNoteForm, services.case_not_duplicate,
               _("已确认非重复"), when=duplicate_in_question, panel="triage"),
    PageAction("request-invalidation", "request_invalidation", _("申请无效"), f.ReasonForm,
               services.case_request_invalidation, _("已申请作无效处理")),
    PageAction("invalidate", "invalidate", _("作无效处理"), f.ReasonForm, services.case_invalidate, _("已作无效处理")),
    # The 考核 panel: call-backs (回访) and exclusions from the three rates (考核核减).
    PageAction("callback", "callback", _("登记回访"), m.CallBackForm, call_back, _("已登记回访"), style="primary",
               panel="measure"),
    PageAction("request-exclusion", "request_exclusion", _("申请核减"), m.ExclusionRequestForm,
               services.case_request_exclusion, _("已提交核减申请"), panel="measure"),
    PageAction("decide-exclusion", "decide_exclusion", _("审批核减"), m.ExclusionDecisionForm,
               services.case_decide_exclusion, _("已审批核减申请"), style="primary", panel="measure"),
    PageAction("restore-counting", "restore_counting", _("撤销核减"), m.RestoreCountingForm,
               services.case_restore_counting, _("已撤销核减，工单重新计入考核"), panel="measure"),
]
BY_NAME = {action.name: action for action in PAGE_ACTIONS}


def offered(user: User, case: Case) -> list[PageAction]:
    """The buttons for this user on this case now, in page order."""
    now = set(actions_for(user, case))
    return [a for a in PAGE_ACTIONS if a.rule in now and (not a.permission or may(user, case, a.permission))
            and (a.when is None or a.when(case))]


def perform(action: PageAction, *, user: User, number: str, form: f.ActionForm) -> Any:
    """Lock the case, check the page was current, run the service. Raises the service's HuyingError."""
    with transaction.atomic():
        # Row lock: two desks acting on one case queue here; the version check catches the slower one's stale page.
        case = access_case(user, number, for_update=True)
        if case.version != form.cleaned_data["version"]:
            raise VersionConflict(gettext("本页已过期：工单刚刚被他人更新。页面已显示最新情况，请核对后再提交"))
        return action.run(case=case, by=user, version=case.version, **form.arguments())
