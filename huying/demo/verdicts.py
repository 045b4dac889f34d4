"""How the demo's residents judge a result (一事一评): their own ratings, the operators' call-backs (回访), and the
reopen a "not solved" brings (重办), as `huying.feedback` records them live.

Each street area and each department has its own share of unsatisfied residents, spread so that the demo's
rankings have a red list (红榜) and a black list (黑榜) to show.
"""

import datetime as dt
from dataclasses import dataclass

from huying.demo.story import Story
from huying.demo.world import World
from huying.feedback.models import CallBack, Rating, RatingSource, Satisfaction
from huying.org.models import Unit, UnitKind

# Unsatisfied shares of the three streets' areas (shuffled per seed): in the end about 96 %,
# 82 % and 66 % satisfied (a reopened case is judged again): one street on each list and one between.
STREET_UNSATISFIED = (0.04, 0.20, 0.42)
DEPARTMENT_UNSATISFIED = (0.03, 0.42)  # drawn uniformly per department or utility
OTHER_UNSATISFIED = 0.15  # the command centre's own cases
BASIC_SHARE = 0.12  # 基本满意
NOT_SOLVED: dict[str, float] = {Satisfaction.SATISFIED: 0.01, Satisfaction.BASIC: 0.05, Satisfaction.UNSATISFIED: 0.3}
# Who rates on their own: residents who reported online mostly do, callers mostly leave it to the call-back.
RATED_SHARE = {"web": 0.6, "qr": 0.6, "business": 0.7, "emergency": 0.3}
RATED_SHARE_OTHERS = 0.2
REACHED = 0.85
RATING_WITHIN = (30, 6 * 24 * 60)  # minutes after the result
SCORES: dict[str, tuple[int, int]] = {Satisfaction.SATISFIED: (4, 5), Satisfaction.BASIC: (3, 3),
                                       Satisfaction.UNSATISFIED: (1, 2)}
CALLBACK_NOTES: dict[str, str] = {Satisfaction.SATISFIED: "群众对处理结果表示满意",
                                  Satisfaction.BASIC: "群众表示基本满意，希望后续继续关注",
                                  Satisfaction.UNSATISFIED: "群众对处理结果不满意"}
UNREACHED_NOTE = "电话无人接听，未能回访"
COMMENTS: dict[str, tuple[str, ...]] = {Satisfaction.SATISFIED: ("处理很及时，谢谢！", "工作人员态度很好", ""),
            Satisfaction.BASIC: ("问题基本解决了", ""), Satisfaction.UNSATISFIED: ("问题还是没有解决", "处理太慢了")}


@dataclass(frozen=True)
class Feeling:
    """What the resident thinks of one round's result; both their rating and the call-back report it."""

    satisfaction: str  # a Satisfaction
    solved: bool


class Judges:
    """Each accountable area's share of unsatisfied residents, fixed per seed."""

    def __init__(self, world: World):
        self.world = world
        streets = list(world.demo.streets)
        shares = list(STREET_UNSATISFIED)
        world.rng.shuffle(shares)
        self.unsatisfied: dict[int, float] = {s.pk: shares[i % len(shares)] for i, s in enumerate(streets)}
        for unit in world.demo.departments.values():
            self.unsatisfied[unit.pk] = world.rng.uniform(*DEPARTMENT_UNSATISFIED)

    def share_of(self, unit: Unit | None) -> float:
        """The unsatisfied share for a case held by `unit`: its street's for grids, communities and streets."""
        while unit is not None and unit.kind in (UnitKind.GRID, UnitKind.COMMUNITY):
            unit = self.world.parent_of(unit)
        return self.unsatisfied.get(unit.pk, OTHER_UNSATISFIED) if unit is not None else OTHER_UNSATISFIED

    def feeling(self, unit: Unit | None) -> Feeling:
        rng, unsatisfied = self.world.rng, self.share_of(unit)
        roll = rng.random()
        satisfaction = (Satisfaction.UNSATISFIED if roll < unsatisfied
                        else Satisfaction.BASIC if roll < unsatisfied + BASIC_SHARE else Satisfaction.SATISFIED)
        return Feeling(satisfaction, rng.random() >= NOT_SOLVED[satisfaction])

    def rating_time(self, story: Story, channel: str) -> dt.datetime | None:
        """When the resident rates the result on their own, if they do (within the 7-day window)."""
        rng = self.world.rng
        if rng.random() >= RATED_SHARE.get(channel, RATED_SHARE_OTHERS):
            return None
        return story.clock + dt.timedelta(minutes=rng.uniform(*RATING_WITHIN))

    def rate(self, story: Story, feeling: Feeling, at: dt.datetime) -> None:
        """The resident's rating (一事一评), through the tracking link: no staff actor."""
        rng, case = self.world.rng, story.case
        at = story.at(at)
        low, high = SCORES[feeling.satisfaction]
        scores = {"responsiveness": rng.randint(max(1, low - 1), 5), "completion": rng.randint(low, high),
                  "satisfaction": rng.randint(low, high)}
        story.ratings.append(Rating(case=case, round=case.reopen_count, source=RatingSource.RESIDENT,
                                    solved=feeling.solved, comment=rng.choice(COMMENTS[feeling.satisfaction]),
                                    created_at=at, **scores))
        story.record("rate", at, None, data={"round": case.reopen_count, "source": RatingSource.RESIDENT,
                                             "solved": feeling.solved, **scores})

    def call_back(self, story: Story, feeling: Feeling, at: dt.datetime) -> bool:
        """The operator's call-back (回访); True when the resident was reached."""
        rng, case, operator = self.world.rng, story.case, self.world.operator()
        at = story.at(at)
        reached = bool(case.reporter_phone) and rng.random() < REACHED  # nobody to call back without a number
        solved, satisfaction = (feeling.solved, feeling.satisfaction) if reached else (None, "")
        note = CALLBACK_NOTES[feeling.satisfaction] if reached else UNREACHED_NOTE
        story.callbacks.append(CallBack(case=case, round=case.reopen_count, reached=reached, solved=solved,
                                        satisfaction=satisfaction, note=note, operator=operator, created_at=at))
        story.record("callback", at, operator, data={"round": case.reopen_count, "reached": reached,
                                                     "solved": solved, "satisfaction": satisfaction})
        return reached
