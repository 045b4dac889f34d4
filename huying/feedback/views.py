"""The resident's pages behind the tracking link (/t/): follow a case, rate it, ask for it to be redone."""

import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from huying.cases.models import Case
from huying.feedback.forms import LookupForm, RatingForm, ReopenForm
from huying.feedback.models import FeedbackPolicy
from huying.feedback.selectors import (
    case_by_number_and_phone,
    case_by_token,
    case_public,
    rating_of_round,
    rating_window_open,
    reopen_blocker,
    result_attachment,
)
from huying.feedback.services import rating_create, resident_reopen
from huying.feedback.throttle import track_attempt_allowed
from huying.lib.errors import HuyingError

# Shown in the page; anything else (SVG can carry script, HTML, PDF) is only offered as a download.
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


def _case_or_404(token: str) -> Case:
    case = case_by_token(token)
    if case is None:
        raise Http404
    return case


def _private(response: HttpResponseBase) -> HttpResponseBase:
    # Whoever holds the link sees a phone number (masked) and the result: no shared cache may keep the page.
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponseBase:
    form = LookupForm(request.POST or None)
    if request.method == "POST":
        if not track_attempt_allowed(request):
            form.add_error(None, _("查询过于频繁，请稍后再试"))
        elif form.is_valid():
            case = case_by_number_and_phone(form.cleaned_data["number"], form.cleaned_data["phone_last4"])
            if case is not None:
                return redirect("feedback:track", token=case.tracking_token)
            # One message for an unknown number and a wrong phone: the page must not confirm that a number exists.
            form.add_error(None, _("未找到，请核对工单编号和联系电话后四位"))
    return render(request, "feedback/lookup.html", {"form": form})


@require_GET
def track(request: HttpRequest, token: str) -> HttpResponseBase:
    case = _case_or_404(token)
    now, policy = timezone.now(), FeedbackPolicy.current()
    context = {
        "view": case_public(case, now=now), "token": token,
        "can_rate": rating_window_open(case, policy, now=now) and rating_of_round(case) is None,
        "can_reopen": reopen_blocker(case, policy, now=now) is None,
    }
    return _private(render(request, "feedback/case.html", context))


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponseBase:
    case = _case_or_404(token)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rating_create(case=case, **form.cleaned_data)
        except HuyingError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect("feedback:rate", token=token)
    now, policy = timezone.now(), FeedbackPolicy.current()
    context = {
        "case": case, "token": token, "form": form, "rating": rating_of_round(case),
        "window_open": rating_window_open(case, policy, now=now), "sent_back": _sent_back_by_rating(case),
        "can_reopen": reopen_blocker(case, policy, now=now) is None, "reopen_form": ReopenForm(),
    }
    return _private(render(request, "feedback/rate.html", context))


def _sent_back_by_rating(case) -> bool:
    """The resident's "not solved" rating has just sent the case back for handling again (重办)."""
    if case.status != "reopened":
        return False
    last = case.events.filter(action="reopen").order_by("-created_at", "-id").first()
    return last is not None and last.data.get("after") == "resident"


@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, token: str) -> HttpResponseBase:
    case = _case_or_404(token)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resident_reopen(case=case, reason=form.cleaned_data["reason"])
        except HuyingError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("已申请重办，工单已退回承办单位重新办理"))
            return redirect("feedback:track", token=token)
    blocker = reopen_blocker(case, FeedbackPolicy.current(), now=timezone.now())
    context = {"case": case, "token": token, "form": form, "blocker": blocker}
    return _private(render(request, "feedback/reopen.html", context))


@require_GET
def photo(request: HttpRequest, token: str, attachment_id: int) -> HttpResponseBase:
    """A result photo, served only to the link's holder: media files have no public URL of their own."""
    attachment = result_attachment(_case_or_404(token), attachment_id)
    if attachment is None:
        raise Http404
    content_type = mimetypes.guess_type(attachment.file.name)[0] or "application/octet-stream"
    response = FileResponse(attachment.file.open("rb"), content_type=content_type,
                            as_attachment=content_type not in INLINE_TYPES)
    return _private(response)
