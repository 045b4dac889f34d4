"""The cases API (/api/v1/cases) and the pick lists it needs (/api/v1/units, /api/v1/catalog/*).

Each view parses, checks access (access_case / cases_visible_to), calls the one service for the action and
returns the case. Codes the caller sends (units, categories, tiers) are looked up here: unknown ones are a 422
naming the field, never a 500.
"""

from collections.abc import Callable

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from huying.cases import services
from huying.cases.api_schemas import (
    AuthedRequest,
    CaseCreateIn,
    CaseDetail,
    CaseFilters,
    CaseListItem,
    CategoryOut,
    CodeName,
    CohandlersIn,
    DispatchIn,
    ExclusionDecisionIn,
    ExclusionRequestIn,
    ExtensionDecisionIn,
    ExtensionRequestIn,
    InstructIn,
    InvalidateIn,
    MergeIn,
    NotDuplicateIn,
    NoteIn,
    NoteOptionalIn,
    ReasonIn,
    ReclassifyIn,
    ReportBackIn,
    ResolveIn,
    ResponseGroupIn,
    SummonIn,
    SuperviseIn,
    TierOut,
    UnitFilters,
    UnitOut,
    VersionIn,
)
from huying.cases.models import Case
from huying.cases.selectors import access_case, cases_visible_to
from huying.cases.workflow import ACTIVE
from huying.catalog.models import Category, RequestType, Tier
from huying.lib.errors import InvalidInput, NotFound
from huying.org.models import Unit, User

cases_router = Router()
reference_router = Router()


# ---- lookups -----------------------------------------------------------------------------------------------


def _unknown(field: str, code: str) -> InvalidInput:
    return InvalidInput(_("编码不存在或已停用：%(code)s") % {"code": code[:64]}, code="unknown_code", field=field)


def by_code(model, code: str, field: str, **filters):
    found = model.objects.filter(code=code, **filters).first()
    if found is None:
        raise _unknown(field, code)
    return found


def units_by_code(codes: list[str], field: str) -> list[Unit]:
    found = {u.code: u for u in Unit.objects.filter(code__in=codes, active=True)}
    for code in codes:
        if code not in found:
            raise _unknown(field, code)
    return [found[code] for code in dict.fromkeys(codes)]


def _case(user: User, number: str, *, for_update: bool = False) -> Case:
    if len(number) > 32 or "\x00" in number:  # cannot be a case number; don't send it to the database
        raise NotFound(_("工单不存在或无权查看"), code="case_not_found")
    return access_case(user, number, for_update=for_update)


def _act(request: AuthedRequest, number: str, service: Callable, **arguments) -> Case:
    """Lock the case the caller may see and run one service on it."""
    with transaction.atomic():
        # Row lock: two people acting on one case queue here; the version check catches stale screens.
        case = _case(request.auth, number, for_update=True)
        service(case=case, by=request.auth, **arguments)
    return case


def case_for(user: User, number: str, *, for_update: bool = False) -> Case:
    """The case `user` may see (NotFound otherwise), for endpoints that apps above this one add to /cases."""
    return _case(user, number, for_update=for_update)


# ---- cases -------------------------------------------------------------------------------------------------


@cases_router.post("", response={201: CaseDetail}, summary="Take in a case (受理)")
def case_create(request: AuthedRequest, payload: CaseCreateIn):
    fields = payload.model_dump(exclude={"request_type", "category"})
    request_type = by_code(RequestType, payload.request_type, "request_type")
    category = by_code(Category, payload.category, "category", active=True) if payload.category else None
    case = services.case_create(by=request.auth, request_type=request_type, category=category, **fields)
    return Status(201, case)


class CasePagination(PageNumberPagination):
    class Input(Schema):
        # Bounded so a silly page number is a 422, not an OFFSET the database cannot represent.
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, description="at most 100")


ORDERINGS: dict[str, tuple[str | OrderBy, ...]] = {
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "completion_due_at": (F("completion_due_at").asc(nulls_last=True), "id"),
    "-completion_due_at": (F("completion_due_at").desc(nulls_last=True), "-id"),
    "-updated_at": ("-updated_at", "-id"),
    "number": ("number",),
}


def cases_filtered(qs: QuerySet[Case], f: CaseFilters) -> QuerySet[Case]:
    if f.status:
        qs = qs.filter(status=f.status)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.category:
        top = by_code(Category, f.category, "category")
        qs = qs.filter(Q(category=top) | Q(category__parent=top) | Q(category__parent__parent=top))
    if f.street:
        qs = qs.filter(street=by_code(Unit, f.street, "street"))
    if f.current_unit:
        qs = qs.filter(current_unit=by_code(Unit, f.current_unit, "current_unit"))
    if f.overdue is not None:
        late = Q(completion_due_at__lt=timezone.now(), status__in=ACTIVE)
        qs = qs.filter(late) if f.overdue else qs.exclude(late)
    if f.created_from:
        qs = qs.filter(created_at__gte=f.created_from)
    if f.created_to:
        qs = qs.filter(created_at__lt=f.created_to)
    if f.q:
        qs = qs.filter(Q(number=f.q) | Q(title__icontains=f.q) | Q(description__icontains=f.q)
                       | Q(address__icontains=f.q))
    return qs.order_by(*ORDERINGS[f.ordering])


@cases_router.get("", response=list[CaseListItem], summary="Cases the caller may see")
@paginate(CasePagination, page_size=20, max_page_size=100)
def case_list(request: AuthedRequest, filters: Query[CaseFilters]):
    qs = cases_visible_to(request.auth).select_related("request_type", "category", "street", "current_unit")
    return cases_filtered(qs, filters)


@cases_router.get("/{number}", response=CaseDetail, summary="A case with its timeline")
def case_detail(request: AuthedRequest, number: str):
    return _case(request.auth, number)


# ---- actions: one endpoint per service ---------------------------------------------------------------------


@cases_router.post("/{number}/dispatch", response=CaseDetail, summary="Dispatch or re-route (派单/改派)")
def case_dispatch(request: AuthedRequest, number: str, payload: DispatchIn):
    to = by_code(Unit, payload.to, "to")
    tier = by_code(Tier, payload.tier, "tier") if payload.tier else None
    return _act(request, number, services.case_dispatch, to=to, tier=tier, reason=payload.reason,
                version=payload.version)


@cases_router.post("/{number}/accept", response=CaseDetail, summary="Sign for the case (签收)")
def case_accept(request: AuthedRequest, number: str, payload: VersionIn | None = None):
    payload = payload or VersionIn()
    return _act(request, number, services.case_accept, version=payload.version)


@cases_router.post("/{number}/start", response=CaseDetail, summary="Start work (处置)")
def case_start(request: AuthedRequest, number: str, payload: NoteOptionalIn | None = None):
    payload = payload or NoteOptionalIn()
    return _act(request, number, services.case_start, note=payload.note, version=payload.version)


@cases_router.post("/{number}/return", response=CaseDetail, summary="Return a wrong dispatch (退单)")
def case_return(request: AuthedRequest, number: str, payload: ReasonIn):
    return _act(request, number, services.case_return, reason=payload.reason, version=payload.version)


@cases_router.post("/{number}/escalate", response=CaseDetail, summary="Escalate one level up (上报)")
def case_escalate(request: AuthedRequest, number: str, payload: ReasonIn):
    return _act(request, number, services.case_escalate, reason=payload.reason, version=payload.version)


@cases_router.post("/{number}/summon", response=CaseDetail, summary="Summon departments (吹哨报到)")
def case_summon(request: AuthedRequest, number: str, payload: SummonIn):
    departments = units_by_code(payload.departments, "departments")
    return _act(request, number, services.case_summon, departments=departments,
                report_due_at=payload.report_due_at, note=payload.note, version=payload.version)


@cases_router.post("/{number}/report-back", response=CaseDetail, summary="A summoned department reports (报到)")
def case_report_back(request: AuthedRequest, number: str, payload: ReportBackIn):
    return _act(request, number, services.case_report_back, report=payload.report, version=payload.version)


@cases_router.post("/{number}/cohandlers", response=CaseDetail, summary="Add co-handling units (协办)")
def case_cohandlers(request: AuthedRequest, number: str, payload: CohandlersIn):
    units = units_by_code(payload.units, "units")
    return _act(request, number, services.case_add_cohandlers, units=units, version=payload.version)


@cases_router.post("/{number}/request-extension", response=CaseDetail, summary="Ask for more time (延期申请)")
def case_request_extension(request: AuthedRequest, number: str, payload: ExtensionRequestIn):
    return _act(request, number, services.case_request_extension, until=payload.until, reason=payload.reason,
                version=payload.version)


@cases_router.post("/{number}/approve-extension", response=CaseDetail, summary="Decide an extension (延期审批)")
def case_approve_extension(request: AuthedRequest, number: str, payload: ExtensionDecisionIn):
    return _act(request, number, services.case_approve_extension, approve=payload.approve, note=payload.note,
                version=payload.version)


@cases_router.post("/{number}/notes", response=CaseDetail, summary="Add a note to the timeline")
def case_note(request: AuthedRequest, number: str, payload: NoteIn):
    return _act(request, number, services.case_add_note, note=payload.note, version=payload.version)


@cases_router.post("/{number}/resolve", response=CaseDetail, summary="Report the result (办结)")
def case_resolve(request: AuthedRequest, number: str, payload: ResolveIn):
    return _act(request, number, services.case_resolve, result=payload.result, version=payload.version)


@cases_router.post("/{number}/close", response=CaseDetail, summary="Archive (归档)")
def case_close(request: AuthedRequest, number: str, payload: NoteOptionalIn | None = None):
    payload = payload or NoteOptionalIn()
    return _act(request, number, services.case_close, note=payload.note, version=payload.version)


@cases_router.post("/{number}/reopen", response=CaseDetail, summary="Reopen (重办)")
def case_reopen(request: AuthedRequest, number: str, payload: ReasonIn):
    return _act(request, number, services.case_reopen, reason=payload.reason, version=payload.version)


@cases_router.post("/{number}/merge", response=CaseDetail, summary="Merge into another case (并单)")
def case_merge(request: AuthedRequest, number: str, payload: MergeIn):
    into = cases_visible_to(request.auth).filter(number=payload.into).first()
    if into is None:
        raise InvalidInput(_("目标工单不存在或无权查看"), code="unknown_case", field="into")
    return _act(request, number, services.case_merge, into=into, note=payload.note, version=payload.version)


@cases_router.post("/{number}/reclassify", response=CaseDetail, summary="Settle the category (改类)")
def case_reclassify(request: AuthedRequest, number: str, payload: ReclassifyIn):
    category = by_code(Category, payload.category, "category", active=True)
    return _act(request, number, services.case_reclassify, category=category, note=payload.note,
                version=payload.version)


@cases_router.post("/{number}/not-duplicate", response=CaseDetail, summary="Not a duplicate (非重复)")
def case_not_duplicate(request: AuthedRequest, number: str, payload: NotDuplicateIn):
    return _act(request, number, services.case_not_duplicate, note=payload.note, version=payload.version)


@cases_router.post("/{number}/request-invalidation", response=CaseDetail, summary="Ask to mark invalid (申请无效)")
def case_request_invalidation(request: AuthedRequest, number: str, payload: InvalidateIn):
    return _act(request, number, services.case_request_invalidation, reason=payload.reason, version=payload.version)


@cases_router.post("/{number}/invalidate", response=CaseDetail, summary="Mark invalid (无效, supervisors)")
def case_invalidate(request: AuthedRequest, number: str, payload: InvalidateIn):
    return _act(request, number, services.case_invalidate, reason=payload.reason, version=payload.version)


# ---- oversight: supervision, instructions, response groups, video ----------------------------------------------


@cases_router.post("/{number}/supervise", response=CaseDetail, summary="Mark for supervision (挂牌督办)")
def case_supervise(request: AuthedRequest, number: str, payload: SuperviseIn):
    return _act(request, number, services.case_supervise, note=payload.note, version=payload.version)


@cases_router.post("/{number}/lift-supervision", response=CaseDetail, summary="Lift supervision (解除督办)")
def case_lift_supervision(request: AuthedRequest, number: str, payload: NoteOptionalIn | None = None):
    payload = payload or NoteOptionalIn()
    return _act(request, number, services.case_lift_supervision, note=payload.note, version=payload.version)


@cases_router.post("/{number}/instruct", response=CaseDetail, summary="A leader's instruction (领导批示)")
def case_instruct(request: AuthedRequest, number: str, payload: InstructIn):
    return _act(request, number, services.case_instruct, instruction=payload.instruction, version=payload.version)


@cases_router.post("/{number}/response-group", response=CaseDetail,
                   summary="Convene a special response group (专项响应组)")
def case_convene_group(request: AuthedRequest, number: str, payload: ResponseGroupIn):
    lead = by_code(Unit, payload.lead, "lead", active=True)
    units = units_by_code(payload.units, "units")
    return _act(request, number, services.case_convene_group, lead=lead, units=units, note=payload.note,
                version=payload.version)


@cases_router.post("/{number}/group-report", response=CaseDetail,
                   summary="A response-group unit reports (专项组反馈)")
def case_group_report(request: AuthedRequest, number: str, payload: ReportBackIn):
    return _act(request, number, services.case_group_report, report=payload.report, version=payload.version)


@cases_router.post("/{number}/video", response=CaseDetail,
                   summary="Open a video consultation room (视频研判); the link is in the timeline's data.url")
def case_open_video(request: AuthedRequest, number: str, payload: VersionIn | None = None):
    payload = payload or VersionIn()
    return _act(request, number, services.case_open_video, version=payload.version)


# ---- how the case counts in the three rates: exclusions (考核核减) ---------------------------------------------
# The call-back (POST /cases/{number}/callback, 回访) writes the feedback app's CallBack row; the cases app may not
# import it, so that endpoint is added to /cases by a module above both.


@cases_router.post("/{number}/exclusion/request", response=CaseDetail,
                   summary="Ask to exclude from the rates (申请核减)",
                   description="The case stops counting in the three rates only once a supervisor approves. "
                               "Allowed to dispatchers and to the unit handling the case; `note` is required.")
def case_request_exclusion(request: AuthedRequest, number: str, payload: ExclusionRequestIn):
    return _act(request, number, services.case_request_exclusion, reason=payload.reason.value, note=payload.note,
                version=payload.version)


@cases_router.post("/{number}/exclusion/decide", response=CaseDetail, summary="Decide an exclusion (核减审批)",
                   description="A command centre or leader outside the unit that asked approves or refuses the "
                               "pending request; a refusal needs a `note`.")
def case_decide_exclusion(request: AuthedRequest, number: str, payload: ExclusionDecisionIn):
    return _act(request, number, services.case_decide_exclusion, approve=payload.approve, note=payload.note,
                version=payload.version)


@cases_router.post("/{number}/exclusion/restore", response=CaseDetail, summary="Count the case again (撤销核减)",
                   description="Undo an approved exclusion (command centre or leader); `note` says why. The rates "
                               "count the case again from the worker's next refresh.")
def case_restore_counting(request: AuthedRequest, number: str, payload: NoteIn):
    return _act(request, number, services.case_restore_counting, note=payload.note, version=payload.version)


# ---- pick lists --------------------------------------------------------------------------------------------


@reference_router.get("/units", response=list[UnitOut], summary="Active units (dispatch targets)")
def unit_list(request: AuthedRequest, filters: Query[UnitFilters]):
    units = Unit.objects.filter(active=True).select_related("parent")
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.parent:
        units = units.filter(parent__code=filters.parent)
    return units


@reference_router.get("/catalog/categories", response=list[CategoryOut], summary="Active categories")
def category_list(request: AuthedRequest):
    return Category.objects.filter(active=True).select_related("parent")


@reference_router.get("/catalog/request-types", response=list[CodeName], summary="Request types")
def request_type_list(request: AuthedRequest):
    return RequestType.objects.all()


@reference_router.get("/catalog/tiers", response=list[TierOut], summary="Response tiers")
def tier_list(request: AuthedRequest):
    return Tier.objects.all()
