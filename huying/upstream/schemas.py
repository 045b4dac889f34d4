"""What an upper-level platform sends us (a forwarded case) and what it reads back (the case's status)."""

from typing import Annotated, Any, TypeAlias

from django.conf import settings
from django.urls import reverse
from ninja import Field, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from huying.cases.api_schemas import CaseFieldsIn, LocalTime, Text100, When
from huying.cases.models import Case
from huying.cases.workflow import Status


def _stripped_not_blank(value: str) -> str:
    # Their id is how a retry finds the first delivery: surrounding blanks would make it another id.
    value = value.strip()
    if not value:
        raise PydanticCustomError("string_too_short", "blank")
    return value


UpstreamId: TypeAlias = Annotated[Text100, AfterValidator(_stripped_not_blank)]


class ForwardedCaseIn(CaseFieldsIn):
    upstream_id: UpstreamId = Field(description="the case's id on the forwarding platform")
    response_due_at: When | None = Field(None, description="the platform's response deadline; replaces ours")
    completion_due_at: When | None = Field(None, description="the platform's completion deadline; replaces ours")


class ForwardedCaseOut(Schema):
    number: str = Field(description="our case number")
    upstream_id: str
    status: str
    status_label: str
    response_due_at: LocalTime | None
    completion_due_at: LocalTime | None
    responded_at: LocalTime | None
    resolved_at: LocalTime | None
    closed_at: LocalTime | None
    result: str
    updated_at: LocalTime

    @staticmethod
    def resolve_status_label(obj: Case) -> str:
        return str(Status(obj.status).label)


class ForwardedCaseReceipt(ForwardedCaseOut):
    created: bool = Field(description="false when this upstream_id (or Idempotency-Key) was already received")
    tracking_url: str | None = Field(None, description="the resident's private link to follow and rate the case")

    @staticmethod
    def resolve_created(obj: Case, context: dict[str, Any]) -> bool:
        # The view answers 201 exactly when this call made the case, 200 for a repeat: the status says it.
        return context["response_status"] == 201

    @staticmethod
    def resolve_tracking_url(obj: Case) -> str | None:
        if not obj.tracking_token:
            return None
        base = str(settings.HUYING["PUBLIC_BASE_URL"]).rstrip("/")
        return base + reverse("feedback:track", args=[obj.tracking_token])
