"""The hotline desk (12345 坐席): a call becomes a case, dispatched at once or answered directly (直接办结)."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from huying.cases.models import Case, Channel
from huying.cases.selectors import cases_visible_to
from huying.cases.services import case_create_once, case_resolve
from huying.intake.web.abuse import caller_blocked
from huying.intake.web.validators import phone_normalise
from huying.org.models import User

HISTORY_LIMIT = 10
MIN_LOOKUP_DIGITS = 5  # fewer digits match too many callers to be worth showing


def _scope(operator: User) -> str:
    return f"hotline:{operator.pk}"


def hotline_dispatch(*, operator: User, form_key: str, **call: Any) -> tuple[Case, bool]:
    """Register the call and route it at once; (case, created) — a form sent twice makes one case."""
    return case_create_once(scope=_scope(operator), key=form_key, by=operator, channel=Channel.HOTLINE, **call)


@transaction.atomic
def hotline_answer(*, operator: User, form_key: str, answer: str, **call: Any) -> tuple[Case, bool]:
    """Register the call and resolve it with the operator's answer (直接办结); never routed to a unit."""
    case, created = case_create_once(scope=_scope(operator), key=form_key, by=operator, channel=Channel.HOTLINE,
                                     auto_route=False, **call)
    if created:  # a repeated form finds its case already answered
        case_resolve(case=case, by=operator, result=answer)
    return case, created


@dataclass(frozen=True)
class CallerHistory:
    phone: str  # empty when too few digits were typed to look anyone up
    cases: list[Case]
    more: bool  # there are older cases than the ones shown
    blocked: bool  # on the malicious-caller list (恶意来电)


def caller_history(user: User, raw_phone: str) -> CallerHistory:
    """The caller's earlier cases, newest first, among those `user` may see."""
    phone = phone_normalise(raw_phone)
    if sum(ch.isdigit() for ch in phone) < MIN_LOOKUP_DIGITS:
        return CallerHistory(phone="", cases=[], more=False, blocked=False)
    found = list(
        cases_visible_to(user).filter(reporter_phone=phone).only("number", "created_at", "title", "status")
        .order_by("-created_at", "-pk")[: HISTORY_LIMIT + 1]
    )
    return CallerHistory(phone=phone, cases=found[:HISTORY_LIMIT], more=len(found) > HISTORY_LIMIT,
                         blocked=caller_blocked(phone))
