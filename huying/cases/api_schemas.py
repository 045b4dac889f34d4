"""What the cases API reads and writes: input bodies and filters, and the case as a list item and in detail."""

import datetime as dt
import enum
from typing import Annotated, Any, TypeAlias

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, PlainSerializer
from pydantic_core import PydanticCustomError

from huying.cases import permissions
from huying.cases.models import Case, Channel, ExclusionReason, Urgency
from huying.cases.permissions import may
from huying.cases.selectors import cases_visible_to
from huying.cases.workflow import ACTIVE, Status
from huying.org.models import UnitKind, User

# ---- the request -------------------------------------------------------------------------------------------


class AuthedRequest(HttpRequest):
    """A request that passed the API's authentication: ninja puts the caller in `auth` (always a User here)."""

    auth: User


# ---- input types -------------------------------------------------------------------------------------------


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refusing it here keeps such input a 422 instead of a database error.
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "contains a NUL character")
    return value


def _sane_datetime(value: dt.datetime) -> dt.datetime:
    if not 2000 <= value.year <= 2999:  # beyond this, time-zone arithmetic can overflow in the database layer
        raise PydanticCustomError("datetime_out_of_range", "year out of range")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)  # a time without offset is local time (Asia/Shanghai)
    return value


# Free text, by its longest allowed length. Named aliases, not a helper called in the annotation, so type checkers
# see a str; each one refuses NUL.
Text: TypeAlias = Annotated[str, AfterValidator(_no_nul)]
Text30: TypeAlias = Annotated[str, Field(max_length=30), AfterValidator(_no_nul)]
Text50: TypeAlias = Annotated[str, Field(max_length=50), AfterValidator(_no_nul)]
Text64: TypeAlias = Annotated[str, Field(max_length=64), AfterValidator(_no_nul)]
Text100: TypeAlias = Annotated[str, Field(max_length=100), AfterValidator(_no_nul)]
Text200: TypeAlias = Annotated[str, Field(max_length=200), AfterValidator(_no_nul)]
Text300: TypeAlias = Annotated[str, Field(max_length=300), AfterValidator(_no_nul)]
Text500: TypeAlias = Annotated[str, Field(max_length=500), AfterValidator(_no_nul)]
Text2000: TypeAlias = Annotated[str, Field(max_length=2000), AfterValidator(_no_nul)]

Code: TypeAlias = Text64
When: TypeAlias = Annotated[dt.datetime, AfterValidator(_sane_datetime)]
Version: TypeAlias = Annotated[
    int | None, Field(None, ge=1, le=2**31 - 1, description="optimistic lock: the version read")
]


class CaseFieldsIn(Schema):
    """What any caller says about a new case; each way in adds its own fields."""

    request_type: Code = Field(description="request type code, e.g. complaint")
    category: Code | None = Field(None, description="category code")
    title: Text200 = ""
    description: Text
    address: Text300 = ""
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    reporter_name: Text50 = ""
    reporter_phone: Text30 = ""
    urgency: Urgency = Urgency.NORMAL


class CaseCreateIn(CaseFieldsIn):
    channel: Channel = Channel.API
    anonymous: bool = False


class VersionIn(Schema):
    version: Version = None


class DispatchIn(VersionIn):
    to: Code = Field(description="target unit code")
    reason: Text = ""
    tier: Code | None = Field(None, description="tier code; defaults to the case's tier")


class NoteOptionalIn(VersionIn):
    note: Text = ""


class ReasonIn(VersionIn):
    reason: Text


class SummonIn(VersionIn):
    departments: list[Code] = Field(min_length=1, max_length=50, description="department unit codes")
    report_due_at: When
    note: Text = ""


class ReportBackIn(VersionIn):
    report: Text


class CohandlersIn(VersionIn):
    units: list[Code] = Field(min_length=1, max_length=50, description="unit codes")


class ExtensionRequestIn(VersionIn):
    until: When
    reason: Text


class ExtensionDecisionIn(VersionIn):
    approve: bool = True
    note: Text = ""


class NoteIn(VersionIn):
    note: Text


class ResolveIn(VersionIn):
    result: Text


class MergeIn(VersionIn):
    into: Text64 = Field(description="number of the case to merge into")
    note: Text = ""


class ReclassifyIn(VersionIn):
    category: Text64 = Field(description="code of the category a person settles on (改类); the same code confirms it")
    note: Text = ""


class NotDuplicateIn(VersionIn):
    note: Text = ""


class InvalidateIn(VersionIn):
    reason: Text


class SuperviseIn(VersionIn):
    note: Text500 = Field("", description="what the supervision requires (督办要求)")


class InstructIn(VersionIn):
    instruction: Text = Field(description="the instruction text (批示内容)")


class ResponseGroupIn(VersionIn):
    lead: Code = Field(description="unit code of the lead unit (牵头单位)")
    units: list[Code] = Field(min_length=1, max_length=50, description="unit codes of the member units")
    note: Text = ""


class ExclusionRequestIn(VersionIn):
    reason: ExclusionReason = Field(description="why the case should not count (考核核减原因)")
    note: Text = Field(description="the facts behind the request; required")


class ExclusionDecisionIn(VersionIn):
    approve: bool = Field(description="true takes the case out of the three rates; false refuses the request")
    note: Text = Field("", description="why; required when refusing")


class Ordering(enum.StrEnum):
    CREATED_DESC = "-created_at"
    CREATED = "created_at"
    DUE = "completion_due_at"
    DUE_DESC = "-completion_due_at"
    UPDATED_DESC = "-updated_at"
    NUMBER = "number"


class CaseFilters(Schema):
    status: Status | None = None
    channel: Channel | None = None
    category: Code | None = Field(None, description="category code; includes its sub-categories")
    street: Code | None = Field(None, description="street unit code")
    current_unit: Code | None = Field(None, description="unit code of the current handler")
    overdue: bool | None = Field(None, description="past the completion deadline and still active")
    created_from: When | None = None
    created_to: When | None = None
    q: Text100 | None = Field(None, description="case number, or text in title, description or address")
    ordering: Ordering = Ordering.CREATED_DESC


# ---- output ------------------------------------------------------------------------------------------------

# Times go out in Beijing time with their offset (2026-10-08T10:00:00+08:00), as people and upstream systems read them.
LocalTime = Annotated[dt.datetime, PlainSerializer(timezone.localtime)]


def mask_phone(phone: str) -> str:
    """13800138000 → 138****8000: enough to recognise a caller, not enough to call them."""
    if not phone:
        return ""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else "****"


def mask_name(name: str) -> str:
    """张先生 → 张*."""
    return f"{name[0]}*" if name else ""


def is_overdue(case: Case) -> bool:
    return bool(case.completion_due_at and case.status in ACTIVE and case.completion_due_at < timezone.now())


class CodeName(Schema):
    code: str
    name: str


class UnitOut(CodeName):
    kind: str
    parent: str | None = Field(None, description="parent unit code")

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class UnitFilters(Schema):
    kind: UnitKind | None = None
    parent: Code | None = Field(None, description="parent unit code")


class CategoryOut(CodeName):
    level: int
    parent: str | None = Field(None, description="parent category code")

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class TierOut(CodeName):
    handling_level: str


class UnitRef(CodeName):
    kind: str


class CaseListItem(Schema):
    number: str
    status: str
    status_label: str
    channel: str
    request_type: CodeName
    category: CodeName | None
    title: str
    urgency: str
    address: str
    street: UnitRef | None
    current_unit: UnitRef | None
    reporter_name: str
    reporter_phone: str
    anonymous: bool
    created_at: LocalTime
    completion_due_at: LocalTime | None
    overdue: bool
    version: int

    @staticmethod
    def resolve_status_label(obj: Case) -> str:
        return str(Status(obj.status).label)

    # These two take the context they ignore so that CaseDetail can override them with versions that need it.
    @staticmethod
    def resolve_reporter_name(obj: Case, context: dict[str, Any]) -> str:
        return mask_name(obj.reporter_name)

    @staticmethod
    def resolve_reporter_phone(obj: Case, context: dict[str, Any]) -> str:
        return mask_phone(obj.reporter_phone)

    @staticmethod
    def resolve_overdue(obj: Case) -> bool:
        return is_overdue(obj)


class EventOut(Schema):
    action: str
    at: LocalTime
    actor: str | None
    actor_unit: str | None
    unit: str | None = Field(None, description="the unit dispatched, escalated or summoned to")
    from_status: str
    to_status: str
    note: str
    data: dict[str, Any] = Field(description="what the action recorded: units summoned, an instruction's link…")

    @staticmethod
    def resolve_at(obj) -> dt.datetime:
        return obj.created_at

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return (obj.actor.get_full_name() or obj.actor.username) if obj.actor_id else None

    @staticmethod
    def resolve_actor_unit(obj) -> str | None:
        return obj.actor_unit.name if obj.actor_unit_id else None

    @staticmethod
    def resolve_unit(obj) -> str | None:
        return obj.unit.name if obj.unit_id else None

    @staticmethod
    def resolve_data(obj, context: dict[str, Any]) -> dict[str, Any]:
        """The duplicate filter's candidates only where the caller may open them (the rest are counted)."""
        data = obj.data or {}
        if obj.action != "possible_duplicate" or not data.get("candidates"):
            return data
        return {**data, **candidates_visible(caller(context), data["candidates"])}


def candidates_visible(user: User, candidates: list[dict]) -> dict[str, Any]:
    numbers = [c.get("number") for c in candidates]
    seen = set(cases_visible_to(user).filter(number__in=numbers).values_list("number", flat=True))
    return {"candidates": [c for c in candidates if c.get("number") in seen],
            "hidden_candidates": sum(1 for n in numbers if n not in seen)}


class AssignmentOut(Schema):
    unit: UnitRef
    role: str
    due_at: LocalTime | None
    reported_at: LocalTime | None
    report: str


class DeadlinesOut(Schema):
    response_due_at: LocalTime | None
    completion_due_at: LocalTime | None
    extension_until: LocalTime | None
    responded_at: LocalTime | None
    overdue: bool


def caller(context: dict[str, Any]) -> User:
    """The authenticated user, from the context ninja hands to resolvers that ask for one."""
    request: AuthedRequest = context["request"]
    return request.auth


# Workflow action → the API path segment that performs it (add_note also offers the co-handler form).
ACTION_PATHS: dict[str, list[tuple[str, str]]] = {
    "dispatch": [("dispatch", "dispatch")], "accept": [("accept", "accept")], "start": [("start", "start")],
    "return": [("return", "return")], "escalate": [("escalate", "escalate")], "summon": [("summon", "summon")],
    "report_back": [("report-back", "report_back")],
    "request_extension": [("request-extension", "request_extension")],
    "decide_extension": [("approve-extension", "decide_extension")],
    "add_note": [("notes", "add_note"), ("cohandlers", "add_cohandlers")],
    "resolve": [("resolve", "resolve")], "close": [("close", "close")], "reopen": [("reopen", "reopen")],
    "merge": [("merge", "merge")], "request_invalidation": [("request-invalidation", "request_invalidation")],
    "invalidate": [("invalidate", "invalidate")],
    "reclassify": [("reclassify", "reclassify")], "not_duplicate": [("not-duplicate", "not_duplicate")],
    "supervise": [("supervise", "supervise")], "lift_supervision": [("lift-supervision", "lift_supervision")],
    "instruct": [("instruct", "instruct")], "convene": [("response-group", "convene")],
    "group_report": [("group-report", "group_report")], "video": [("video", "video")],
    "callback": [("callback", "callback")], "request_exclusion": [("exclusion/request", "request_exclusion")],
    "decide_exclusion": [("exclusion/decide", "decide_exclusion")],
    "restore_counting": [("exclusion/restore", "restore_counting")],
}


def actions_for(user: User, case: Case) -> list[str]:
    """The action endpoints worth offering: the workflow table ∩ the case's state ∩ the permission table."""
    # .get: an action the workflow gains before it has an endpoint is not offered, rather than failing the read.
    return [path for action in permissions.actions_for(user, case) for path, rule in ACTION_PATHS.get(action, ())
            if rule == action or may(user, case, rule)]


class CaseDetail(CaseListItem):
    description: str
    lat: float | None
    lon: float | None
    grid: UnitRef | None
    community: UnitRef | None
    district: UnitRef | None
    tier: CodeName | None
    dispatched_at: LocalTime | None
    resolved_at: LocalTime | None
    closed_at: LocalTime | None
    result: str
    reopen_count: int
    merged_into: str | None = Field(None, description="number of the case this one was merged into")
    supervised_at: LocalTime | None = Field(None, description="when the case was marked for supervision (挂牌督办)")
    supervision_note: str
    exclusion: str = Field(description="why the case is out of the three rates (考核核减), empty when it counts")
    exclusion_requested: str = Field(description="the reason of an exclusion request awaiting approval, or empty")
    updated_at: LocalTime
    deadlines: DeadlinesOut
    assignments: list[AssignmentOut]
    timeline: list[EventOut]
    allowed_actions: list[str]

    @staticmethod
    def resolve_reporter_name(obj: Case, context: dict[str, Any]) -> str:
        full = permissions.sees_reporter(caller(context), obj)
        return obj.reporter_name if full else mask_name(obj.reporter_name)

    @staticmethod
    def resolve_reporter_phone(obj: Case, context: dict[str, Any]) -> str:
        full = permissions.sees_reporter(caller(context), obj)
        return obj.reporter_phone if full else mask_phone(obj.reporter_phone)

    @staticmethod
    def resolve_merged_into(obj: Case) -> str | None:
        return obj.merged_into.number if obj.merged_into is not None else None

    @staticmethod
    def resolve_deadlines(obj: Case) -> dict:
        return {"response_due_at": obj.response_due_at, "completion_due_at": obj.completion_due_at,
                "extension_until": obj.extension_until, "responded_at": obj.responded_at,
                "overdue": is_overdue(obj)}

    @staticmethod
    def resolve_assignments(obj: Case) -> list:
        return list(obj.assignments.select_related("unit").order_by("created_at", "id"))

    @staticmethod
    def resolve_timeline(obj: Case) -> list:
        return list(obj.events.select_related("actor", "actor_unit", "unit"))

    @staticmethod
    def resolve_allowed_actions(obj: Case, context: dict[str, Any]) -> list[str]:
        return actions_for(caller(context), obj)
