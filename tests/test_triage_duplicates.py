"""The duplicate filter's scoring and decision (案件过滤器), on small cases written for these tests."""

import datetime as dt
import time

import pytest

from huying.triage.duplicates import DuplicatePolicy, Item, Score, duplicate_decide, duplicate_score, text_similarity

NOON = dt.datetime(2024, 5, 6, 12, 0)
POLICY = DuplicatePolicy()
# About 11 m per 0.0001 degree of latitude.
XINGFU = (30.60000, 114.30000)


def item(key: str, text: str, *, hours: float = 0, category: str | None = "sanitation",
         at: tuple[float, float] | None = XINGFU, north_m: float = 0, building: str | None = None,
         closed_after_hours: float | None = None) -> Item:
    arrived = NOON + dt.timedelta(hours=hours)
    lat, lon = (at[0] + north_m / 111_195, at[1]) if at else (None, None)
    closed = arrived + dt.timedelta(hours=closed_after_hours) if closed_after_hours is not None else None
    return Item(key=key, at=arrived, text=text, category=category, lat=lat, lon=lon, building=building,
                open_until=closed)


def decide(new: Item, *olds: Item, policy: DuplicatePolicy = POLICY):
    return duplicate_decide([duplicate_score(new, old, policy) for old in olds], policy)


def test_the_same_chinese_complaint_retold_at_the_same_building_is_merged_with_its_evidence():
    old = item("A1", "幸福里3栋门口的垃圾堆了两天没有人来清运，天气热臭味很大，苍蝇到处飞，请环卫尽快来处理",
               building="b3")
    new = item("A2", "幸福里3栋门口垃圾堆了两天了还没人清运，天热臭得很，苍蝇到处飞，请环卫尽快处理",
               hours=5, building="b3", north_m=30)
    decision = decide(new, old)
    assert decision.action == "merge" and decision.best is not None and decision.best.key == "A1"
    evidence = decision.best.evidence
    assert evidence["same_building"] is True and evidence["same_category"] is True and evidence["old_open"] is True
    assert evidence["hours_apart"] == 5.0 and evidence["distance_m"] == 30
    assert evidence["text_similarity"] > 0.5


def test_an_english_report_nearby_in_other_words_is_suggested_not_merged():
    old = item("B1", "Streetlight out in front of 12 Elm Street, pole is dark all night", category="lights")
    new = item("B2", "The street light on Elm St near number 12 is not working at night", category="lights",
               hours=20, north_m=15)
    decision = decide(new, old)
    assert decision.action == "suggest"
    assert 0.2 < decision.best.evidence["text_similarity"] < 0.5
    assert decision.best.evidence["distance_m"] == 15


def test_another_problem_at_the_same_place_is_not_a_duplicate():
    old = item("C1", "小区门口垃圾满了没人清运")
    new = item("C2", "楼上装修噪音太大，晚上十点还在电钻", category="noise", hours=1)
    decision = decide(new, old)
    assert decision.action is None and decision.best is not None  # scored, but low
    assert decision.best.evidence["same_category"] is False
    assert decision.best.value < POLICY.suggest_score


def test_place_and_category_alone_can_suggest_but_never_merge():
    """A form's default title (the category's name) says nothing about which pothole it is."""
    old = item("D1", "Pothole", category="Pothole")
    new = item("D2", "Pothole", category="Pothole", hours=1)
    score = duplicate_score(new, old, POLICY)
    assert score is not None and score.evidence["text_similarity"] is None
    assert POLICY.suggest_score <= score.value < POLICY.merge_score
    assert decide(new, old).action == "suggest"


def test_cases_farther_apart_than_the_window_are_not_candidates():
    policy = DuplicatePolicy(window_hours=48)
    old = item("E1", "路灯不亮，晚上很黑")
    assert duplicate_score(item("E2", "路灯不亮，晚上很黑", hours=48), old, policy) is not None
    assert duplicate_score(item("E3", "路灯不亮，晚上很黑", hours=48.1), old, policy) is None


def test_cases_farther_apart_than_the_distance_are_not_candidates_unless_in_the_same_building():
    policy = DuplicatePolicy(distance_m=50)
    old = item("F1", "电梯坏了三天没人修", building="b7")
    assert duplicate_score(item("F2", "电梯坏了三天没人修", north_m=45), old, policy) is not None
    assert duplicate_score(item("F3", "电梯坏了三天没人修", north_m=60), old, policy) is None
    same_building = duplicate_score(item("F4", "电梯坏了三天没人修", north_m=120, building="b7"), old, policy)
    assert same_building is not None and same_building.evidence["same_building"] is True


def test_a_case_closed_before_the_new_one_arrived_is_recent_not_open():
    closed_before = item("G1", "井盖丢了，路口很危险", closed_after_hours=2)
    closed_later = item("G2", "井盖丢了，路口很危险", closed_after_hours=30)
    new = item("G3", "路口井盖丢了，很危险", hours=6)
    recent = duplicate_score(new, closed_before, POLICY)
    still_open = duplicate_score(new, closed_later, POLICY)
    assert recent is not None and still_open is not None
    assert recent.evidence["old_open"] is False and recent.evidence["hours_since_closed"] == 4.0
    # Closing 24 hours after the new case arrived was not known when it arrived: the old case was open.
    assert still_open.evidence["old_open"] is True and still_open.evidence["hours_since_closed"] is None
    assert recent.value < still_open.value


def test_without_a_place_the_words_decide():
    old = item("H1", "A市A2区丽发新城小区旁边的搅拌站噪音扰民，粉尘污染严重，请求搬迁", category="noise", at=None)
    retold = item("H2", "投诉A2区丽发新城附近搅拌站噪音扰民，粉尘很大，请尽快搬迁", category="noise", at=None, hours=30)
    unrelated = item("H3", "请问A市什么时候能普及5G网络，信号太差", category="noise", at=None, hours=30)
    score = duplicate_score(retold, old, POLICY)
    assert score is not None and score.evidence["distance_m"] is None
    assert decide(retold, old).action == "suggest"
    assert decide(unrelated, old).action is None


def test_a_pair_with_neither_place_nor_words_is_not_scored():
    old = item("I1", "", at=None)
    assert duplicate_score(item("I2", "", at=None, hours=1), old, POLICY) is None


def test_text_similarity_works_on_chinese_and_english_and_ignores_punctuation_and_case():
    a = Item(key="1", at=NOON, text="Tree DOWN, blocking road!")
    b = Item(key="2", at=NOON, text="tree down blocking road")
    assert text_similarity(a, b) == 1.0
    c, d = Item(key="3", at=NOON, text="水管爆裂"), Item(key="4", at=NOON, text="停电了")
    assert text_similarity(c, d) == 0.0


def test_the_best_candidate_is_chosen_and_the_others_above_the_threshold_kept():
    old_far = item("J1", "幸福里3栋门口垃圾没人清运", north_m=10, hours=-30)
    old_near = item("J2", "幸福里3栋门口垃圾没人清运", hours=-1)
    unrelated = item("J3", "路灯坏了", category="lights")
    new = item("J4", "幸福里3栋门口的垃圾没人清运")
    decision = decide(new, old_far, unrelated, old_near)
    assert decision.best.key == "J2" and [s.key for s in decision.others] == ["J1"]
    assert duplicate_decide([], POLICY).action is None and duplicate_decide([None], POLICY).best is None
    low = Score(key="x", value=0.1)
    assert duplicate_decide([low], POLICY).best == low


def test_thresholds_and_weights_are_checked():
    with pytest.raises(ValueError):
        DuplicatePolicy(suggest_score=0.9, merge_score=0.8)
    with pytest.raises(ValueError):
        DuplicatePolicy(weight_place=0, weight_text=0, weight_category=0, weight_time=0, weight_open=0)
    with pytest.raises(ValueError):
        DuplicatePolicy(window_hours=0)


def test_two_hundred_candidates_are_scored_within_a_few_milliseconds():
    texts = ["幸福里3栋门口垃圾两天没人清运，臭味很大，希望尽快处理", "Streetlight out at the corner of Elm and Main"]
    olds = [item(str(i), texts[i % 2] * 5 + str(i), hours=-i / 10, north_m=i % 40) for i in range(200)]
    new = item("new", texts[0] * 5)
    timings = []
    for _ in range(5):
        # New items each time, as the product builds them for every new case; their texts' bigrams are remembered.
        fresh = [Item(key=o.key, at=o.at, text=o.text, category=o.category, lat=o.lat, lon=o.lon) for o in olds]
        started = time.process_time()  # CPU time: other work shares the test machine
        duplicate_decide([duplicate_score(new, old, POLICY) for old in fresh], POLICY)
        timings.append(time.process_time() - started)
    assert timings[0] < 0.05  # the first time every text is new: about 10 ms
    assert min(timings[1:]) < 0.01  # after that about 2 ms
