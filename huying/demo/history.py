"""The demo history: thousands of cases told in memory, numbered day by day, then written in bulk.

The per-case services are the live write path; here they would cost minutes (a transaction, a number and a
handful of queries per step), so the history mirrors them instead — every step still passes the workflow
table in `Story.record` — and lands with a few hundred bulk INSERTs.
"""

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.conf import settings

from huying.cases.models import Case, CaseAssignment, CaseEvent, CaseNumberCounter, CategorySource, Channel
from huying.cases.workflow import Status
from huying.demo import paths
from huying.demo.drafts import Draft, Drafter
from huying.demo.story import Cutoff, Story
from huying.demo.world import World
from huying.feedback.models import CallBack, Rating
from huying.lib.workcal import SHANGHAI

BATCH = 1000
STALL_DAYS = 10  # recent cases that took a turn may still be stuck at it
STALL_SHARE = 0.5
STALL_ON = frozenset({"return", "escalate", "summon", "request_extension", "reopen"})
MERGE_SHARE = 0.07  # of the cases that repeat an open case at the same grid within the window (并单)
MERGE_WINDOW = dt.timedelta(days=3)
OPERATOR_CHANNELS = ("hotline", "emergency", "forum", "opinion")
GRID_CHANNELS = ("patrol", "visit")


@dataclass
class Chronicle:
    stories: list[Story] = field(default_factory=list)
    merges: list[tuple[Case, Case]] = field(default_factory=list)
    counters: dict[dt.date, int] = field(default_factory=dict)


def history_generate(world: World, count: int, months: int) -> Chronicle:
    """Tell `count` cases over the `months` before now, oldest first (a merge needs its target's story)."""
    drafts = Drafter(world, count, months).drafts()
    chronicle = Chronicle()
    numbers = numbers_assign(drafts, chronicle.counters)
    teller = paths.Teller(world)
    latest: dict[tuple[int, str], Story] = {}
    for draft, number in zip(drafts, numbers, strict=True):
        story = Story(_case(world, draft, number), world.now, _stall(world, draft))
        _tell(teller, story, draft, latest.get((draft.grid.pk, draft.matter)), chronicle)
        latest[(draft.grid.pk, draft.matter)] = story
        chronicle.stories.append(story)
    return chronicle


def numbers_assign(drafts: list[Draft], counters: dict[dt.date, int]) -> list[str]:
    """HY + day + per-day sequence, continuing any counter already there so live cases never collide."""
    prefix = settings.HUYING["CASE_NUMBER_PREFIX"]
    counters.update(CaseNumberCounter.objects.values_list("day", "last"))
    numbers = []
    for draft in drafts:
        day = draft.created_at.astimezone(SHANGHAI).date()
        counters[day] = counters.get(day, 0) + 1
        numbers.append(f"{prefix}{day:%Y%m%d}{counters[day]:06d}")
    return numbers


# Forwarded history cases carry the demo city platform's code as their source (上级派).
UPSTREAM_SOURCE = "city12345"
WEB_CHANNELS = (Channel.WEB, Channel.QR, Channel.BUSINESS, Channel.EMERGENCY)


def _case(world: World, draft: Draft, number: str) -> Case:
    return Case(
        number=number, channel=draft.channel, request_type=draft.request_type, category=draft.category,
        title=draft.title, description=draft.description, urgency=draft.urgency, address=draft.address,
        lat=draft.lat, lon=draft.lon, place_path=draft.grid.path, reporter_name=draft.reporter_name,
        reporter_phone=draft.reporter_phone, anonymous=draft.anonymous, status=Status.RECEIVED, version=1,
        created_at=draft.created_at, updated_at=draft.created_at, created_by=_creator(world, draft),
        tracking_token=secrets.token_urlsafe(24),
        consent_at=draft.created_at if draft.channel in WEB_CHANNELS else None,
        business=draft.channel == Channel.BUSINESS, proactive=draft.channel == Channel.PATROL,
        upstream_source=UPSTREAM_SOURCE if draft.upstream_id else "", upstream_id=draft.upstream_id,
        # The history's categories are the ones the centre settled: `huying triage train-from-cases` learns them.
        category_source=CategorySource.STAFF if draft.category else "",
        **world.place_of(draft.grid),
    )


def _creator(world: World, draft: Draft):
    """Who typed the case in: the operator on the phone, the grid worker on patrol, nobody for a resident's form."""
    if draft.channel in OPERATOR_CHANNELS:
        return world.operator()
    if draft.channel in GRID_CHANNELS:
        return world.staff.one(world.rng, draft.grid)
    return None


def _stall(world: World, draft: Draft) -> frozenset[str]:
    if world.now - draft.created_at < dt.timedelta(days=STALL_DAYS) and world.rng.random() < STALL_SHARE:
        return STALL_ON
    return frozenset()


def _tell(teller: paths.Teller, story: Story, draft: Draft, previous: Story | None, chronicle: Chronicle) -> None:
    data = {"channel": draft.channel, "place_match": "point" if draft.lat is not None else "address"}
    if draft.upstream_id:
        data["upstream_id"] = draft.upstream_id
    try:
        story.open(story.case.created_by, data)
        if previous is not None and _merge_candidate(teller, story, previous):
            _merge(teller, story, draft, previous, chronicle)
        else:
            teller.tell(story, draft)
    except Cutoff:
        pass  # the rest of this case's life has not happened yet


def _merge_candidate(teller: paths.Teller, story: Story, previous: Story) -> bool:
    if story.case.created_at - previous.case.created_at > MERGE_WINDOW:
        return False
    return previous.active_at(story.case.created_at) and teller.rng.random() < MERGE_SHARE


def _merge(teller: paths.Teller, story: Story, draft: Draft, target: Story, chronicle: Chronicle) -> None:
    """The same problem at the same place while the first case is still open: merged into it (并单)."""
    teller.route(story, draft)
    at = story.at(story.clock + paths.minutes(teller.world, 5, 90))
    if not target.active_at(at):
        teller.proceed(story, draft)
        return
    operator, into = teller.world.operator(), target.case
    note = f"同一地点同一问题，并入工单{into.number}"
    story.record("merge", at, operator, note=note, unit=into.current_unit, data={"into": into.number})
    chronicle.merges.append((story.case, into))
    status = target.status_at(at)
    assert status is not None  # the target is active at `at`, checked above
    target.insert(CaseEvent(case=into, action="merge_in", actor=operator, actor_unit_id=operator.unit_id,
                            from_status=status, to_status=status, note=note, data={"from": story.case.number},
                            created_at=at))


def history_write(chronicle: Chronicle) -> None:
    """Cases first (their ids feed the events), then merges, events, assignments, ratings, call-backs and the day
    counters."""
    stories = chronicle.stories
    Case.objects.bulk_create([s.case for s in stories], batch_size=BATCH)
    for case, into in chronicle.merges:
        case.merged_into = into
    Case.objects.bulk_update([case for case, _ in chronicle.merges], ["merged_into"], batch_size=BATCH)
    CaseEvent.objects.bulk_create([e for s in stories for e in s.events], batch_size=BATCH)
    CaseAssignment.objects.bulk_create([a for s in stories for a in s.assignments], batch_size=BATCH)
    Rating.objects.bulk_create([r for s in stories for r in s.ratings], batch_size=BATCH)
    CallBack.objects.bulk_create([c for s in stories for c in s.callbacks], batch_size=BATCH)
    _counters_write(chronicle.counters)


def _counters_write(counters: dict[dt.date, int]) -> None:
    existing = set(CaseNumberCounter.objects.filter(day__in=list(counters)).values_list("day", flat=True))
    for day in existing:
        CaseNumberCounter.objects.filter(day=day).update(last=counters[day])
    CaseNumberCounter.objects.bulk_create(
        CaseNumberCounter(day=day, last=last) for day, last in counters.items() if day not in existing
    )
