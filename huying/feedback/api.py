"""POST /api/v1/cases/{number}/callback (回访): an operator records a call-back of the case's current round.

It lives in the feedback app because it writes the feedback app's CallBack row (through
`huying.feedback.services.callback_record`), which the cases app may not import; huying/api.py mounts
`callback_router` on /v1/cases beside the cases router. It answers the case as the other action endpoints do.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Router

from huying.cases.api import case_for
from huying.cases.api_schemas import AuthedRequest, CaseDetail, Text2000, VersionIn
from huying.feedback.models import Satisfaction
from huying.feedback.services import callback_record
from huying.lib.errors import VersionConflict

callback_router = Router()


class CallBackIn(VersionIn):
    reached: bool = Field(description="the resident answered the call (联系上)")
    solved: bool | None = Field(None, description="required when reached: the problem is solved (问题已解决)")
    satisfaction: Satisfaction | None = Field(None, description="required when reached (满意度)")
    note: Text2000 = Field("", description="the operator's note (回访记录), at most 2,000 characters; staff only")


@callback_router.post(
    "/{number}/callback", response=CaseDetail, summary="Record a call-back (回访)",
    description="Operators and the command centre, on a resolved or closed case. A reached call-back carries "
                "`solved` and `satisfaction`; an unreached one is kept and decides nothing. A reached call-back "
                "that says not solved reopens the case (重办) under the feedback policy. The case's version does "
                "not change, but a stale `version` is refused.")
def case_callback(request: AuthedRequest, number: str, payload: CallBackIn):
    with transaction.atomic():
        case = case_for(request.auth, number, for_update=True)  # row lock: one evaluation of a round at a time
        if payload.version is not None and payload.version != case.version:
            raise VersionConflict(_("工单已被他人修改，请刷新后重试"))
        callback_record(case=case, by=request.auth, reached=payload.reached, solved=payload.solved,
                        satisfaction=payload.satisfaction.value if payload.satisfaction else "", note=payload.note)
    return case_for(request.auth, number)  # read again: a "not solved" call-back may have reopened it
