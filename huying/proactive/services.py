"""Patrols (网格巡) and what grid workers find on them (无呼也应): the only code that writes a Patrol."""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.models import Case, Channel
from huying.cases.services import case_create, case_solve_on_spot
from huying.catalog.models import Category, RequestType
from huying.lib.errors import NotAllowed
from huying.org.models import Role, Unit, UnitKind, User
from huying.proactive.models import Patrol


def patrol_grid(worker: User) -> Unit:
    """The grid a worker patrols: their own unit, which must be a grid."""
    unit = worker.unit
    if worker.role != Role.GRID_WORKER or unit is None or unit.kind != UnitKind.GRID:
        raise NotAllowed(_("只有网格员可以巡查本网格"), code="not_a_grid_worker")
    return unit


def patrol_open(worker: User) -> Patrol | None:
    return Patrol.objects.filter(worker=worker, ended_at=None).first()


def patrol_start(*, worker: User) -> Patrol:
    """Start a patrol of the worker's grid; the worker must have no patrol open."""
    grid = patrol_grid(worker)
    try:
        with transaction.atomic():  # a savepoint: the refused insert must not spoil the caller's transaction
            return Patrol.objects.create(worker=worker, grid=grid, started_at=timezone.now())
    except IntegrityError:
        # The one_open_patrol constraint, not a check before the insert: two taps racing cannot both win.
        if patrol_open(worker) is None:
            raise
        raise NotAllowed(_("巡查已在进行中，请先结束当前巡查"), code="patrol_already_open") from None


def patrol_stop(*, worker: User) -> Patrol:
    """End the worker's open patrol now."""
    with transaction.atomic():
        patrol = Patrol.objects.select_for_update().filter(worker=worker, ended_at=None).first()
        if patrol is None:
            raise NotAllowed(_("当前没有进行中的巡查"), code="no_open_patrol")
        patrol.ended_at = timezone.now()
        patrol.save(update_fields=["ended_at"])
    return patrol


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight to midnight (Asia/Shanghai unless the deployment says otherwise)."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def patrols_on(*, worker: User, day: dt.date) -> list[Patrol]:
    """The worker's patrols that overlap `day`, earliest first (an open one included)."""
    start, end = day_bounds(day)
    overlapping = Q(ended_at=None) | Q(ended_at__gt=start)
    return list(Patrol.objects.filter(overlapping, worker=worker, started_at__lt=end).order_by("started_at"))


def patrol_time_on(*, worker: User, day: dt.date) -> dt.timedelta:
    """Time spent patrolling within `day`: an open patrol counts up to now, one across midnight is split."""
    start, end = day_bounds(day)
    now = timezone.now()
    total = dt.timedelta()
    for patrol in patrols_on(worker=worker, day=day):
        walked = min(patrol.ended_at or now, end) - max(patrol.started_at, start)
        total += max(walked, dt.timedelta())
    return total


def patrol_report(*, worker: User, request_type: RequestType, description: str, category: Category | None = None,
                  address: str = "", lat: float | None = None, lon: float | None = None,
                  photos: Iterable = ()) -> Case:
    """A problem found on patrol becomes a proactive case (无呼也应), routed like any other."""
    patrol_grid(worker)
    return case_create(by=worker, channel=Channel.PATROL, proactive=True, request_type=request_type,
                       description=description, category=category, address=address, lat=lat, lon=lon,
                       attachments=photos)


@transaction.atomic
def patrol_solve_on_spot(*, worker: User, request_type: RequestType, description: str, result: str,
                         category: Category | None = None, address: str = "", lat: float | None = None,
                         lon: float | None = None, before: Iterable = (), after: Iterable = ()) -> Case:
    """A problem the grid worker solved where they found it (当场解决): photos before on the report, after on
    the result; the case is dispatched to the worker's grid and resolved by them, all in the audit trail.
    """
    patrol_grid(worker)
    case = case_create(by=worker, channel=Channel.PATROL, proactive=True, auto_route=False,
                       request_type=request_type, description=description, category=category, address=address,
                       lat=lat, lon=lon, attachments=before)
    return case_solve_on_spot(case=case, by=worker, result=result, attachments=after)
