"""Public pages under /r/: the resident, business and emergency forms, the done page, the privacy notice;
and the staff's printable QR sheets."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huying.cases.models import Channel
from huying.geo.models import Building
from huying.intake.web.forms import DESCRIPTION_MAX, BusinessForm, EmergencyForm, PublicForm, ResidentForm
from huying.intake.web.qr import (
    BadPlaceToken,
    communities_for_staff,
    community_codes,
    community_for_staff,
    place_from_token,
)
from huying.intake.web.qr_pdf import SheetItem, sheet_pdf
from huying.intake.web.submit import DONE_SESSION_KEY, PublicChannel, form_page, public_submit, refusal
from huying.intake.web.suggest import resident_suggestions, suggest_allowed
from huying.org.models import Unit, User


def _resident_channel(form: PublicForm) -> str:
    return Channel.QR if getattr(form, "building", None) is not None else Channel.WEB  # 扫码报事 when scanned


RESIDENT = PublicChannel(ResidentForm, "intake/web/new.html", _resident_channel)
BUSINESS = PublicChannel(BusinessForm, "intake/web/business.html", lambda form: Channel.BUSINESS)
# An emergency is created with urgency "emergency" and no category, so case_create dispatches it at once to the
# command centre of the place's district (no dispatch rule → 权责不清 → the centre, which is on duty around the
# clock), whose queue is to put urgency 特急 first; the centre re-dispatches to the grid or community at once.
# Counted under their own rate limits, so ordinary requests earlier in the day never block a call for help.
EMERGENCY = PublicChannel(EmergencyForm, "intake/web/emergency.html", lambda form: Channel.EMERGENCY,
                          ip_limit="emergency_ip", phone_limit="emergency_phone", emergency=True)


def _page(request: HttpRequest, channel: PublicChannel, building: Building | None = None) -> HttpResponse:
    form_kwargs = {"building": building} if building is not None else {}
    if request.method == "POST":
        return public_submit(request, channel, form_kwargs, building=building)
    return form_page(request, channel, channel.form_class(**form_kwargs), building=building)


@require_http_methods(["GET", "POST"])
def resident_new(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("place") or request.GET.get("place")
    try:
        building = place_from_token(token) if token else None
    except BadPlaceToken:
        return refusal(request, 400, _("二维码无效或已被改动，请直接填写表单反映问题"))
    return _page(request, RESIDENT, building)


@require_http_methods(["GET", "POST"])
def business_new(request: HttpRequest) -> HttpResponse:
    return _page(request, BUSINESS)


@require_http_methods(["GET", "POST"])
def emergency_new(request: HttpRequest) -> HttpResponse:
    return _page(request, EMERGENCY)


@never_cache
@require_POST  # what the resident typed stays out of URLs and access logs
def suggest(request: HttpRequest) -> HttpResponse:
    """Category suggestions and the urgency hint for the text being typed, as JSON (categories only)."""
    if not suggest_allowed(request):
        return _json_error(_("请求太频繁，请稍后再试"), status=429)
    description = request.POST.get("description", "").strip()
    if not description:
        return _json_error(_("请填写诉求内容"), field="description")
    if len(description) > DESCRIPTION_MAX:
        return _json_error(_("诉求内容过长"), field="description")
    return JsonResponse(resident_suggestions(description))


def _json_error(message: str, *, field: str | None = None, status: int = 422) -> JsonResponse:
    return JsonResponse({"error": message, "field": field}, status=status)


@require_GET
def done(request: HttpRequest) -> HttpResponse:
    last = request.session.get(DONE_SESSION_KEY)
    if not last:
        return redirect("intake_web:new")
    link = request.build_absolute_uri(reverse("feedback:track", kwargs={"token": last["token"]}))
    return render(request, "intake/web/done.html", {"number": last["number"], "tracking_url": link,
                                                    "emergency": last.get("emergency", False)})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/web/privacy.html")


def _staff_community(request: HttpRequest) -> Unit:
    user = request.user
    assert isinstance(user, User)  # login_required let only signed-in staff through
    community = community_for_staff(user, request.GET.get("community", ""))
    if community is None:
        raise Http404(_("未找到该社区，或不在您的管辖范围内"))
    return community


@login_required
@require_GET
def qr_sheet(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("community"):
        assert isinstance(request.user, User)
        return render(request, "intake/web/qr_pick.html", {"communities": communities_for_staff(request.user)})
    community = _staff_community(request)
    return render(request, "intake/web/qr_sheet.html", {"community": community, "codes": community_codes(community)})


@login_required
@require_GET
def qr_sheet_pdf(request: HttpRequest) -> HttpResponse:
    community = _staff_community(request)
    items = [SheetItem(c.building.name, c.building.address, c.url) for c in community_codes(community)]
    pdf = sheet_pdf(items, heading=_("%(community)s · 扫码反映问题") % {"community": community.name})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="qr-{community.code}.pdf"'
    return response
