"""Cases forwarded by upper-level platforms (上级派): /api/v1/upstream/cases.

Only the system account of an active UpstreamPlatform may call here, and it sees only the cases it forwarded.
A forwarded case is created once per (platform, upstream_id), however often the platform retries.
"""

import hashlib
import json

from django.utils.translation import gettext as _
from ninja import Header, Router, Status

from huying.cases import services
from huying.cases.api import by_code
from huying.cases.api_schemas import AuthedRequest
from huying.cases.models import Case, Channel
from huying.catalog.models import Category, RequestType
from huying.lib.errors import Forbidden, InvalidInput, NotFound
from huying.org.models import User
from huying.upstream.models import UpstreamPlatform
from huying.upstream.schemas import ForwardedCaseIn, ForwardedCaseOut, ForwardedCaseReceipt

upstream_router = Router()

KEY_MAX = 200  # IdempotencyKey.key


def platform_of(user: User) -> UpstreamPlatform:
    """The active platform whose system account `user` is; Forbidden for anyone else."""
    platform = UpstreamPlatform.objects.filter(user=user, active=True).first()
    if platform is None:
        raise Forbidden(_("此接口仅供已启用的上级平台调用"), code="not_upstream_platform")
    return platform


def access_forwarded_case(platform: UpstreamPlatform, upstream_id: str) -> Case:
    """The case this platform forwarded under `upstream_id`; NotFound for anything else, others' cases too."""
    if not 0 < len(upstream_id) <= 100 or "\x00" in upstream_id:  # cannot be an upstream id
        raise NotFound(_("工单不存在或无权查看"), code="case_not_found")
    case = Case.objects.filter(upstream_source=platform.code, upstream_id=upstream_id).first()
    if case is None:
        raise NotFound(_("工单不存在或无权查看"), code="case_not_found")
    return case


def _idempotency_key(value: str | None) -> str:
    key = (value or "").strip()
    if len(key) > KEY_MAX or "\x00" in key:
        raise InvalidInput(_("幂等键过长或含有控制字符"), field="Idempotency-Key")
    return key


def _request_hash(payload: ForwardedCaseIn) -> str:
    # Of the parsed body, keys sorted: a retry that serialises the same case differently is still the same.
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _case_fields(payload: ForwardedCaseIn, *, platform: UpstreamPlatform) -> dict:
    """case_create's arguments for a forwarded case, codes looked up (unknown ones are a 422 naming the field)."""
    if payload.response_due_at and payload.completion_due_at and payload.completion_due_at < payload.response_due_at:
        raise InvalidInput(_("办结时限不能早于响应时限"), field="completion_due_at")
    fields = payload.model_dump(exclude={"request_type", "category", "response_due_at", "completion_due_at"})
    return {
        **fields,
        "by": platform.user, "channel": Channel.UPSTREAM, "upstream_source": platform.code,
        "request_type": by_code(RequestType, payload.request_type, "request_type"),
        "category": by_code(Category, payload.category, "category", active=True) if payload.category else None,
        "due_overrides": {"response_due_at": payload.response_due_at,
                          "completion_due_at": payload.completion_due_at},
    }


@upstream_router.post("/cases", response={200: ForwardedCaseReceipt, 201: ForwardedCaseReceipt},
                      summary="Receive a case forwarded by the platform (上级派单)")
def forwarded_case_receive(request: AuthedRequest, payload: ForwardedCaseIn,
                           idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """201 with `created: true` for a new case; 200 with `created: false` for a repeat of one already received."""
    platform = platform_of(request.auth)
    key = _idempotency_key(idempotency_key)
    case, created = services.case_create_once(scope=f"platform:{platform.code}", key=key,
                                              request_hash=_request_hash(payload),
                                              **_case_fields(payload, platform=platform))
    return Status(201 if created else 200, case)


@upstream_router.get("/cases/{upstream_id}", response=ForwardedCaseOut, summary="Status of a forwarded case")
def forwarded_case_status(request: AuthedRequest, upstream_id: str):
    return access_forwarded_case(platform_of(request.auth), upstream_id)
