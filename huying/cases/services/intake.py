"""Creating a case and sending it to a unit (受理, 派单)."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.deadlines import deadlines_for
from huying.cases.models import Case, CaseEvent, Channel, Urgency
from huying.cases.numbers import case_number_next
from huying.cases.permissions import require_may
from huying.cases.services._core import case_apply, require_text
from huying.catalog.models import Category, RequestType, Tier
from huying.lib.errors import InvalidInput
from huying.org.models import Unit, UnitKind, User
from huying.routing.route import route_case

TITLE_MAX = Case._meta.get_field("title").max_length


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
) -> Case:
    """Take in a request (受理) and, unless told not to, route and dispatch it at once."""
    description = require_text(description, "description")
    _check_create_input(channel=channel, urgency=urgency, lat=lat, lon=lon)
    now = timezone.now()
    route = route_case(category=category, request_type=request_type, lat=lat, lon=lon, address=address)
    case = Case.objects.create(
        number=case_number_next(now), channel=channel, request_type=request_type, category=category,
        title=(title or description)[:TITLE_MAX].strip(), description=description, address=address, lat=lat,
        lon=lon, reporter_name="" if anonymous else reporter_name, reporter_phone=reporter_phone,
        anonymous=anonymous, urgency=urgency, created_at=now, updated_at=now, created_by=by,
        **_place_fields(route.place.grid if route.place else None),
    )
    CaseEvent.objects.create(
        case=case, action="create", actor=by, actor_unit=getattr(by, "unit", None), to_status=case.status,
        data={"channel": channel, "place_match": route.place.how if route.place else None}, created_at=now,
    )
    if auto_route:
        _dispatch(case=case, to=route.unit, tier=route.tier, by=by, note="",
                  data={"auto": True, "reason": route.reason, "unassigned": route.unassigned,
                        "rule": route.rule.pk if route.rule else None})
    return case


def _dispatch(*, case: Case, to: Unit, tier: Tier | None, by: User | None, note: str, data: dict,
              version: int | None = None) -> None:
    now = timezone.now()
    changes: dict[str, Any] = {"current_unit": to, "dispatched_at": now, "tier": tier, "responded_at": None}
    if tier is not None:
        due = deadlines_for(tier=tier, request_type=case.request_type, start=now)
        changes.update(response_due_at=due.response_due_at, completion_due_at=due.completion_due_at)
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
