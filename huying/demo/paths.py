"""The ways a history case goes through the workflow: answered at once, routed and worked, returned,
escalated, summoned, extended, reopened, invalidated. Shares are of the cases that could take that turn."""

import datetime as dt
from typing import Any

from huying.cases.models import AssignmentRole, CaseAssignment
from huying.catalog.models import Tier
from huying.demo import texts
from huying.demo.drafts import Draft
from huying.demo.story import Story
from huying.demo.verdicts import Judges
from huying.demo.world import World
from huying.lib.workcal import SHANGHAI
from huying.org.models import Unit, UnitKind, User

RESPONSE_MET = 0.95
COMPLETION_MET = 0.9  # with late responses, escalations and rescuing extensions, ~88% finish on time
DIRECT_ANSWER = {"consult": 0.6, "praise": 1.0}  # answered by the operator at once (直接办结)
RETURN_SHARE = 0.03
INVALID_SHARE = 0.01
ESCALATE_SHARE = 0.05
SUMMON_SHARE = 0.25
COHANDLER_SHARE = 0.05
EXTENSION_SHARE = 0.25  # of the cases heading for a missed completion deadline
EXCLUSION_SHARE = 0.015  # asked to be taken out of the rates (申请核减); most requests are approved
EXCLUSION_APPROVED = 0.75
# A "not solved" answer sends the case back once (重办), as the default feedback policy does live.
REOPEN_NOTES = {"callback": "回访反映问题未解决", "resident": "诉求人评价问题未解决"}
# Whom a street blows the whistle for (吹哨), by matter.
SUMMONED = {"street_vending": ("城管委", "市场监管局"), "noise": ("生态环境分局", "住建局"),
            "illegal_building": ("城管委", "住建局", "房管局")}


def minutes(world: World, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(minutes=world.rng.uniform(low, high))


def between(world: World, a: dt.datetime, b: dt.datetime, low: float, high: float) -> dt.datetime:
    return a + (b - a) * world.rng.uniform(low, high)


def office(world: World, when: dt.datetime, due: dt.datetime | None) -> dt.datetime:
    """Staff act by day: a night-time step moves to the next morning unless that would miss the deadline."""
    local = when.astimezone(SHANGHAI)
    if 7 <= local.hour < 22:
        return when
    day = local.date() + dt.timedelta(days=1 if local.hour >= 22 else 0)
    morning = dt.datetime.combine(day, dt.time(8), SHANGHAI) + minutes(world, 0, 50)
    return morning if due is None or morning <= due else when


def _dispatched_at(story: Story) -> dt.datetime:
    """When the case went to its unit: the paths work a case only once it has been dispatched."""
    if story.case.dispatched_at is None:
        raise AssertionError(f"demo history worked case {story.case.number} before dispatching it")
    return story.case.dispatched_at


def _current_unit(story: Story) -> Unit:
    """The unit working the case: the paths work a case only once it has been dispatched."""
    if story.case.current_unit is None:
        raise AssertionError(f"demo history worked case {story.case.number} before dispatching it")
    return story.case.current_unit


class Teller:
    """Tells each case's story on the world's clock, with the world's staff."""

    def __init__(self, world: World):
        self.world, self.rng = world, world.rng
        self.judges = Judges(world)

    def handler(self, unit: Unit | None) -> User | None:
        return self.world.staff.one(self.rng, unit)

    def tell(self, story: Story, draft: Draft) -> None:
        if self.rng.random() < DIRECT_ANSWER.get(draft.request_type.code, 0):
            self.answer(story, draft)
            return
        self.route(story, draft)
        self.proceed(story, draft)

    def proceed(self, story: Story, draft: Draft) -> None:
        """What follows the dispatch: now and then an invalid case, otherwise the work."""
        if self.rng.random() < INVALID_SHARE:
            self.invalidate(story)
            return
        self.work(story, draft)

    def answer(self, story: Story, draft: Draft) -> None:
        """The operator answers a consultation or passes on praise at once (直接办结)."""
        wait = (2, 15) if draft.channel == "hotline" else (20, 240)
        at = story.at(office(self.world, draft.created_at + minutes(self.world, *wait), None))
        story.record("resolve", at, self.world.operator(), note=draft.result, result=draft.result,
                     resolved_at=at, responded_at=at)
        self.close(story, draft)

    def dispatch(self, story: Story, draft: Draft, to: Unit, tier, at: dt.datetime, by: User | None,
                 note: str = "", data: dict | None = None) -> None:
        changes = {"current_unit": to, "dispatched_at": at, "tier": tier, "responded_at": None}
        if tier is not None:
            changes.update(self.world.deadlines(tier, draft.request_type, at))
        story.record("dispatch", at, by, unit=to, note=note, data=data or {"auto": False}, **changes)

    def route(self, story: Story, draft: Draft) -> None:
        unit, tier, reason = self.world.route(draft.rule, draft.grid)
        wrong = self.wrong_unit(unit) if self.rng.random() < RETURN_SHARE else None
        if wrong is not None:
            self.misroute(story, draft, wrong, unit, tier)
        else:
            rule_id = self.world.catalogue.rule_ids.get(draft.rule.category.pk) if draft.rule else None
            self.dispatch(story, draft, unit, tier, story.at(draft.created_at), story.case.created_by,
                          data={"auto": True, "reason": reason, "unassigned": draft.rule is None, "rule": rule_id})
        if story.case.current_unit == self.world.demo.centre:
            self.assign_owner(story, draft)

    def assign_owner(self, story: Story, draft: Draft) -> None:
        """The command centre settles who owns a case no rule placed (权责不清) and dispatches it."""
        demo, tiers = self.world.demo, self.world.catalogue.tiers
        tier: Tier | None
        if self.rng.random() < 0.5 and "B" in tiers:
            to, tier = self.world.place_of(draft.grid)["street"], tiers["B"]
        else:
            to, tier = self.rng.choice(list(demo.departments.values())), tiers.get("C")
        at = story.at(office(self.world, story.clock + minutes(self.world, 10, 120), None))
        self.dispatch(story, draft, to, tier, at, self.world.commander(), note=texts.REDISPATCH_NOTES[0])

    def wrong_unit(self, unit: Unit) -> Unit | None:
        """A plausible mistake: a neighbouring community or street, or another department."""
        demo = self.world.demo
        pools: dict[str, list[Unit]] = {UnitKind.COMMUNITY: demo.communities, UnitKind.STREET: demo.streets,
                                        UnitKind.GRID: demo.grids}
        pool = pools.get(unit.kind) or list(demo.departments.values())
        if unit == demo.centre:
            return None
        return self.rng.choice([u for u in pool if u != unit])

    def misroute(self, story: Story, draft: Draft, wrong: Unit, right: Unit, tier) -> None:
        """Dispatched by hand to the wrong unit, returned within the window (退单), sent on by the centre."""
        at = story.at(draft.created_at + minutes(self.world, 1, 5))
        self.dispatch(story, draft, wrong, tier, at, self.world.operator())
        window = dt.timedelta(hours=tier.return_window_hours if tier else 2)
        at = story.at(at + window * self.rng.uniform(0.1, 0.9))
        centre = self.world.demo.centre
        story.record("return", at, self.handler(wrong), note=self.rng.choice(texts.RETURN_REASONS), unit=centre,
                     current_unit=centre)
        at = story.at(office(self.world, at + minutes(self.world, 10, 60), None))
        self.dispatch(story, draft, right, tier, at, self.world.commander(), note=texts.REDISPATCH_NOTES[1])

    def invalidate(self, story: Story) -> None:
        approver = self.world.commander()
        at = story.at(story.clock + minutes(self.world, 30, 600))
        story.record("invalidate", at, approver, note=self.rng.choice(texts.INVALID_REASONS),
                     data={"approved_by": approver.pk})

    def work(self, story: Story, draft: Draft, turns: bool = True) -> None:
        """Accept, start, (perhaps one turn of the road), resolve, close — and now and then reopen."""
        case = story.case
        handler = self.handler(case.current_unit)
        accepted = story.at(self.respond_time(story))
        story.record("accept", accepted, handler, responded_at=case.responded_at or accepted)
        if turns and self.rng.random() < EXCLUSION_SHARE:
            self.exclude(story, handler)
        resolve_at = self.resolve_time(story, accepted)
        story.record("start", story.at(between(self.world, accepted, resolve_at, 0.02, 0.15)), handler)
        if turns:
            handler = self.turn(story, draft, handler, resolve_at)
        at = story.at(resolve_at)
        story.record("resolve", at, handler, note=draft.result, result=draft.result, resolved_at=at)
        after = self.close(story, draft, may_reopen=turns)
        if after:
            self.reopen(story, draft, after)

    def respond_time(self, story: Story) -> dt.datetime:
        dispatched = _dispatched_at(story)
        due = story.case.response_due_at or dispatched + dt.timedelta(hours=24)
        share = self.rng.uniform(0.05, 0.8) if self.rng.random() < RESPONSE_MET else self.rng.uniform(1.05, 2.5)
        return office(self.world, dispatched + (due - dispatched) * share, due)

    def resolve_time(self, story: Story, accepted: dt.datetime) -> dt.datetime:
        dispatched = _dispatched_at(story)
        due = story.case.completion_due_at or dispatched + dt.timedelta(days=5)
        if self.rng.random() < COMPLETION_MET and due > accepted + dt.timedelta(minutes=5):
            return office(self.world, between(self.world, accepted, due, 0.15, 0.95), due)
        late = max((due - dispatched) * self.rng.uniform(0.05, 1.2), dt.timedelta(minutes=20))
        return max(due, accepted) + late

    def turn(self, story: Story, draft: Draft, handler: User | None, resolve_at: dt.datetime) -> User | None:
        """At most one turn on the way: escalate, summon, add co-handlers or ask for more time."""
        case = story.case
        kind, roll = _current_unit(story).kind, self.rng.random()
        if kind in (UnitKind.GRID, UnitKind.COMMUNITY) and roll < ESCALATE_SHARE:
            return self.escalate(story, handler, resolve_at)
        if kind == UnitKind.STREET and roll < SUMMON_SHARE:
            self.summon(story, draft, handler, resolve_at)
        elif kind in (UnitKind.DEPARTMENT, UnitKind.UTILITY) and roll < COHANDLER_SHARE:
            self.add_cohandler(story, handler)
        elif case.completion_due_at and story.clock < case.completion_due_at < resolve_at and roll < EXTENSION_SHARE:
            self.extend(story, handler, resolve_at)
        return handler

    def escalate(self, story: Story, handler: User | None, resolve_at: dt.datetime) -> User | None:
        """The community (or grid) cannot solve it and hands it one level up (上报)."""
        above = self.world.parent_of(_current_unit(story))
        at = story.at(between(self.world, story.clock, resolve_at, 0.2, 0.5))
        story.record("escalate", at, handler, note=self.rng.choice(texts.ESCALATE_REASONS), unit=above,
                     current_unit=above)
        handler = self.handler(above)
        at = story.at(office(self.world, at + minutes(self.world, 10, 120), None))
        story.record("accept", at, handler)
        story.record("start", story.at(at + minutes(self.world, 5, 60)), handler)
        return handler

    def summon(self, story: Story, draft: Draft, handler: User | None, resolve_at: dt.datetime) -> None:
        """The street blows the whistle (吹哨) and each summoned department reports back (报到)."""
        departments = self.world.demo.departments
        wanted = [departments[n] for n in SUMMONED.get(draft.matter, ("城管委",)) if n in departments]
        if not wanted:
            return
        summoned = self.rng.sample(wanted, k=min(len(wanted), self.rng.randint(1, 2)))
        at = story.at(between(self.world, story.clock, resolve_at, 0.1, 0.3))
        due = self.world.calendar.add(at, 1, "working_days")
        rows = [CaseAssignment(case=story.case, unit=u, role=AssignmentRole.SUMMONED, due_at=due, created_at=at)
                for u in summoned]
        story.assignments.extend(rows)
        story.record("summon", at, handler, note=self.rng.choice(texts.SUMMON_NOTES),
                     data={"departments": [u.pk for u in summoned], "report_due_at": due.isoformat()})
        for i, row in enumerate(rows):
            last = i == len(rows) - 1
            at = story.at(between(self.world, at, min(due, resolve_at), 0.2, 0.6))
            row.reported_at, row.report = at, self.rng.choice(texts.REPORT_BACK)
            story.record("report_back", at, self.handler(row.unit), note=row.report, unit=row.unit,
                         target="in_progress" if last else None, data={"all_reported": last})

    def add_cohandler(self, story: Story, handler: User | None) -> None:
        units = [u for u in self.world.demo.departments.values() if u != story.case.current_unit]
        unit = self.rng.choice(units)
        at = story.at(story.clock + minutes(self.world, 10, 240))
        story.assignments.append(CaseAssignment(case=story.case, unit=unit, role=AssignmentRole.CO, created_at=at))
        story.record("add_note", at, handler, note=texts.COHANDLER_NOTE.format(names=unit.name),
                     data={"cohandlers": [unit.pk]})

    def extend(self, story: Story, handler: User | None, resolve_at: dt.datetime) -> None:
        """Ask for more time before the deadline passes (延期); the command centre approves."""
        due = story.case.completion_due_at
        assert due is not None  # turn() extends only a case that has a completion deadline
        at = story.at(between(self.world, story.clock, due, 0.5, 0.9))
        until = max(self.world.calendar.add(due, 3, "working_days"),
                    resolve_at + dt.timedelta(hours=2))
        story.record("request_extension", at, handler, note=self.rng.choice(texts.EXTENSION_REASONS),
                     extension_until=until, data={"until": until.isoformat()})
        at = story.at(office(self.world, at + minutes(self.world, 30, 240), None))
        story.record("decide_extension", at, self.world.commander(), extension_until=None,
                     completion_due_at=until, data={"approved": True, "until": until.isoformat()})

    def exclude(self, story: Story, handler: User | None) -> None:
        """The handler asks to take the case out of the three rates (申请核减); the command centre decides."""
        reason = self.rng.choice(list(texts.EXCLUSION_NOTES))
        at = story.at(story.clock + minutes(self.world, 10, 120))
        story.record("request_exclusion", at, handler, note=texts.EXCLUSION_NOTES[reason],
                     exclusion_requested=reason, data={"reason": reason})
        approved = self.rng.random() < EXCLUSION_APPROVED
        at = story.at(office(self.world, at + minutes(self.world, 30, 600), None))
        story.record("decide_exclusion", at, self.world.commander(), note="" if approved else texts.EXCLUSION_REFUSED,
                     exclusion_requested="", exclusion=reason if approved else "",
                     data={"reason": reason, "approved": approved, "requested_by": handler.pk if handler else None})

    def close(self, story: Story, draft: Draft, may_reopen: bool = False) -> str:
        """The resident may rate (一事一评); the operator calls back (回访) and archives (归档).

        Returns who said "not solved" ("resident" or "callback") when that sends the case back (重办), else "".
        """
        judges = self.judges
        feeling = judges.feeling(story.case.current_unit)
        rate_at = judges.rating_time(story, draft.channel)
        call_at = office(self.world, story.clock + minutes(self.world, 60, 48 * 60), None)
        if rate_at is not None and rate_at < call_at:
            judges.rate(story, feeling, rate_at)
            rate_at = None
            if may_reopen and not feeling.solved:
                return "resident"
        if judges.call_back(story, feeling, call_at) and may_reopen and not feeling.solved:
            return "callback"
        at = story.at(story.clock + minutes(self.world, 1, 30))
        story.record("close", at, self.world.operator(), closed_at=at)
        if rate_at is not None:  # a resident who rates after the archive (the rating window is still open)
            judges.rate(story, feeling, rate_at)
            if may_reopen and not feeling.solved:
                return "resident"
        return ""

    def reopen(self, story: Story, draft: Draft, after: str) -> None:
        """The result was not solved: the case goes back to its unit (重办) and is worked once more."""
        case = story.case
        at = story.at(story.clock + minutes(self.world, 1, 10))
        changes: dict[str, Any] = {"reopen_count": case.reopen_count + 1, "resolved_at": None, "closed_at": None,
                                   "dispatched_at": at}
        if case.tier is not None:
            changes.update(self.world.deadlines(case.tier, draft.request_type, at))
        data = {"after": after, **({"by_resident": True} if after == "resident" else {})}
        by = self.world.operator() if after == "callback" else None
        story.record("reopen", at, by, note=REOPEN_NOTES[after], unit=case.current_unit, data=data, **changes)
        self.work(story, draft, turns=False)
