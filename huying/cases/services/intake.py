"""Creating a case and sending it to a unit (受理, 派单)."""

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.deadlines import deadlines_for
from huying.cases.models import Case, CaseEvent, Channel, EventAttachment, IdempotencyKey, Urgency
from huying.cases.numbers import case_number_next
from huying.cases.permissions import require_may
from huying.cases.services._core import case_apply, require_text, transition_check
from huying.cases.services.triaging import Settled, category_settle, duplicates_settle, triage_record
from huying.catalog.models import Category, RequestType, Tier
from huying.lib.errors import InvalidInput
from huying.org.models import Unit, UnitKind, User
from huying.routing.route import UNRESOLVED, route_case
from huying.triage.assess import Assessment, triage_assess
from huying.triage.models import TriageSettings

TITLE_MAX = Case._meta.get_field("title").max_length
log = logging.getLogger(__name__)
DUE_FIELDS = ("response_due_at", "completion_due_at")


def _place_fields(grid: Unit | None) -> dict:
    if grid is None:
        return {}
    return {
        "grid": grid,
        "community": grid.ancestor_of_kind(UnitKind.COMMUNITY),
        "street": grid.ancestor_of_kind(UnitKind.STREET),
        "district": grid.ancestor_of_kind(UnitKind.DISTRICT),
        "place_path": grid.path,
    }


def _check_create_input(*, channel: str, urgency: str, lat: float | None, lon: float | None) -> None:
    if channel not in Channel.values:
        raise InvalidInput(_("未知的来源渠道"), field="channel")
    if urgency not in Urgency.values:
        raise InvalidInput(_("未知的紧急程度"), field="urgency")
    if (lat is None) != (lon is None):
        raise InvalidInput(_("经纬度须同时提供"), field="lat" if lat is None else "lon")


def _is_emergency(channel: str, urgency: str, category: Category | None) -> bool:
    """A one-key call, or a 特急 matter nobody has classified yet, goes to the unit on duty (值班)."""
    return channel == Channel.EMERGENCY or (urgency == Urgency.EMERGENCY and category is None)


@transaction.atomic
def case_create(
    *,
    by: User | None,
    channel: str,
    request_type: RequestType,
    description: str,
    title: str = "",
    category: Category | None = None,
    address: str = "",
    lat: float | None = None,
    lon: float | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    anonymous: bool = False,
    urgency: str = Urgency.NORMAL,
    auto_route: bool = True,
    consent: bool = False,
    business: bool = False,
    company_name: str = "",
    credit_code: str = "",
    proactive: bool = False,
    upstream_source: str = "",
    upstream_id: str = "",
    due_overrides: Mapping[str, dt.datetime] | None = None,
    attachments: Iterable = (),
    triage: bool = True,
) -> Case:
    """Take in a request (受理), understand it (研判) and, unless told not to, route and dispatch it at once.

    Triage suggests the category (used when none was given and the suggestion is trusted enough), finds the
    place in the words, and runs the duplicate filter, which may merge the case into an open one (并单) instead
    of dispatching it. `triage=False` (imports of history) skips all of it.
    `due_overrides` (response_due_at / completion_due_at) carry deadlines an upper platform already set;
    `attachments` (photos) go on the creation event.
    """
    description = require_text(description, "description")
    _check_create_input(channel=channel, urgency=urgency, lat=lat, lon=lon)
    now = timezone.now()
    emergency = _is_emergency(channel, urgency, category)
    settings = TriageSettings.current()
    assessment = _assess(title=title, description=description, address=address, lat=lat, lon=lon) \
        if triage else None
    settled = category_settle(given=category, by=by, upstream_source=upstream_source, assessment=assessment,
                              settings=settings)
    category = settled.category
    route = route_case(category=category, request_type=request_type, lat=lat, lon=lon, address=address,
                       emergency=emergency, place=assessment.place if assessment else UNRESOLVED)
    case = Case.objects.create(
        number=case_number_next(now), channel=channel, request_type=request_type, category=category,
        category_source=settled.source, building=route.place.building if route.place else None,
        title=(title or description)[:TITLE_MAX].strip(), description=description, address=address, lat=lat,
        lon=lon, reporter_name="" if anonymous else reporter_name, reporter_phone=reporter_phone,
        anonymous=anonymous, urgency=urgency, created_at=now, updated_at=now, created_by=by,
        consent_at=now if consent else None, tracking_token=secrets.token_urlsafe(24), business=business,
        company_name=company_name, credit_code=credit_code, proactive=proactive,
        upstream_source=upstream_source, upstream_id=upstream_id,
        **_place_fields(route.place.grid if route.place else None),
    )
    event = CaseEvent.objects.create(
        case=case, action="create", actor=by, actor_unit=getattr(by, "unit", None), to_status=case.status,
        data={"channel": channel, "place_match": route.place.how if route.place else None,
              **_triage_data(assessment, settled)}, created_at=now,
    )
    for upload in attachments:
        EventAttachment.objects.create(event=event, file=upload, name=getattr(upload, "name", ""))
    if assessment is not None:
        record = triage_record(case=case, assessment=assessment, settled=settled)
        # Never folded away: anything urgent (a second call about a fire may be a new fire), and a case the
        # caller settles at once (answered on the phone, solved on the spot) — it is flagged, not merged.
        urgent = emergency or urgency == Urgency.EMERGENCY or bool(assessment.urgent)
        if _settle_duplicates(case=case, record=record, settings=settings, may_merge=auto_route and not urgent):
            return case  # merged into the open case about the same matter: nothing to dispatch
    if auto_route:
        _dispatch(case=case, to=route.unit, tier=route.tier, by=by, note="",
                  data={"auto": True, "reason": route.reason, "unassigned": route.unassigned,
                        "rule": route.rule.pk if route.rule else None}, due_overrides=due_overrides)
    return case


def _assess(**request: Any) -> Assessment | None:
    """Triage's reading of the request, or None when triage itself fails: a request is stored (and routed as
    one nobody has classified) whatever happens to the helpers that read it."""
    try:
        return triage_assess(**request)
    except Exception:  # noqa: BLE001 — any bug in reading must not lose the resident's request
        log.exception("triage failed; the case is taken in without suggestions")
        return None


def _settle_duplicates(**arguments: Any) -> bool:
    """True when the new case was merged; a failing duplicate search leaves it a case of its own (logged)."""
    try:
        with transaction.atomic():  # savepoint: a half-written merge is rolled back, the case stays
            return duplicates_settle(**arguments) is not None
    except Exception:  # noqa: BLE001 — as in _assess
        log.exception("the duplicate filter failed; the case is dispatched on its own")
        return False


def _triage_data(assessment: Assessment | None, settled: Settled) -> dict:
    """What the audit trail says about triage at creation: which model suggested what, and what was done."""
    if assessment is None:
        return {}
    return {"triage": {"outcome": settled.outcome, "method": assessment.method, "model": assessment.model_version,
                       "suggested": [s.code for s in assessment.categories], "confidence": assessment.confidence,
                       "urgent": [u.danger for u in assessment.urgent]}}


def case_create_once(*, scope: str, key: str = "", request_hash: str = "", **fields: Any) -> tuple[Case, bool]:
    """case_create, but a retry returns the case the first call made: (case, created).

    A retry is recognised by the caller's Idempotency-Key within `scope`, or by (upstream_source,
    upstream_id). A key reused with a different body is refused rather than silently answered.
    """
    existing = _case_already_taken(scope=scope, key=key, request_hash=request_hash, fields=fields)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():  # savepoint: a racing twin's insert must not break the caller's transaction
            case = case_create(**fields)
            if key:
                IdempotencyKey.objects.create(scope=scope, key=key, request_hash=request_hash, case=case,
                                              created_at=timezone.now())
        return case, True
    except IntegrityError:
        # Two identical requests raced; the unique constraints let exactly one insert win.
        existing = _case_already_taken(scope=scope, key=key, request_hash=request_hash, fields=fields)
        if existing is None:
            raise
        return existing, False


def _case_already_taken(*, scope: str, key: str, request_hash: str, fields: Mapping[str, Any]) -> Case | None:
    if key:
        seen = IdempotencyKey.objects.select_related("case").filter(scope=scope, key=key).first()
        if seen is not None:
            if request_hash and seen.request_hash != request_hash:
                raise InvalidInput(_("同一幂等键对应了不同的请求内容"), code="idempotency_key_reused",
                                   field="Idempotency-Key")
            return seen.case
    source, upstream_id = fields.get("upstream_source", ""), fields.get("upstream_id", "")
    if upstream_id:
        # The exclude restates the partial index's condition so SQLite can use case_upstream_once (no scan).
        return Case.objects.filter(upstream_source=source, upstream_id=upstream_id).exclude(upstream_id="").first()
    return None


def _dispatch(*, case: Case, to: Unit, tier: Tier | None, by: User | None, note: str, data: dict,
              version: int | None = None, due_overrides: Mapping[str, dt.datetime] | None = None) -> None:
    now = timezone.now()
    changes: dict[str, Any] = {"current_unit": to, "dispatched_at": now, "tier": tier, "responded_at": None,
                               "extended_at": None}
    if tier is not None:
        due = deadlines_for(tier=tier, request_type=case.request_type, start=now)
        changes.update(response_due_at=due.response_due_at, completion_due_at=due.completion_due_at)
    # An upper platform's own deadlines win over ours: it measures us by them.
    changes.update({k: v for k, v in (due_overrides or {}).items() if k in DUE_FIELDS and v is not None})
    case_apply(case=case, action="dispatch", by=by, version=version, unit=to, note=note, data=data, **changes)


@transaction.atomic
def case_dispatch(*, case: Case, to: Unit, by: User, reason: str = "", tier: Tier | None = None,
                  version: int | None = None) -> Case:
    """Send (or re-route, 改派) the case to `to`; deadlines restart from now on the tier."""
    require_may(by, case, "dispatch")
    if case.current_unit_id is not None and case.status != "received":
        reason = require_text(reason, "reason")  # re-routing away from a unit always says why
    if not to.active:
        raise InvalidInput(_("目标单位已停用"), field="to")
    _dispatch(case=case, to=to, tier=tier or case.tier, by=by, note=reason, data={"auto": False},
              version=version)
    return case


@transaction.atomic
def case_solve_on_spot(*, case: Case, by: User, result: str, attachments: Iterable = (),
                       version: int | None = None) -> Case:
    """The grid worker solved what they found where they found it (当场解决): dispatched to their own grid,
    accepted and resolved by them in one go, each step in the audit trail. The case must be new (received).
    """
    require_may(by, case, "solve_on_spot")
    result = require_text(result, "result")
    grid = by.unit
    assert grid is not None  # require_may: a grid worker on a grid
    transition_check(case=case, action="dispatch")
    _dispatch(case=case, to=grid, tier=case.tier, by=by, note="", data={"auto": False, "on_spot": True},
              version=version)
    now = timezone.now()
    case_apply(case=case, action="accept", by=by, responded_at=now)
    case_apply(case=case, action="resolve", by=by, note=result, attachments=attachments, result=result,
               resolved_at=now)
    return case
