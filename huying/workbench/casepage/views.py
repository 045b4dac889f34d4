"""The case page (工单详情, /work/cases/<number>/), its action forms, and the photos it shows."""

import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from huying.cases.models import Case, EventAttachment
from huying.cases.permissions import video_server
from huying.cases.selectors import access_case
from huying.lib.errors import HuyingError, NotFound
from huying.org.models import User
from huying.workbench.access import staff, staff_required
from huying.workbench.casepage.actions import BY_NAME, PageAction, offered, perform
from huying.workbench.casepage.forms import ActionForm
from huying.workbench.casepage.measure import measure_panel
from huying.workbench.casepage.story import case_story, countdown_words
from huying.workbench.casepage.triage import triage_panel

NUMBER_MAX = Case._meta.get_field("number").max_length or 32
# Shown in the page; anything else (SVG can carry script, HTML, PDF) is only offered as a download.
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


def _case(user: User, number: str) -> Case:
    if len(number) > NUMBER_MAX:  # cannot be a case number; don't send it to the database
        raise Http404
    try:
        return access_case(user, number)
    except NotFound as exc:  # an outsider cannot tell a case they may not see from one that does not exist
        raise Http404 from exc


@never_cache  # the page may show a reporter's phone
@require_GET
@staff_required()
def case(request: HttpRequest, number: str) -> HttpResponseBase:
    user = staff(request)
    return _page(request, user, _case(user, number))


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required()
def act(request: HttpRequest, number: str, action: str) -> HttpResponseBase:
    if request.method == "GET":  # a reload after a refused form: back to the case page, never a blank 405
        return redirect("work:case", number=number)
    user = staff(request)
    spec = BY_NAME.get(action)
    if spec is None:
        raise Http404
    current = _case(user, number)
    if spec not in offered(user, current):  # the button was not shown: refuse before reading anything typed
        error = _("此操作当前不可用：“%(action)s”。工单可能刚被他人处理，页面已显示最新情况。") % {"action": spec.label}
        return _page(request, user, current, error=error, status=403)
    form = spec.form_for(current, user, request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, user, current, failed=(spec, form), status=422)
    try:
        perform(spec, user=user, number=current.number, form=form)
    except HuyingError as exc:
        return _refused(request, user, spec, form, exc)
    messages.success(request, _("%(done)s：%(number)s") % {"done": spec.done, "number": current.number})
    return redirect("work:case", number=current.number)


def _refused(request: HttpRequest, user: User, spec: PageAction, form: ActionForm, exc: HuyingError) -> HttpResponse:
    """Show the page as it is now, with the form as it was typed and the service's reason."""
    fresh = _case(user, form.case.number)
    data = request.POST.copy()
    data[form.add_prefix("version")] = str(fresh.version)  # what is typed may be sent again against the fresh page
    retry = spec.form_for(fresh, user, data)
    retry.is_valid()
    retry.add_error(form.error_field(exc.field), str(exc.message))
    return _page(request, user, fresh, failed=(spec, retry), status=exc.status)


def _page(request: HttpRequest, user: User, case: Case, *, failed: tuple[PageAction, ActionForm] | None = None,
          error: str = "", status: int = 200) -> HttpResponse:
    shown = [(spec, failed[1] if failed and failed[0] is spec else spec.form_for(case, user))
             for spec in offered(user, case)]
    forms = {spec.name: form for spec, form in shown}
    story = case_story(user, case)
    context = {
        "case": case, "story": story, "actions": [(s, f) for s, f in shown if not s.panel],
        "measure": measure_panel(case, story.steps),
        "measure_actions": [(s, f) for s, f in shown if s.panel == "measure"],
        "triage": triage_panel(user, case), "can_merge": "merge" in forms, "can_reclassify": "reclassify" in forms,
        "not_duplicate_form": forms.get("not-duplicate"), "error": error,
        "failed": failed[0].name if failed else "", "failed_form": failed[1] if failed else None,
        "video_server": video_server(), "countdown_words": countdown_words(), "now": timezone.now(),
    }
    return render(request, "workbench/casepage/case.html", context, status=status)


@require_GET
@staff_required()
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """A photo or file of a case, served only to those who may see the case: media have no public URL."""
    found = EventAttachment.objects.select_related("event__case").filter(pk=attachment_id).first()
    if found is None:
        raise Http404
    _case(staff(request), found.event.case.number)
    content_type = mimetypes.guess_type(found.file.name)[0] or "application/octet-stream"
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type, as_attachment=content_type not in INLINE_TYPES,
                            filename=found.file.name.rsplit("/", 1)[-1])
    patch_cache_control(response, private=True, max_age=3600)
    return response
