"""The rollups kept by deltas equal a recomputation from scratch after a long random sequence of case changes.

Each seed plays 80–120 steps through the real services — create, dispatch, accept, escalate (before and after
signing: the response stays with the unit that had the deadline), return, resolve, close, rate,
call back, reopen (by the operator and by the resident), merge, invalidate, ask for, decide and undo exclusions,
found-on-patrol cases solved on the spot, the deadline timers firing, a change of the score bands, a unit moved in
the tree — while the clock jumps across response deadlines and month ends and the worker's pass runs at random
points with random batch sizes. Refusals (a closed rating window, a spent reopen limit) are part of the game.
"""

import datetime as dt
import random
from collections.abc import Callable

import pytest

from huying.analytics.marks import measures_mark_all
from huying.analytics.models import MeasureSettings
from huying.analytics.refresh import (
    measures_refresh,
    measures_refresh_all,
    rollups_differences,
    rollups_expected,
    rollups_rebuild,
    rollups_stored,
)
from huying.cases import services as svc
from huying.cases.models import Case, CaseEvent, ExclusionReason
from huying.cases.workflow import ACTIVE, COUNTABLE, Status
from huying.feedback.models import FeedbackPolicy
from huying.feedback.services import callback_record, rating_create, resident_reopen
from huying.lib.errors import HuyingError
from huying.timers.fire import timers_fire_due

SEEDS = [(7, 120), (2026, 100), (12345, 80)]


class Game:
    """One random sequence over the cast; `steps` names each move for the failure message."""

    def __init__(self, cast, new_case, clock, rng: random.Random):
        self.cast, self.new_case, self.clock, self.rng = cast, new_case, clock, rng
        self.steps: list[str] = []
        self.staff = {cast.xingfu.pk: cast.community_staff, cast.east.pk: cast.street_dispatcher,
                      cast.parks.pk: cast.parks_handler, cast.water.pk: cast.water_handler,
                      cast.centre.pk: cast.command, cast.grid1.pk: cast.grid_worker, cast.west.pk: cast.outsider}
        self.targets = [cast.xingfu, cast.east, cast.parks, cast.water, cast.grid1, cast.west]
        self.tiers = [cast.tier_a1, cast.tier_a2, cast.tier_b, cast.tier_c]
        self.moves: list[tuple[int, Callable[[], None]]] = [
            (6, self.create), (1, self.patrol), (4, self.dispatch), (6, self.accept), (3, self.escalate),
            (1, self.give_back),
            (7, self.resolve), (1, self.close), (4, self.rate), (3, self.call_back), (3, self.reopen),
            (1, self.merge), (1, self.invalidate), (2, self.ask_exclusion), (2, self.decide_exclusion),
            (1, self.restore), (6, self.tick), (2, self.timers), (4, self.worker), (1, self.bands), (1, self.move_unit),
        ]

    # ---- helpers -----------------------------------------------------------------------------------------------

    def pick(self, *statuses: str) -> Case | None:
        ids = list(Case.objects.filter(status__in=statuses).order_by("pk").values_list("pk", flat=True))
        return Case.objects.get(pk=self.rng.choice(ids)) if ids else None

    def handler(self, case: Case):
        return self.staff.get(case.current_unit_id)

    def play(self, steps: int) -> None:
        weights = [w for w, _move in self.moves]
        for _ in range(steps):
            move = self.rng.choices([m for _w, m in self.moves], weights)[0]
            try:
                move()
            except HuyingError as refused:  # a rule said no: the state must still add up
                self.steps.append(f"  refused: {refused.code}")

    # ---- the moves ---------------------------------------------------------------------------------------------

    def create(self) -> None:
        category = self.rng.choice([self.cast.sanitation, self.cast.trees, self.cast.noise])
        case = self.new_case(category=category, description=f"第{len(self.steps)}件：{category.name}问题")
        self.steps.append(f"create {case.pk} {category.code} at {case.current_unit}")

    def patrol(self) -> None:
        found = self.new_case(by=self.cast.grid_worker, channel="patrol", proactive=True, auto_route=False,
                              description=f"巡查发现{len(self.steps)}")
        self.steps.append(f"patrol {found.pk}")
        if self.rng.random() < 0.7:
            svc.case_solve_on_spot(case=found, by=self.cast.grid_worker, result="已当场处理")
            self.steps.append(f"solve on spot {found.pk}")

    def dispatch(self) -> None:
        case = self.pick(Status.RECEIVED, Status.RETURNED, Status.ESCALATED, Status.REOPENED, Status.DISPATCHED,
                         Status.ACCEPTED, Status.IN_PROGRESS)
        if case is None:
            return
        to, tier = self.rng.choice(self.targets), self.rng.choice(self.tiers)
        self.steps.append(f"dispatch {case.pk} to {to} on {tier.code}")
        svc.case_dispatch(case=case, to=to, by=self.cast.operator, reason="改派", tier=tier)

    def accept(self) -> None:
        case = self.pick(Status.DISPATCHED, Status.ESCALATED, Status.REOPENED)
        if case is not None and self.handler(case) is not None:
            self.steps.append(f"accept {case.pk}")
            svc.case_accept(case=case, by=self.handler(case))

    def escalate(self) -> None:
        # From a dispatched case too: a unit that never signed hands it up, the response staying its own.
        case = self.pick(Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS)
        if case is not None and self.handler(case) is not None:
            self.steps.append(f"escalate {case.pk}")
            svc.case_escalate(case=case, by=self.handler(case), reason="需上级协调")

    def give_back(self) -> None:
        case = self.pick(Status.DISPATCHED)
        if case is not None and self.handler(case) is not None:
            self.steps.append(f"return {case.pk}")
            svc.case_return(case=case, by=self.handler(case), reason="不属于本单位职责")

    def resolve(self) -> None:
        case = self.pick(Status.ACCEPTED, Status.IN_PROGRESS)
        if case is not None and self.handler(case) is not None:
            self.steps.append(f"resolve {case.pk}")
            svc.case_resolve(case=case, by=self.handler(case), result="已处理")

    def close(self) -> None:
        case = self.pick(Status.RESOLVED)
        if case is not None:
            self.steps.append(f"close {case.pk}")
            svc.case_close(case=case, by=self.cast.operator)

    def rate(self) -> None:
        case = self.pick(Status.RESOLVED, Status.CLOSED)
        if case is not None:
            score, solved = self.rng.randint(1, 5), self.rng.random() < 0.7
            self.steps.append(f"rate {case.pk} {score} solved={solved}")
            rating_create(case=case, responsiveness=score, completion=score, satisfaction=score, solved=solved)

    def call_back(self) -> None:
        case = self.pick(Status.RESOLVED, Status.CLOSED)
        if case is not None:
            reached, solved = self.rng.random() < 0.7, self.rng.random() < 0.6
            satisfaction = self.rng.choice(["satisfied", "basic", "unsatisfied"])
            self.steps.append(f"call back {case.pk} reached={reached} solved={solved} {satisfaction}")
            callback_record(case=case, by=self.cast.operator, reached=reached, solved=solved,
                            satisfaction=satisfaction, note="回访")

    def reopen(self) -> None:
        case = self.pick(Status.RESOLVED, Status.CLOSED)
        if case is None:
            return
        if self.rng.random() < 0.5:
            self.steps.append(f"resident reopens {case.pk}")
            resident_reopen(case=case, reason="仍未解决")
        else:
            self.steps.append(f"operator reopens {case.pk}")
            svc.case_reopen(case=case, by=self.cast.operator, reason="复核未解决")

    def merge(self) -> None:
        ids = list(Case.objects.filter(status__in=ACTIVE).values_list("pk", flat=True))
        if len(ids) >= 2:
            repeat, into = (Case.objects.get(pk=pk) for pk in self.rng.sample(ids, 2))
            self.steps.append(f"merge {repeat.pk} into {into.pk}")
            svc.case_merge(case=repeat, into=into, by=self.cast.operator)

    def invalidate(self) -> None:
        case = self.pick(*ACTIVE)
        if case is not None:
            self.steps.append(f"invalidate {case.pk}")
            svc.case_invalidate(case=case, by=self.cast.command, reason="无效诉求")

    def ask_exclusion(self) -> None:
        case = self.pick(*COUNTABLE)
        if case is not None:
            reason = self.rng.choice(ExclusionReason.values)
            self.steps.append(f"ask exclusion {case.pk} {reason}")
            svc.case_request_exclusion(case=case, by=self.cast.operator, reason=reason, note="申请核减")

    def decide_exclusion(self) -> None:
        pending = Case.objects.exclude(exclusion_requested="").filter(status__in=COUNTABLE)
        ids = list(pending.values_list("pk", flat=True))
        if ids:
            case, approve = Case.objects.get(pk=self.rng.choice(ids)), self.rng.random() < 0.7
            self.steps.append(f"decide exclusion {case.pk} approve={approve}")
            svc.case_decide_exclusion(case=case, by=self.cast.admin, approve=approve, note="审核意见")

    def restore(self) -> None:
        ids = list(Case.objects.exclude(exclusion="").values_list("pk", flat=True))
        if ids:
            case = Case.objects.get(pk=self.rng.choice(ids))
            self.steps.append(f"restore {case.pk}")
            svc.case_restore_counting(case=case, by=self.cast.command, note="撤销核减")

    def tick(self) -> None:
        kind = self.rng.random()
        if kind < 0.4:
            delta = dt.timedelta(minutes=self.rng.randint(1, 180))
        elif kind < 0.8:
            delta = dt.timedelta(hours=self.rng.randint(1, 30))
        else:
            delta = dt.timedelta(days=self.rng.randint(1, 9))
        self.clock.shift(delta)
        self.steps.append(f"clock +{delta}")

    def timers(self) -> None:
        report = timers_fire_due(batch=50, max_batches=1)
        self.steps.append(f"timers fired {report.timers}")

    def worker(self) -> None:
        if self.rng.random() < 0.5:
            batch = self.rng.randint(1, 5)
            self.steps.append(f"worker pass of {measures_refresh(batch=batch).measures}")
        else:
            self.steps.append(f"worker until idle: {measures_refresh_all()}")
            self.check("after a full pass")

    def bands(self) -> None:
        # What the administrator's page does when the score bands change.
        row = MeasureSettings.current()
        row.satisfied_min_score, row.basic_min_score = self.rng.choice([(4, 3), (3, 2), (5, 4)])
        row.save()
        measures_mark_all()
        self.steps.append(f"bands {row.satisfied_min_score}/{row.basic_min_score}")

    def move_unit(self) -> None:
        xingfu = self.cast.xingfu
        xingfu.refresh_from_db()
        xingfu.parent = self.cast.west if xingfu.parent_id == self.cast.east.pk else self.cast.east
        xingfu.save()
        self.steps.append(f"幸福里社区 moved under {xingfu.parent}")

    def check(self, when: str) -> None:
        differences = rollups_differences(rollups_expected(), rollups_stored())
        assert differences == [], f"{when}: {differences[:5]}\n" + "\n".join(self.steps[-40:])


@pytest.mark.parametrize(("seed", "steps"), SEEDS)
def test_the_rollups_equal_a_recomputation_after_a_random_sequence_of_case_changes(cast, new_case, clock, seed,
                                                                                  steps):
    FeedbackPolicy.objects.update_or_create(pk=1, defaults={"reopen_limit": 2})
    game = Game(cast, new_case, clock, random.Random(seed))
    for _ in range(3):  # something to work on from the start
        game.create()
    game.play(steps)
    measures_refresh_all()
    game.check("at the end")
    stored = rollups_stored()
    rollups_rebuild()
    assert rollups_stored() == stored
    # The sequence went through the life of a case, not only its first steps.
    played = set(CaseEvent.objects.values_list("action", flat=True))
    assert {"create", "dispatch", "accept", "resolve", "reopen"} <= played and Case.objects.count() >= 10
    assert played & {"rate", "callback"} and played & {"merge", "invalidate", "decide_exclusion"}
