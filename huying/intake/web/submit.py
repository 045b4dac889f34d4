"""The one path every public form takes from a POST to a case: robot checks, limits, blocklist, case_create.

Order matters: the cheap refusals (honeypot, an IP already over its limit) come before the photos are
decoded; the counters and the single-use token are spent only by a form that would create a case.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.cases.models import Case, Urgency
from huying.cases.services import case_create
from huying.intake.web import abuse
from huying.intake.web.abuse import Challenge
from huying.intake.web.forms import PublicForm
from huying.lib import ratelimit
from huying.lib.errors import HuyingError

DONE_SESSION_KEY = "intake_done"

CHALLENGE_MESSAGES: dict[Challenge, Promise] = {
    Challenge.TOO_FAST: gettext_lazy("提交过快，请确认内容后再次提交"),
    Challenge.INVALID: gettext_lazy("页面已过期，请确认内容后再次提交"),
}


@dataclass(frozen=True)
class PublicChannel:
    """A public form and how its cases are made: the form, its page, its channel and its rate limits."""

    form_class: type[PublicForm]
    template: str
    channel: Callable[[PublicForm], str]
    ip_limit: str = "submit_ip"
    phone_limit: str = "submit_phone"
    emergency: bool = False  # refusals then also point to 110 / 119 / 120
    context: dict[str, Any] = field(default_factory=dict)


def refusal(request: HttpRequest, status: int, message: str, *, emergency: bool = False) -> HttpResponse:
    return render(request, "intake/web/refused.html", {"message": message, "emergency": emergency}, status=status)


def form_page(request: HttpRequest, channel: PublicChannel, form: PublicForm, **extra: Any) -> HttpResponse:
    return render(request, channel.template, {"form": form, **channel.context, **extra})


def public_submit(request: HttpRequest, channel: PublicChannel, form_kwargs: dict[str, Any],
                  **extra: Any) -> HttpResponse:
    """Handle a POST of `channel`'s form: a redirect to the done page, the form again, or a refusal."""
    emergency = channel.emergency
    ip = ratelimit.client_ip(request)
    if abuse.honeypot_filled(request.POST):
        return refusal(request, 400, _("提交未成功，请刷新页面后重新填写"), emergency=emergency)
    if ratelimit.rate_exceeded(channel.ip_limit, ip):
        return refusal(request, 429, _("提交太频繁，请稍后再试，或拨打 12345 热线"), emergency=emergency)
    challenge = abuse.challenge_check(request.POST.get("form_token", ""))
    form = channel.form_class(request.POST, request.FILES, **form_kwargs)
    if challenge is Challenge.INVALID:
        _refresh_token(form)
    if not form.is_valid() or challenge is not Challenge.OK:
        if challenge is not Challenge.OK:
            form.add_error(None, str(CHALLENGE_MESSAGES[challenge]))
        return form_page(request, channel, form, **extra)
    phone = form.phone()
    if abuse.caller_blocked(phone):
        # Neutral on purpose: a blocked caller learns nothing about the list.
        return refusal(request, 403, _("暂时无法通过网上渠道受理，请拨打 12345 热线"), emergency=emergency)
    within_ip = ratelimit.rate_hit(channel.ip_limit, ip)
    if not within_ip or (phone and not ratelimit.rate_hit(channel.phone_limit, phone)):
        return refusal(request, 429, _("提交太频繁，请稍后再试，或拨打 12345 热线"), emergency=emergency)
    if not abuse.challenge_consume(form.cleaned_data["form_token"]):
        _refresh_token(form)
        form.add_error(None, _("这份表单已经提交过，请勿重复提交"))
        return form_page(request, channel, form, **extra)
    return _create(request, channel, form, **extra)


def _create(request: HttpRequest, channel: PublicChannel, form: PublicForm, **extra: Any) -> HttpResponse:
    try:
        case = case_create(by=None, channel=channel.channel(form), **form.case_fields())
    except HuyingError as exc:  # case_create rolled back: nothing was written
        _refresh_token(form)
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        return form_page(request, channel, form, **extra)
    _remember(request, case)
    return redirect("intake_web:done")


def _remember(request: HttpRequest, case: Case) -> None:
    # The done page reads the number and the private link from this browser's session, so a reload shows
    # them again and they never sit in a URL that a proxy log or a shared screen could keep.
    request.session[DONE_SESSION_KEY] = {"number": case.number, "token": case.tracking_token,
                                         "emergency": case.urgency == Urgency.EMERGENCY}


def _refresh_token(form: PublicForm) -> None:
    """Give the re-shown form a new challenge token (its old one is spent or no longer valid)."""
    assert isinstance(form.data, QueryDict)  # bound from request.POST
    data = form.data.copy()
    data["form_token"] = abuse.challenge_issue()
    form.data = data
