"""Staff entry screens (录入): the landing after login, the hotline desk, and visits and forums."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huying.cases.models import Case
from huying.intake.console.access import (
    HOTLINE_ROLES,
    VISIT_ROLES,
    entries_for,
    json_error,
    role_required,
    role_required_json,
    staff_of,
)
from huying.intake.console.forms import (
    HotlineForm,
    TriageDraftForm,
    VisitHeaderForm,
    VisitRowFormSet,
    default_request_type,
)
from huying.intake.console.hotline import caller_history, hotline_answer, hotline_dispatch
from huying.intake.console.triage import Draft, desk_triage
from huying.intake.console.visit import Demand, RowFailed, Sitting, sitting_record
from huying.lib.errors import HuyingError

CALL_FIELDS = ("reporter_phone", "reporter_name", "category", "request_type", "address", "description", "urgency")


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponseBase:
    return render(request, "intake/console/home.html", {"entries": entries_for(staff_of(request))})


@never_cache  # the page shows callers' numbers and cases
@require_http_methods(["GET", "POST"])
@role_required(HOTLINE_ROLES)
def hotline(request: HttpRequest) -> HttpResponseBase:
    if request.method == "POST":
        form = HotlineForm(request.POST, action=request.POST.get("action", ""))
        if form.is_valid() and _take_call(request, form):
            # Back to an empty form at once: the next call is already ringing.
            return redirect("console:hotline")
        form.focus_first_error()
    else:
        form = HotlineForm(initial={"reporter_phone": request.GET.get("phone", "")})
    history = caller_history(staff_of(request), str(form["reporter_phone"].value() or ""))
    return render(request, "intake/console/hotline.html", {"form": form, "history": history})


def _take_call(request: HttpRequest, form: HotlineForm) -> Case | None:
    data = form.cleaned_data
    call = {name: data[name] for name in CALL_FIELDS}
    operator = staff_of(request)
    try:
        if form.action == HotlineForm.ANSWER:
            case, created = hotline_answer(operator=operator, form_key=data["form_key"], answer=data["answer"],
                                           **call)
        else:
            case, created = hotline_dispatch(operator=operator, form_key=data["form_key"], **call)
    except HuyingError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        return None
    messages.success(request, _call_message(case, created))
    return case


def _call_message(case: Case, created: bool) -> str:
    if not created:
        return _("此来电已登记为 %(number)s，未重复建单") % {"number": case.number}
    if case.status == "resolved":
        return _("已直接办结：%(number)s") % {"number": case.number}
    return _("已派单：%(number)s → %(unit)s") % {"number": case.number, "unit": case.current_unit}


@never_cache
@require_POST  # the number travels in the body: never in a URL that access logs keep
@role_required(HOTLINE_ROLES)
def caller(request: HttpRequest) -> HttpResponseBase:
    """The caller's earlier cases as an HTML fragment, fetched while the operator types."""
    history = caller_history(staff_of(request), request.POST.get("phone", ""))
    return render(request, "intake/console/_caller.html", {"history": history})


@never_cache
@require_POST  # the caller's words travel in the body, never in a URL
@role_required_json(HOTLINE_ROLES)
def triage(request: HttpRequest) -> HttpResponseBase:
    """Triage of the call being typed (研判), as JSON: categories, urgency, place, possible duplicates."""
    form = TriageDraftForm(request.POST)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        return json_error(str(errors[0]), field=None if field == "__all__" else field)
    data = form.cleaned_data
    draft = Draft(description=data["description"], address=data["address"],
                  category_id=data["category"].pk if data["category"] else None)
    return JsonResponse(desk_triage(user=staff_of(request), draft=draft))


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(VISIT_ROLES)
def visit(request: HttpRequest) -> HttpResponseBase:
    data = request.POST if request.method == "POST" else None
    header = VisitHeaderForm(data)
    rows = VisitRowFormSet(data, prefix="rows", form_kwargs={"default_type": default_request_type("help")})
    if data is not None and all([header.is_valid(), rows.is_valid()]):  # both validated: all errors at once
        cases = _record_sitting(request, header, rows)
        if cases is not None:
            messages.success(request, _("已登记 %(count)d 条诉求：%(numbers)s") % {
                "count": len(cases), "numbers": "、".join(c.number for c in cases)})
            return redirect("console:visit")
    row_errors = [(index + 1, [str(m) for found in form.errors.values() for m in found])
                  for index, form in enumerate(rows.forms) if form.errors]
    return render(request, "intake/console/visit.html", {"header": header, "rows": rows, "row_errors": row_errors})


def _record_sitting(request: HttpRequest, header: VisitHeaderForm, rows) -> list[Case] | None:
    head = header.cleaned_data
    filled = rows.filled()
    try:
        return sitting_record(
            by=staff_of(request), form_key=head["form_key"],
            sitting=Sitting(kind=head["kind"], address=head["address"], held_on=head["held_on"],
                            participants=head["participants"]),
            demands=[Demand(**form.cleaned_data) for _index, form in filled],
        )
    except RowFailed as failed:
        form = filled[failed.index][1]
        form.add_error(failed.error.field if failed.error.field in form.fields else None, str(failed.error.message))
        return None
